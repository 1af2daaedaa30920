using System.Text.Json;
using Compliance.Api.Submissions;
using Compliance.Api.Tests.Support;
using Compliance.Data;
using Compliance.Data.SqlServer;
using Compliance.Engine.Indicators;
using Dapper;
using FluentAssertions.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using NodaTime;

namespace Compliance.Api.Tests.Submissions;

/// <summary>
/// The indicators are declared once, on the Engine's snapshot: every declared indicator has its column, of its kind,
/// in both dialects' migrated schema (and no snapshot column goes undeclared), and the API's views and OpenAPI
/// document show every one, under its JSON name, in declaration order.
/// </summary>
public sealed class IndicatorDeclarationTests
{
    // The snapshot's own columns: what is not an indicator.
    private static readonly string[] KeyColumns = ["submission_id", "institution", "period", "version"];

    // A different value for each indicator, with the fractions each kind allows.
    private static readonly IndicatorSnapshot Sample = Indicator.Snapshot(i =>
    {
        var n = Indicator.All.ToList().IndexOf(i) + 1;
        return i.Kind switch
        {
            IndicatorKind.Count => (object)(long)n,
            IndicatorKind.Money => n + 0.01m,
            _ => n + 0.000001m,
        };
    });

    private ComplianceApiFactory _factory = null!;

    [OneTimeSetUp]
    public void StartServer() => _factory = new ComplianceApiFactory();

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public void Declaration_NamesEveryStoredPropertyOfTheSnapshot()
    {
        var stored = typeof(IndicatorSnapshot).GetProperties().Where(p => p.SetMethod is not null && p.Name != nameof(IndicatorSnapshot.Pboc)).Select(p => p.Name);

        Indicator.All.Select(i => i.Name).Should().Equal(stored);
    }

    [Test]
    public async Task SqliteSchema_HasAColumnOfItsKindForEveryIndicator_AndNoOther()
    {
        await using var connection = await _factory.Services.GetRequiredService<Db>().OpenAsync(CancellationToken.None);
        var columns = (await connection.QueryAsync<(long Cid, string Name, string Type)>("SELECT cid, name, type FROM pragma_table_info('snapshots')"))
            .ToDictionary(c => c.Name, c => c.Type);

        ShouldHoldEveryIndicator(columns, kind => kind == IndicatorKind.Exact ? ["TEXT"] : ["INTEGER"]);
    }

    [Test]
    public void SqlServerSchema_HasAColumnOfItsKindForEveryIndicator_AndNoOther()
    {
        var columns = new SnapshotColumns();
        foreach (var (_, script) in Migrations.Scripts(SqlServerDialect.Instance))
        {
            SqlServerDialect.Parse(script, out var errors).Accept(columns);
            errors.Should().BeEmpty();
        }

        ShouldHoldEveryIndicator(columns.Types, kind => kind switch
        {
            IndicatorKind.Money => ["bigint"],
            IndicatorKind.Count => ["int", "bigint"],
            _ => ["nvarchar"],
        });
    }

    [Test]
    public void ReceiptView_WritesEveryIndicator_InDeclarationOrder_Exactly()
    {
        var json = JsonSerializer.SerializeToNode(IndicatorsView.From(Sample), ApiJson())!.AsObject();

        using (new AssertionScope())
        {
            json.Select(p => p.Key).Should().Equal([.. Indicator.All.Select(i => i.JsonName), "pboc"]);
            foreach (var indicator in Indicator.All)
            {
                json[indicator.JsonName]!.ToJsonString().Should().Be(JsonSerializer.Serialize(indicator.ValueOf(Sample)), indicator.Name);
            }
        }
    }

    [Test]
    public void PeriodView_WritesEveryIndicator_BetweenItsOwnFieldsAndTheRatios()
    {
        var view = new SubmissionsApi.PeriodIndicators(new YearMonth(2024, 6), "7", 2, Sample, 1.5m, null, 2.25m, 10m, 5m, 5m);

        var json = JsonSerializer.SerializeToNode(view, ApiJson())!.AsObject();

        json.Select(p => p.Key).Should().Equal(
            ["period", "submissionId", "version", .. Indicator.All.Select(i => i.JsonName), "pboc", "inclusiveNplRatio", "totalNplRatio", "creditShare", "inclusiveGrowthYtd", "totalGrowthYtd", "growthGapPp"]);
    }

    [Test]
    public async Task OpenApiDocument_DescribesEveryIndicator_InBothViews()
    {
        using var admin = _factory.Admin();

        var schemas = (await admin.GetJsonAsync("/swagger/v1/swagger.json"))["components"]!["schemas"]!;

        using (new AssertionScope())
        {
            schemas["IndicatorsView"]!["properties"]!.AsObject().Select(p => p.Key).Should().Equal([.. Indicator.All.Select(i => i.JsonName), "pboc"]);
            schemas["PeriodIndicators"]!["properties"]!.AsObject().Select(p => p.Key).Should().ContainInOrder(Indicator.All.Select(i => i.JsonName));
            schemas["PeriodIndicators"]!["properties"]!["inclusiveBorrowers"]!["type"]!.GetValue<string>().Should().Be("integer");
            schemas.AsObject().Should().NotContainKey(nameof(IndicatorSnapshot));
        }
    }

    private JsonSerializerOptions ApiJson() =>
        _factory.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    private static void ShouldHoldEveryIndicator(IReadOnlyDictionary<string, string> columns, Func<IndicatorKind, string[]> typesOf)
    {
        using (new AssertionScope())
        {
            var declared = Indicator.All.Select(i => (i.Column, i.Kind)).Concat(Indicator.PerScope.Select(i => (Column: i.PbocColumn!, i.Kind))).ToList();
            foreach (var (column, kind) in declared)
            {
                columns.Should().ContainKey(column);
                if (columns.TryGetValue(column, out var type))
                {
                    typesOf(kind).Should().Contain(type, $"{column} holds a {kind}");
                }
            }

            columns.Keys.Except(KeyColumns).Should().BeEquivalentTo(declared.Select(d => d.Column), "every snapshot column is a declared indicator, or its PBoC 口径");
        }
    }

    /// <summary>The columns of <c>snapshots</c> and their types, as created and as added to since.</summary>
    private sealed class SnapshotColumns : TSqlFragmentVisitor
    {
        public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

        public override void Visit(CreateTableStatement node) => Add(node.SchemaObjectName, node.Definition);

        public override void Visit(AlterTableAddTableElementStatement node) => Add(node.SchemaObjectName, node.Definition);

        private void Add(SchemaObjectName table, TableDefinition definition)
        {
            if (table.BaseIdentifier.Value != "snapshots")
            {
                return;
            }

            foreach (var column in definition.ColumnDefinitions)
            {
                Types[column.ColumnIdentifier.Value] = column.DataType.Name.BaseIdentifier.Value;
            }
        }
    }
}
