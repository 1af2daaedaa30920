using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// A request written byte for byte over a TCP connection of its own, for what <see cref="HttpClient"/> will not send
/// (a path longer than <see cref="Uri"/> holds), read back as a <see cref="HttpResponseMessage"/>.
/// </summary>
internal static class RawHttp
{
    /// <summary>
    /// Sends <paramref name="head"/> (the request line and any headers, each ending in CRLF) with <c>Host</c> and
    /// <c>Connection: close</c> added, and reads the answer until the server closes the connection.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(Uri server, string head)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{head}Host: {server.Authority}\r\nConnection: close\r\n\r\n"));
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (IOException)
        {
            // The server may reset a connection whose request it did not read to the end.
        }

        return Parse(received.ToArray());
    }

    private static HttpResponseMessage Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        end.Should().BePositive($"the server answers with a head, not '{Encoding.ASCII.GetString(bytes)}'");
        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var response = new HttpResponseMessage((HttpStatusCode)int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture));
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = bytes[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Unchunked(body);
        }

        response.Content = new ByteArrayContent(body);
        if (headers.TryGetValue("Content-Type", out var type))
        {
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        }

        return response;
    }

    private static byte[] Unchunked(byte[] body)
    {
        using var text = new MemoryStream();
        var at = 0;
        while (true)
        {
            var line = at + body.AsSpan(at).IndexOf("\r\n"u8);
            var size = int.Parse(Encoding.ASCII.GetString(body, at, line - at).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return text.ToArray();
            }

            text.Write(body, line + 2, size);
            at = line + 2 + size + 2;
        }
    }
}
