using System.Net;
using System.Text;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// Stored content (a deliverable, a ledger's original body) is served as a download whatever media type its uploader
/// gave it: never a page of this origin whose script a browser would run.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class DownloadsTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _bank = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("DOWN01", "371302", "2022-01"));
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _bank?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("text/html", "<script>fetch('/api/v1/api-keys')</script>", ".htm")]
    [TestCase("image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", ".svg")]
    [TestCase("application/xhtml+xml", "<html xmlns='http://www.w3.org/1999/xhtml'><script>alert(1)</script></html>", ".xht")]
    [TestCase("text/javascript", "alert(1)", ".js")]
    [TestCase("application/pdf", "%PDF-1.4", ".pdf")]
    [TestCase("image/jpeg", "\u00ff\u00d8", ".jpg")]
    [TestCase("application/x-unheard-of", "<script>alert(1)</script>", "")]
    public async Task Deliverable_OfAnyMediaType_IsServedAsASandboxedAttachment(string mediaType, string document, string extension)
    {
        using var upload = new ByteArrayContent(Encoding.UTF8.GetBytes(document));
        upload.Headers.ContentType = new(mediaType);
        var receipt = await (await _bank.PostAsync("/api/v1/deliverables?obligation=MATCHMAKING_REPORT&year=2022", upload)).JsonAsync();
        var id = receipt["id"]!.GetValue<string>();

        var content = await _bank.GetAsync($"/api/v1/deliverables/{id}/content");

        using var scope = new AssertionScope();
        content.StatusCode.Should().Be(HttpStatusCode.OK);
        ShouldBeASandboxedAttachment(content, $"deliverable-{id}{extension}");
        content.Content.Headers.ContentType!.MediaType.Should().Be(mediaType, "the document is kept and answered exactly as received");
        (await content.Content.ReadAsStringAsync()).Should().Be(document);
    }

    [TestCase("text/csv", ".csv")]
    [TestCase("application/json", ".json")]
    [TestCase("application/x-ndjson", "")]
    public async Task LedgerOriginal_IsServedAsASandboxedAttachment(string mediaType, string extension)
    {
        var body = mediaType == "text/csv" ? Ledgers.Example : "<script>alert(1)</script>";
        var posted = await _bank.PostLedgerAsync("2022-12", body, contentType: mediaType);
        var answer = await posted.JsonAsync();
        var id = (answer["submissionId"] ?? answer["id"])!.GetValue<string>();

        var original = await _bank.GetAsync($"/api/v1/submissions/{id}/original");

        using var scope = new AssertionScope();
        original.StatusCode.Should().Be(HttpStatusCode.OK);
        ShouldBeASandboxedAttachment(original, $"submission-{id}{extension}");
        (await original.Content.ReadAsStringAsync()).Should().Be(body);
    }

    [TestCase("csv", "exceptions.csv")]
    [TestCase("xlsx", "exceptions.xlsx")]
    public async Task Export_IsServedAsASandboxedAttachment(string format, string fileName)
    {
        var export = await _bank.GetAsync($"/api/v1/exceptions/export?format={format}");

        using var scope = new AssertionScope();
        export.StatusCode.Should().Be(HttpStatusCode.OK);
        ShouldBeASandboxedAttachment(export, fileName);
    }

    private static void ShouldBeASandboxedAttachment(HttpResponseMessage response, string fileName)
    {
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition.FileName.Should().Be(fileName);
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Content-Security-Policy").Should().Equal("sandbox");
    }
}
