using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Compliance.Data.Sqlite;

/// <summary>
/// A SQLite database's schema set against the one this build's migrations make. A database whose journal
/// (<c>schema_migrations</c>) lists the first n scripts of <c>db/sqlite/</c> must have exactly the schema those n
/// scripts make on an empty database, as <c>sqlite_master</c> records it: every table with its columns and
/// constraints, every index, and no table, view, trigger or index of its own. A trigger or view is code the server
/// would run with every write once it serves that file; a database whose journal lists a script this build does not
/// have was made by a later version, which this one cannot run.
/// </summary>
internal static partial class SqliteSchema
{
    private const string JournalTable = "schema_migrations";
    private const string JournalExistsSql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
    private const string AppliedSql = "SELECT id FROM schema_migrations";
    private const string ObjectsSql = "SELECT type, name, tbl_name, sql FROM sqlite_master";
    private const string ColumnsSql = "SELECT name FROM pragma_table_xinfo(@table)";

    // What a migration script that writes rows stamps them with: the expected schema is built on an empty database.
    private const string Stamp = "1970-01-01T00:00:00.000Z";

    // The differences a refusal names, at most.
    private const int Named = 10;

    private sealed record SchemaObject(string Type, string Name, string Table, string Sql);

    /// <summary>
    /// Why the schema of the database open on <paramref name="candidate"/> is not one this build's migrations make,
    /// naming what differs (a clause, to follow a colon); <c>null</c> when it is exactly the schema of the migrations
    /// its journal lists. Reads with the connection's transaction, if it has one.
    /// </summary>
    public static string? Refusal(SqliteConnection candidate)
    {
        if (Convert.ToInt64(Scalar(candidate, JournalExistsSql), CultureInfo.InvariantCulture) == 0)
        {
            return $"it has no migration journal ({JournalTable})";
        }

        List<string> applied;
        try
        {
            applied = Strings(candidate, AppliedSql);
        }
        catch (SqliteException e)
        {
            return $"its migration journal ({JournalTable}) is not the one Compliance keeps ({e.Message})";
        }

        var scripts = Migrations.Scripts(SqliteDialect.Instance).Select(script => script.Name).ToList();
        var unknown = applied.Except(scripts, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            return $"its journal lists migrations this version does not have ({string.Join(", ", unknown)}), so a later version made it; "
                + "restore it with that version, or restore a backup this version made";
        }

        if (applied.Count == 0)
        {
            return $"its migration journal ({JournalTable}) is empty";
        }

        var count = applied.Max(name => scripts.IndexOf(name)) + 1;
        var skipped = scripts.Take(count).Except(applied, StringComparer.Ordinal).ToList();
        if (skipped.Count > 0)
        {
            return $"its journal lists migrations without those before them ({string.Join(", ", skipped)} missing), which the migrations never do";
        }

        using var expected = new SqliteConnection("Data Source=:memory:");
        expected.Open();
        Execute(expected, SqliteDialect.Instance.JournalSql);
        foreach (var (_, sql) in Migrations.Scripts(SqliteDialect.Instance).Take(count))
        {
            Execute(expected, sql);
        }

        var differences = Differences(expected, candidate);
        return differences.Count == 0
            ? null
            : $"its schema is not the one this version's migrations make for the {count} it lists: "
                + string.Join("; ", differences.Take(Named))
                + (differences.Count > Named ? $"; and {differences.Count - Named} more" : "");
    }

    private static List<string> Differences(SqliteConnection expected, SqliteConnection candidate)
    {
        var made = Objects(expected);
        var found = Objects(candidate);
        var differences = new List<string>();
        foreach (var (key, item) in found.Where(f => !made.ContainsKey(f.Key)))
        {
            differences.Add(item.Type is "table" or "view" ? $"{key} is not made by the migrations" : $"{key} (on {item.Table}) is not made by the migrations");
        }

        foreach (var key in made.Keys.Where(key => !found.ContainsKey(key)))
        {
            differences.Add($"{key} is missing");
        }

        foreach (var (key, item) in found.Where(f => made.TryGetValue(f.Key, out var m) && m != f.Value))
        {
            var columns = item.Type == "table" ? ColumnDifferences(item.Name, expected, candidate) : [];
            differences.AddRange(columns.Count > 0 ? columns : [$"{key} is defined otherwise than the migrations define it"]);
        }

        return differences;
    }

    private static List<string> ColumnDifferences(string table, SqliteConnection expected, SqliteConnection candidate)
    {
        var made = Strings(expected, ColumnsSql, table);
        var found = Strings(candidate, ColumnsSql, table);
        return
        [
            .. found.Except(made, StringComparer.Ordinal).Select(column => $"table {table} has a column {column} the migrations do not make"),
            .. made.Except(found, StringComparer.Ordinal).Select(column => $"table {table} lacks the column {column}"),
        ];
    }

    /// <summary>Every object of the schema, keyed "type name", in order; its SQL with runs of white space made one space.</summary>
    private static SortedDictionary<string, SchemaObject> Objects(SqliteConnection connection)
    {
        var objects = new SortedDictionary<string, SchemaObject>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = ObjectsSql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var type = reader.GetString(0);
            var name = reader.GetString(1);
            var sql = reader.IsDBNull(3) ? "" : WhiteSpace().Replace(reader.GetString(3).Trim(), " ");
            objects[$"{type} {name}"] = new SchemaObject(type, name, reader.GetString(2), sql);
        }

        return objects;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static List<string> Strings(SqliteConnection connection, string sql, string? table = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (table is not null)
        {
            command.Parameters.AddWithValue("@table", table);
        }

        var values = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@now", Stamp);
        command.ExecuteNonQuery();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
