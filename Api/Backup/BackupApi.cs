using System.ComponentModel.DataAnnotations;
using Compliance.Api.Access;
using Compliance.Api.Audit;
using Compliance.Api.Http;
using Compliance.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Api.Backup;

/// <summary><c>POST /api/v1/admin/backup</c>: a consistent copy of the SQLite database, taken while the server serves.</summary>
internal static class BackupApi
{
    public const int MaxPathLength = 1024;

    private static readonly InstantPattern FileStamp = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");

    /// <summary>The body: the file to write, relative to the backup folder (a name by the time by default), and whether to replace one.</summary>
    public sealed record BackupBody(
        [property: StringLength(MaxPathLength, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.LengthError)), NameText] string? Path,
        bool? Overwrite);

    /// <summary>The backup written: its path on the server, size, SHA-256 and when it was taken.</summary>
    public sealed record BackupView(string Path, long Bytes, string Sha256, Instant StartedAt, Instant FinishedAt);

    public static void MapBackup(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/admin/backup", Backup).WithTags("Operations").WithName("BackupDatabase").WithSummary("Back up the database")
            .WithDescription("Admin only. Copies the SQLite database while the server goes on serving, with SQLite's online backup API: the copy is the "
                + "database as of one commit, whole. Body {path?, overwrite?}: path is a file in the backup folder (Compliance:Backup:Directory, "
                + "default data/backups; a relative path is resolved there, and a path outside it is refused), compliance-<UTC time>.db by default; "
                + "an existing file is replaced only with overwrite: true (else 409). 400 names path when its folder does not exist, when it is "
                + "outside the backup folder, when it is the live database itself, or when the file system cannot take the name (longer than "
                + "its limit). The file and any folder the server makes are for the server's user only (0600, 0700). On SQL Server: 501, back "
                + "up with BACKUP DATABASE.")
            .RequireAuthorization(AccessSetup.AdminPolicy).Produces<BackupView>(200)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(409).ProducesProblem(501);
    }

    private static async Task<Results<Ok<BackupView>, ProblemHttpResult>> Backup(
        BackupBody? body, Db db, DatabaseKind kind, IOptions<BackupOptions> options, IWebHostEnvironment environment, IClock clock, HttpContext context, CancellationToken ct)
    {
        if (kind.BackupTools is { } tools)
        {
            return Problems.Of(Problems.NotImplemented, Languages.Say(tools.Endpoint));
        }

        var folder = options.Value.FullPath(environment.ContentRootPath);
        PrivateFiles.CreateFolder(folder);
        var started = clock.GetCurrentInstant();
        var path = body?.Path ?? $"compliance-{FileStamp.Format(started)}.db";
        var (target, refusal) = BackupTarget.Check(path, folder, db.DataSource, confinedTo: folder);
        if (refusal is not null)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["path"] = [refusal] });
        }

        AuditApi.ActedOn(context, target!.Path, null);
        var overwrite = body?.Overwrite == true;
        if (target.Exists && !overwrite)
        {
            return Exists(target.Path);
        }

        BackupFile written;
        try
        {
            written = await db.BackupToAsync(target.Path, overwrite, ct);
        }
        catch (IOException) when (!overwrite && File.Exists(target.Path))
        {
            return Exists(target.Path); // another backup took the name meanwhile
        }

        return TypedResults.Ok(new BackupView(written.Path, written.Bytes, written.Sha256, started, clock.GetCurrentInstant()));
    }

    private static ProblemHttpResult Exists(string path) =>
        Problems.Of(Problems.Conflict, $"{path} 已存在；请另取文件名，或发送 overwrite: true 将其替换。", $"{path} exists already; name another file, or send overwrite: true to replace it.");
}
