using GridMap.Store.Database;
using GridMap.Store.Notifications;
using GridMap.Store.Tiles;

namespace GridMap.Tiling.Cache;

/// <summary>
/// Keeps the tile cache true to the database: a <see cref="NotificationListener"/> on
/// <see cref="Channels.TileInvalidation"/>; each notice evicts the tiles the new <c>tile_invalidation</c> rows touch,
/// or switches the cache to a new dataset version after a load. On start and after a lost connection it catches up
/// from the last row it processed, so no change is missed while it was away.
/// </summary>
public sealed class InvalidationListener(NotificationListener listener, VectorTileStore tiles, TileInvalidationStore invalidations, TileCache cache,
    ReadReplicas replicas, ILogger<InvalidationListener> logger) : BackgroundService, INotificationHandler
{
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the cache knows the dataset version and has caught up (tile requests wait for it).</summary>
    public Task Started => started.Task;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => listener.RunAsync([Channels.TileInvalidation], this, stoppingToken);

    async Task INotificationHandler.ConnectedAsync(int connection, CancellationToken ct)
    {
        await SyncAsync(ct);
        started.TrySetResult();
    }

    // The disk tier failing mid-invalidation throws out of here, which the listener treats as a lost connection: it
    // reconnects after its back-off and catches up. The invalidation is marked processed only once done, so the retry
    // removes what the failed attempt did not.
    Task INotificationHandler.ReceivedAsync(Notification notification, CancellationToken ct) => SyncAsync(ct);

    void INotificationHandler.Lost(Exception error, TimeSpan retryIn) =>
        logger.LogWarning(error, "Tile invalidation listener failed; retrying in {Delay}", retryIn);

    private async Task SyncAsync(CancellationToken ct)
    {
        var version = await tiles.GetDatasetVersionAsync(ct);
        var pending = await invalidations.SinceAsync(cache.LastInvalidationId, ct);
        // Before any tile is evicted: tiles drawn from now on come from a standby only once it has replayed these changes
        // (the primary's WAL position now lies after their commits), else from the primary; a drawing that started
        // before the eviction is not kept (TileCache's epoch). So no standby re-caches what an edit made stale.
        if (version != cache.DatasetVersion || pending.Count > 0)
            await replicas.RaiseFenceToPrimaryAsync(ct);
        if (version != cache.DatasetVersion)
        {
            await cache.UseDatasetVersionAsync(version, await invalidations.LastIdAsync(ct));
            logger.LogInformation("Tile cache on dataset version {Version}", version);
        }

        foreach (var invalidation in pending.Where(i => i.Id > cache.LastInvalidationId))
        {
            var removed = cache.Invalidate(invalidation.Layer, invalidation.Area3857);
            cache.MarkInvalidationProcessed(invalidation.Id);
            logger.LogInformation("Invalidation {Id} on {Layer}: {Removed} cached tiles removed", invalidation.Id, invalidation.Layer, removed);
        }
    }
}
