using Compliance.Api;
using Compliance.Api.Access;
using Compliance.Api.Analytics;
using Compliance.Api.Audit;
using Compliance.Api.Backup;
using Compliance.Api.Deadlines;
using Compliance.Api.Exceptions;
using Compliance.Api.Health;
using Compliance.Api.Http;
using Compliance.Api.Institutions;
using Compliance.Api.Jobs;
using Compliance.Api.Operations;
using Compliance.Api.Rules;
using Compliance.Api.Submissions;
using Compliance.Api.WebConsole;

if (BackupCommands.Handles(args))
{
    Environment.ExitCode = await BackupCommands.RunAsync(args);
    return;
}

// The configuration is read once, at start: a watch on its files covers the whole content root and, beneath it, the
// database and the spool, where every page written would raise an event (megabytes of garbage a ledger).
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
builder.AddComplianceData();
builder.AddComplianceAccess();
builder.AddComplianceJobs();
builder.AddComplianceDashboard();
builder.AddComplianceDeadlines();
builder.AddComplianceHttp();
builder.AddComplianceLimits();
builder.AddRuleSetPreview();
builder.AddConsole();
builder.AddComplianceMetrics();

var app = builder.Build();
await app.InitializeComplianceAsync();
var runsApi = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NodeOptions>>().Value.RunsApi;
app.UseSecurityHeaders();
app.UseRequestLanguage();
app.UseComplianceErrors();
if (runsApi)
{
    app.UseConsolePage();
}

app.UseRouting();
app.MapHealth();
app.MapComplianceMetrics();
if (runsApi)
{
    app.UseComplianceAudit();
    app.UseComplianceHttp();
    app.MapProblems();
    app.MapInstitutions();
    app.MapCreditPlans();
    app.MapApiKeys();
    app.MapSubmissions();
    app.MapExceptions();
    app.MapRules();
    app.MapRuleSetPreview();
    app.MapDeadlines();
    app.MapFiling();
    app.MapSupportTool();
    app.MapHeadroom();
    app.MapPeers();
    app.MapAnalytics();
    app.MapTargets();
    app.MapAudit();
    app.MapBackup();
    app.MapComplianceDashboard();
    app.MapConsole();
}

await app.RunAsync();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
