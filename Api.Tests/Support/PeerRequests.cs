using System.Net;
using Microsoft.AspNetCore.Http;

namespace Compliance.Api.Tests.Support;

/// <summary>Requests as the in-memory server receives them from a given peer address (it knows none of its own).</summary>
public static class PeerRequests
{
    /// <summary>Sends a GET from <paramref name="from"/> and returns the answer's status.</summary>
    public static async Task<int> SendAsync(this ComplianceApiFactory factory, string pathAndQuery, IPAddress? from = null, string? forwardedFor = null, string? key = null)
    {
        var context = await factory.Server.SendAsync(c =>
        {
            var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = question < 0 ? pathAndQuery : pathAndQuery[..question];
            c.Request.QueryString = question < 0 ? QueryString.Empty : new QueryString(pathAndQuery[question..]);
            c.Connection.RemoteIpAddress = from;
            if (forwardedFor is not null)
            {
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }

            if (key is not null)
            {
                c.Request.Headers["X-Api-Key"] = key;
            }
        });
        return context.Response.StatusCode;
    }
}
