using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Hardening;

/// <summary>A client that uploads a byte a second is cut off (real Kestrel), stores nothing, and holds nobody else.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class SlowUploadTests(TestDatabase database)
{
    [Test]
    public async Task LedgerUpload_AtOneBytePerSecond_IsCutOffAndStoresNothing()
    {
        using var factory = new ComplianceApiFactory(database);
        var address = factory.StartKestrel();
        var key = await factory.CreateInstitutionAsync("SLOW1", "110101");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/v1/submissions?period=2022-12 HTTP/1.1\r\nHost: {address.Authority}\r\nX-Api-Key: {key}\r\n" +
            "Content-Type: text/csv\r\nContent-Length: 100000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var clock = Stopwatch.StartNew();
        var reading = ReadToEndAsync(stream);

        while (!reading.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                await stream.WriteAsync("a"u8.ToArray());
            }
            catch (IOException)
            {
                break; // the server closed the connection
            }

            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1)));
        }

        var answer = await reading.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "a body slower than the minimum rate is cut off after its grace period");
        if (answer.Length > 0)
        {
            answer.Should().StartWith("HTTP/1.1 408", "Kestrel answers the request it timed out");
        }

        using var admin = factory.Admin();
        var listed = await admin.GetJsonAsync("/api/v1/submissions?institution=SLOW1");
        listed["total"]!.GetValue<long>().Should().Be(0, "a cut-off upload stores no submission");
        (await admin.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        factory.DeleteDatabase();
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // reset by the server: the connection is cut off
        }

        return text.ToString();
    }
}
