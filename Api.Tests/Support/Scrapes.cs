using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Compliance.Api.Tests.Support;

/// <summary>Scrapes of <c>/metrics</c>, as if from a given address, and the values read from them.</summary>
public static class Scrapes
{
    /// <summary>Scrapes <c>/metrics</c> from this machine and returns the body, which must be served as text.</summary>
    public static async Task<string> ScrapeAsync(this ComplianceApiFactory factory)
    {
        var (response, body) = await factory.GetMetricsAsync(IPAddress.Loopback);
        response.StatusCode.Should().Be(StatusCodes.Status200OK, body);
        response.ContentType.Should().StartWith("text/plain");
        return body;
    }

    /// <summary>
    /// <c>GET /metrics</c> as if from <paramref name="from"/>: the in-memory test server leaves the remote address
    /// unknown unless a request sets it (and an unknown address is not local).
    /// </summary>
    public static async Task<(HttpResponse Response, string Body)> GetMetricsAsync(this ComplianceApiFactory factory, IPAddress? from)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/metrics";
            c.Request.Headers.Accept = "text/plain";
            c.Connection.RemoteIpAddress = from;
        });
        using var reader = new StreamReader(context.Response.Body, Encoding.UTF8);
        return (context.Response, await reader.ReadToEndAsync());
    }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every one of <paramref name="labels"/>; there must be one.</summary>
    public static double Value(this IReadOnlyList<PrometheusText.Sample> samples, string name, params (string Name, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && s.Has(labels)).ToList();
        matching.Should().NotBeEmpty($"{name} with {string.Join(", ", labels.Select(l => $"{l.Name}={l.Value}"))} is scraped");
        return matching.Sum(s => s.Value);
    }
}
