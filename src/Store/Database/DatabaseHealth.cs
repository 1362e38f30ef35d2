using Npgsql;

namespace GridMap.Store.Database;

/// <summary>Answers whether the database is reachable and holds a loaded province.</summary>
public sealed class DatabaseHealth(NpgsqlDataSource dataSource)
{
    public async Task<(bool Reachable, int Grids, string? Error)> CheckAsync(CancellationToken ct = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT count(*)::int FROM grid");
            return (true, (int)(await command.ExecuteScalarAsync(ct))!, null);
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException or TimeoutException)
        {
            return (false, 0, e.Message);
        }
    }
}
