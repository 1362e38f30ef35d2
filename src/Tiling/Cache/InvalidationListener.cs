using GridMap.Store.Tiles;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridMap.Tiling.Cache;

/// <summary>
/// Keeps the tile cache true to the database: listens on the channel 'tile_invalidation', evicts the tiles each new
/// <c>tile_invalidation</c> row touches, and switches the cache to a new dataset version after a load. On start and
/// after a lost connection it catches up from the last row it processed, so no change is missed while it was away.
/// </summary>
public sealed class InvalidationListener(NpgsqlDataSource dataSource, VectorTileStore tiles, TileCache cache, ILogger<InvalidationListener> logger)
    : BackgroundService
{
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the cache knows the dataset version and has caught up (tile requests wait for it).</summary>
    public Task Started => started.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                var pending = 0;
                connection.Notification += (_, e) => Interlocked.Increment(ref pending);
                await using (var listen = new NpgsqlCommand("LISTEN tile_invalidation", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                try
                {
                    await SyncAsync(connection, stoppingToken);
                    started.TrySetResult();
                    delay = TimeSpan.FromSeconds(1);
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        await connection.WaitAsync(stoppingToken);
                        if (Interlocked.Exchange(ref pending, 0) > 0)
                            await SyncAsync(connection, stoppingToken);
                    }
                }
                finally
                {
                    await UnlistenAsync(connection);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            // The disk tier failing mid-invalidation is retried too: the invalidation is marked processed only once
            // done, so the retry removes what the failed attempt did not.
            catch (Exception e) when (e is NpgsqlException or PostgresException or TimeoutException or Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                logger.LogWarning(e, "Tile invalidation listener failed; retrying in {Delay}", delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }

    /// <summary>
    /// The service's pool skips Npgsql's session reset (Program.cs), so a connection that outlived an error goes back
    /// to the pool without its LISTEN. A broken one is dropped by the pool anyway.
    /// </summary>
    private static async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
            return;
        try
        {
            await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
            await unlisten.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Broken or cancelled mid-wait: the pool will not hand it out again.
        }
    }

    private async Task SyncAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var version = await tiles.GetDatasetVersionAsync(ct);
        if (version != cache.DatasetVersion)
        {
            await using var max = new NpgsqlCommand("SELECT coalesce(max(id), 0) FROM tile_invalidation", connection);
            await cache.UseDatasetVersionAsync(version, (long)(await max.ExecuteScalarAsync(ct))!);
            logger.LogInformation("Tile cache on dataset version {Version}", version);
        }

        await using var command = new NpgsqlCommand(
            "SELECT id, layer, area FROM tile_invalidation WHERE id > $1 ORDER BY id", connection);
        command.Parameters.Add(new() { Value = cache.LastInvalidationId });
        var rows = new List<(long Id, string Layer, Geometry Area)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<Geometry>(2)));
        foreach (var (id, layer, area) in rows)
        {
            var removed = cache.Invalidate(layer, area);
            cache.MarkInvalidationProcessed(id);
            logger.LogInformation("Invalidation {Id} on {Layer}: {Removed} cached tiles removed", id, layer, removed);
        }
    }
}
