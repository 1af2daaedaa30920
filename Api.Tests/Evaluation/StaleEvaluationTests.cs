using System.Globalization;
using Compliance.Api.Jobs;
using Compliance.Api.Tests.Support;
using Compliance.Data.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>
/// PostgreSQL, where each statement reads what was committed before it: an evaluation that waits for another period's
/// lock while a newer version of its own period is accepted and evaluated writes nothing stale over that evaluation,
/// because it reads what it evaluates only once it holds every lock of its batch.
/// </summary>
[NonParallelizable]
public sealed class StaleEvaluationTests
{
    [Test]
    public async Task EvaluationWaitingForALock_WhileANewerVersionIsEvaluated_LeavesTheNewerVersionsExceptions()
    {
        TestDatabases.RequireAvailable(TestDatabase.Postgres);
        using var factory = new ComplianceApiFactory(TestDatabase.Postgres, settings: new Dictionary<string, string?> { ["Compliance:Roles"] = "api" });
        // S0's lock sorts before S1's: a batch of both locks S0 first.
        using var other = factory.ClientWithKey(await factory.CreateInstitutionAsync("S0", "371302"));
        using var bank = factory.ClientWithKey(await factory.CreateInstitutionAsync("S1", "371302"));
        var otherPeriod = Id(await other.SubmitAcceptedAsync("2022-12", Ledgers.Example));
        var first = Id(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresDatabases.ConnectionString(factory.Location)) { Pooling = false }.ConnectionString;

        Task stale;
        await using (var holder = new NpgsqlConnection(connectionString))
        {
            await holder.OpenAsync();
            await using var held = await holder.BeginTransactionAsync();
            await Dapper.SqlMapper.ExecuteAsync(holder, "SELECT pg_advisory_xact_lock(@key)", new { key = PostgresDialect.LockKey("evaluation/S0/2022-12") }, held);

            // The first version, with S0's period, waits for S0's lock.
            stale = Task.Run(() => Job(factory).RunManyAsync([otherPeriod, first], CancellationToken.None));
            await Eventually.UntilAsync(() => WaitingAsync(connectionString), waiting => waiting > 0 || stale.IsCompleted, "the batch to wait for S0's lock");
            stale.IsCompleted.Should().BeFalse("the batch waits for S0's lock");

            // Meanwhile a second version without the substandard loan is accepted and evaluated: no NPL breach is left.
            var second = Id(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example.Replace("guarantee,substandard", "guarantee,normal", StringComparison.Ordinal)));
            await Job(factory).RunAsync(second, CancellationToken.None);
            (await bank.ExceptionsAsync("&rule=NPL_TOLERANCE&status=open")).Should().BeEmpty("the second version breaches no NPL tolerance");

            await held.CommitAsync();
        }

        await stale;
        var open = await bank.ExceptionsAsync("&rule=NPL_TOLERANCE&status=open");

        open.Should().BeEmpty("the evaluation of the superseded first version, once it had its locks, wrote nothing over the second's");
        factory.DeleteDatabase();
    }

    private static EvaluateSubmissionJob Job(ComplianceApiFactory factory) =>
        factory.Services.CreateScope().ServiceProvider.GetRequiredService<EvaluateSubmissionJob>();

    private static long Id(string id) => long.Parse(id, CultureInfo.InvariantCulture);

    private static async Task<long> WaitingAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection,
            "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()");
    }
}
