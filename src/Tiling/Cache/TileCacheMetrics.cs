using GridMap.Metrics;
using Prometheus;

namespace GridMap.Tiling.Cache;

/// <summary>The tile cache on <c>/metrics</c>: hits per tier (memory, disk), renders, what memory holds, and what edits evicted.</summary>
public static class TileCacheMetrics
{
    public static WebApplication AddTileCacheMetrics(this WebApplication app)
    {
        var cache = app.Services.GetRequiredService<TileCache>();
        var metrics = app.Services.GetRequiredService<HostMetrics>();
        var hits = metrics.Factory.CreateCounter("gridmap_tile_cache_hits_total", "Tiles answered from the cache, by tier.", labelNames: ["tier"]);
        var misses = metrics.Factory.CreateCounter("gridmap_tile_cache_misses_total", "Tiles rendered because neither tier held them.");
        var evicted = metrics.Factory.CreateCounter("gridmap_tile_cache_evicted_total", "Tiles dropped from the cache by edits and by its size limit.");
        var tiles = metrics.Factory.CreateGauge("gridmap_tile_cache_tiles", "Tiles the in-memory cache holds.");
        var bytes = metrics.Factory.CreateGauge("gridmap_tile_cache_bytes", "Bytes the in-memory cache holds.");
        var version = metrics.Factory.CreateGauge("gridmap_tile_dataset_version", "The dataset version the cache serves; it rises when a boundary edit lands.");
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            var stats = cache.Stats();
            hits.WithLabels("memory").IncTo(stats.Hits - stats.DiskHits);
            hits.WithLabels("disk").IncTo(stats.DiskHits);
            misses.IncTo(stats.Misses);
            evicted.IncTo(stats.Evicted);
            tiles.Set(stats.MemoryTiles);
            bytes.Set(stats.MemoryBytes);
            version.Set(stats.DatasetVersion);
        });
        return app;
    }
}
