using Microsoft.Data.Sqlite;

namespace Compliance.Api.Tests.Support;

/// <summary>Rows of a query on a SQLite connection, for the tests that read a schema through its pragmas.</summary>
public static class SqliteRows
{
    /// <summary>Each row of <paramref name="sql"/> as <paramref name="read"/> reads it; <c>@name</c> is <paramref name="name"/> where given.</summary>
    public static async Task<List<T>> ReadAsync<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(read);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (name is not null)
        {
            command.Parameters.AddWithValue("@name", name);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
