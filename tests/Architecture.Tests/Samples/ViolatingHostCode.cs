using Npgsql;

namespace GridMap.Architecture.Tests.Samples;

/// <summary>
/// What the rules must catch, kept in the test assembly so that each rule is shown to fail on a violation:
/// a host endpoint that queries PostgreSQL itself, with its SQL in the code.
/// </summary>
internal static class ViolatingHostCode
{
    public static async Task<long> CountGridsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM grid");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ListenAsync(NpgsqlConnection connection)
    {
        await using var listen = new NpgsqlCommand("LISTEN tile_invalidation", connection);
        await listen.ExecuteNonQueryAsync();
    }
}
