using System.Data.Common;
using System.Security.Cryptography;
using Compliance.Api.Tests.Support;
using Compliance.Data;
using Compliance.Data.Postgres;
using Compliance.Engine.Ledger;
using Dapper;
using NodaTime;
using NodaTime.Testing;

namespace Compliance.Api.Tests.Postgres;

/// <summary>
/// What the PostgreSQL dialect promises the stores, on a real server (<c>COMPLIANCE_TEST_POSTGRES</c>; skipped
/// without one): a lock taken in one transaction holds every other connection, on any node, until it ends; and the
/// server's failures are classified as the other databases' are.
/// </summary>
public sealed class PostgresDialectTests
{
    private string _database = null!;
    private Db _db = null!;

    [OneTimeSetUp]
    public void CreateDatabase()
    {
        TestDatabases.RequireAvailable(TestDatabase.Postgres);
        _database = $"compliance_dialect_{Guid.NewGuid():N}";
        var options = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = PostgresDatabases.Create(_database) };
        _db = new Db(PostgresDialect.Instance, options, Path.GetTempPath(), new FakeClock(Instant.FromUtc(2023, 1, 1, 0, 0)));
    }

    [OneTimeTearDown]
    public void DropDatabase()
    {
        if (_db is not null)
        {
            PostgresDatabases.Drop(_database);
        }
    }

    [Test]
    public async Task Lock_TakenInOneTransaction_HoldsAnotherConnectionUntilItCommits()
    {
        await using var first = await _db.OpenAsync(CancellationToken.None);
        await using var second = await _db.OpenAsync(CancellationToken.None);
        await using var holding = await first.BeginTransactionAsync();
        await _db.Dialect.LockAsync(first, holding, "submission/T0001/2022-12", CancellationToken.None);

        await using var waiting = await second.BeginTransactionAsync();
        var taken = _db.Dialect.LockAsync(second, waiting, "submission/T0001/2022-12", CancellationToken.None);
        var early = await Task.WhenAny(taken, Task.Delay(TimeSpan.FromSeconds(1)));
        await holding.CommitAsync();
        await taken.WaitAsync(TimeSpan.FromSeconds(10));

        early.Should().NotBeSameAs(taken, "the second transaction waits while the first holds the lock");
        taken.IsCompletedSuccessfully.Should().BeTrue("the lock is the second's once the first commits");
    }

    [Test]
    public async Task Lock_OnAnotherResource_DoesNotWait()
    {
        await using var first = await _db.OpenAsync(CancellationToken.None);
        await using var second = await _db.OpenAsync(CancellationToken.None);
        await using var holding = await first.BeginTransactionAsync();
        await _db.Dialect.LockAsync(first, holding, "submission/T0001/2022-12", CancellationToken.None);

        await using var other = await second.BeginTransactionAsync();
        var taken = _db.Dialect.LockAsync(second, other, "submission/T0001/2022-11", CancellationToken.None);

        await taken.WaitAsync(TimeSpan.FromSeconds(10));
        taken.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Test]
    public async Task DuplicateKey_IsAUniqueViolation_AndNotTransient()
    {
        await using var connection = await _db.OpenAsync(CancellationToken.None);
        const string insert = "INSERT INTO calendar_years (year, body, updated_at) VALUES (1999, '{}', now())";
        await connection.ExecuteAsync(insert);

        var failure = await FluentActions.Awaiting(() => connection.ExecuteAsync(insert)).Should().ThrowAsync<DbException>();

        _db.Dialect.IsUniqueViolation(failure.Which).Should().BeTrue();
        _db.Dialect.IsTransient(failure.Which).Should().BeFalse();
    }

    [Test]
    public async Task Deadlock_IsTransient()
    {
        await using var first = await _db.OpenAsync(CancellationToken.None);
        await using var second = await _db.OpenAsync(CancellationToken.None);
        await using var a = await first.BeginTransactionAsync();
        await using var b = await second.BeginTransactionAsync();
        await _db.Dialect.LockAsync(first, a, "deadlock/a", CancellationToken.None);
        await _db.Dialect.LockAsync(second, b, "deadlock/b", CancellationToken.None);

        // Each waits for the other's: the server breaks the cycle by failing one of them. The other may be granted its
        // lock as the victim's transaction aborts, before or after the victim hears of it: either may end first.
        var outcomes = await Task.WhenAll(
            FailureOf(_db.Dialect.LockAsync(first, a, "deadlock/b", CancellationToken.None), a),
            FailureOf(_db.Dialect.LockAsync(second, b, "deadlock/a", CancellationToken.None), b)).WaitAsync(TimeSpan.FromSeconds(30));

        var failure = outcomes.Should().ContainSingle(e => e != null, "PostgreSQL fails one side of a deadlock, and only one").Which;
        failure.Should().BeAssignableTo<DbException>().Which.SqlState.Should().Be("40P01");
        _db.Dialect.IsTransient(failure!).Should().BeTrue("a deadlock victim may succeed if retried");
    }

    [Test]
    public async Task InsertBlob_SendsTheContentAsItReadsIt_WithoutCopyingItIntoMemory()
    {
        // A body as the server holds one: a spooled file, of incompressible bytes so the server stores it as sent.
        var path = Path.Combine(Path.GetTempPath(), $"compliance-blob-{Guid.NewGuid():N}.bin");
        var content = RandomNumberGenerator.GetBytes(16 << 20);
        await File.WriteAllBytesAsync(path, content);
        try
        {
            await using var connection = await _db.OpenAsync(CancellationToken.None);
            await connection.ExecuteAsync("CREATE TABLE blob_probe (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body bytea NOT NULL)");
            var blob = new Blob("blob_probe", "body", "id", "INSERT INTO blob_probe (body) VALUES (@Content)", "SELECT body FROM blob_probe WHERE id = @id");
            await using var transaction = await connection.BeginTransactionAsync();

            var before = GC.GetTotalAllocatedBytes(precise: true);
            var id = await _db.Dialect.InsertBlobAsync(connection, transaction, blob, new { }, content.Length, () => File.OpenRead(path), CancellationToken.None);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            await transaction.CommitAsync();

            allocated.Should().BeLessThan(content.Length / 4, "the content streams from its file to the server, never held whole in memory");
            using var stored = new MemoryStream();
            await _db.Dialect.CopyBlobAsync(connection, blob, id, stored, CancellationToken.None);
            SHA256.HashData(stored.ToArray()).Should().Equal(SHA256.HashData(content), "the content is stored exactly as read");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task LoanWriter_WhileTheBodyIsStored_TakesTheRowsValidated_AndWritesThemAfter()
    {
        const int rows = 100_000;
        const long submission = 7;
        await using var connection = await _db.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        using var bodyStored = new ManualResetEventSlim();
        Task validate;
        Task finished;
        using (var writer = _db.Dialect.OpenLoanWriter(connection, transaction, submission, () => bodyStored.Wait(TimeSpan.FromMinutes(1))))
        {
            validate = Task.Run(() =>
            {
                for (var line = 1; line <= rows; line++)
                {
                    writer.Write(LedgerRow.FromFen(line, $"L{line:D7}", $"B{line:D7}", null, BorrowerType.Micro, 100_000_00, Product.Loan, Purpose.Business,
                        Guarantee.Credit, LoanClass.Normal, 50_000_00, 40_000_00, new LocalDate(2022, 1, 10), new LocalDate(2024, 1, 9), 4_350_000, false, 'C', "371302"));
                }
            });
            finished = await Task.WhenAny(validate, Task.Delay(TimeSpan.FromSeconds(10)));
            bodyStored.Set();
            await validate;
            writer.Complete();
        }

        var stored = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM loans WHERE submission_id = @submission", new { submission }, transaction);
        await transaction.RollbackAsync();

        finished.Should().BeSameAs(validate, "a ledger's rows are validated while its body is stored, not after");
        stored.Should().Be(rows);
    }

    /// <summary>The lock's failure, its transaction rolled back so that the other side goes on; null where it was taken.</summary>
    private static async Task<Exception?> FailureOf(Task taking, DbTransaction transaction)
    {
        try
        {
            await taking;
            return null;
        }
        catch (DbException e)
        {
            await transaction.RollbackAsync();
            return e;
        }
    }
}
