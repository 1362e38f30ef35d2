using Npgsql;

namespace GridMap.Testing;

/// <summary>The one-value query every fixture offers its tests: positional parameters ($1, $2 …), the first column of the first row.</summary>
public static class DataSourceQueries
{
    public static async Task<T> ScalarAsync<T>(this NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var p in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
