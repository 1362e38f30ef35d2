using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using GridMap.Domain.Tiles;
using GridMap.Store.Tiles;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace GridMap.Tiling.Cache;

/// <summary>A tile as served: its bytes (empty = no features, answered 204), a strong ETag and a lazily made gzip copy.</summary>
public sealed class CachedTile(byte[] data)
{
    private byte[]? gzip;

    public byte[] Data { get; } = data;
    public string ETag { get; } = "\"" + Convert.ToHexString(SHA256.HashData(data).AsSpan(0, 12)).ToLowerInvariant() + "\"";
    internal long LastUsed;

    public byte[] Gzip => gzip ??= Compress(Data);

    private static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zip = new GZipStream(output, CompressionLevel.Fastest))
            zip.Write(data);
        return output.ToArray();
    }
}

/// <param name="Hits">Tiles answered from either tier; <paramref name="DiskHits"/> of them came from the disk (MBTiles) tier.</param>
public sealed record TileCacheStats(long DatasetVersion, long LastInvalidationId, int MemoryTiles, long MemoryBytes, long Hits, long Misses, long Evicted,
    long DiskHits = 0);

/// <summary>
/// Two tiers, memory (a byte budget, least recently used out first) and disk (MBTiles files per dataset version),
/// keyed by layer, z/x/y and format. One render per tile at a time. Invalidation removes exactly the tiles whose
/// buffered square meets a changed area, in every format, in both tiers.
/// </summary>
public sealed class TileCache : IAsyncDisposable
{
    private readonly ConcurrentDictionary<TileKey, CachedTile> memory = new();
    private readonly ConcurrentDictionary<TileKey, Lazy<Task<CachedTile>>> rendering = new();
    private readonly TilingOptions options;
    private readonly ILogger<TileCache> logger;
    private readonly Lock trimGate = new();
    private readonly Lock versionGate = new();
    private MbTilesStore? disk;
    private long memoryBytes;
    private long hits;
    private long diskHits;
    private long misses;
    private long evicted;
    private long version = -1;
    private long lastInvalidationId;

    // Bumped by every invalidation, clear and version switch: a render or queued disk write that started before the
    // bump is served but not kept, so a stale tile never re-enters the cache.
    private long epoch;

    public TileCache(IOptions<TilingOptions> options, ILogger<TileCache> logger)
    {
        this.options = options.Value;
        this.logger = logger;
    }

    public long DatasetVersion => Interlocked.Read(ref version);

    private long Epoch => Interlocked.Read(ref epoch);

    private string VersionDirectory => Path.Combine(options.CacheDirectory, $"v{DatasetVersion}");

    /// <summary>The cached tile, or the one <paramref name="render"/> makes (stored unless an invalidation overtook it).</summary>
    public async Task<(CachedTile Tile, bool Hit)> GetOrRenderAsync(TileKey key, Func<CancellationToken, Task<byte[]>> render, CancellationToken ct)
    {
        if (memory.TryGetValue(key, out var cached))
        {
            Touch(cached);
            Interlocked.Increment(ref hits);
            return (cached, true);
        }
        var readAt = Epoch;
        if (disk?.Read(key) is { } fromDisk)
        {
            var tile = new CachedTile(fromDisk);
            RememberUnlessInvalidated(key, tile, readAt);
            Interlocked.Increment(ref hits);
            Interlocked.Increment(ref diskHits);
            return (tile, true);
        }

        var lazy = rendering.GetOrAdd(key, k => new Lazy<Task<CachedTile>>(() => RenderAndStoreAsync(k, render)));
        try
        {
            var tile = await lazy.Value.WaitAsync(ct);
            Interlocked.Increment(ref misses);
            return (tile, false);
        }
        finally
        {
            rendering.TryRemove(new KeyValuePair<TileKey, Lazy<Task<CachedTile>>>(key, lazy));
        }
    }

    private async Task<CachedTile> RenderAndStoreAsync(TileKey key, Func<CancellationToken, Task<byte[]>> render)
    {
        var startedAt = Epoch;
        // Not the caller's token: other requests may be waiting on this render.
        var tile = new CachedTile(await render(CancellationToken.None));
        if (startedAt == Epoch)
        {
            RememberUnlessInvalidated(key, tile, startedAt);
            disk?.Write(key, tile.Data, startedAt);
        }
        return tile;
    }

    /// <summary>
    /// Keeps a tile drawn or read at <paramref name="epoch"/>, and takes it back if an invalidation bumped the epoch
    /// meanwhile: the check before keeping it and the keeping are not one step, and an invalidation landing between
    /// them has already swept the tier (found by the replica test, where a lagging standby made the race visible).
    /// </summary>
    private void RememberUnlessInvalidated(TileKey key, CachedTile tile, long epoch)
    {
        Remember(key, tile);
        if (Epoch != epoch)
            ForgetMemory(key);
    }

    private static void Touch(CachedTile tile) => Interlocked.Exchange(ref tile.LastUsed, Environment.TickCount64);

    private void Remember(TileKey key, CachedTile tile)
    {
        if (options.MemoryCacheMegabytes == 0)
            return;
        Touch(tile);
        if (memory.TryAdd(key, tile))
            Interlocked.Add(ref memoryBytes, tile.Data.Length + 200);
        if (Interlocked.Read(ref memoryBytes) > options.MemoryCacheMegabytes * 1024L * 1024L)
            Trim();
    }

    /// <summary>Drops the least recently used quarter of the memory tier.</summary>
    private void Trim()
    {
        lock (trimGate)
        {
            if (Interlocked.Read(ref memoryBytes) <= options.MemoryCacheMegabytes * 1024L * 1024L)
                return;
            foreach (var (key, _) in memory.OrderBy(e => e.Value.LastUsed).Take(Math.Max(1, memory.Count / 4)).ToList())
                ForgetMemory(key);
        }
    }

    private bool ForgetMemory(TileKey key)
    {
        if (!memory.TryRemove(key, out var tile))
            return false;
        Interlocked.Add(ref memoryBytes, -(tile.Data.Length + 200));
        return true;
    }

    /// <summary>Switches to a dataset version: a new load means every cached tile is stale.</summary>
    public async Task UseDatasetVersionAsync(long newVersion, long lastInvalidation)
    {
        MbTilesStore? old;
        lock (versionGate)
        {
            if (Interlocked.Exchange(ref version, newVersion) == newVersion)
                return;
            Interlocked.Increment(ref epoch);
            foreach (var key in memory.Keys)
                ForgetMemory(key);
            Interlocked.Exchange(ref lastInvalidationId, lastInvalidation);
            old = disk;
            disk = null;
            if (options.DiskCache)
            {
                disk = new MbTilesStore(VersionDirectory, () => Epoch, logger);
                var marker = Path.Combine(VersionDirectory, "last-invalidation");
                if (File.Exists(marker) && long.TryParse(File.ReadAllText(marker), out var persisted))
                    Interlocked.Exchange(ref lastInvalidationId, persisted);
                else
                    File.WriteAllText(marker, lastInvalidation.ToString());
            }
        }
        if (old is not null)
            await old.DisposeAsync();
        if (!options.DiskCache)
            return;
        foreach (var stale in Directory.EnumerateDirectories(options.CacheDirectory, "v*").Where(d => Path.GetFileName(d) != $"v{newVersion}"))
        {
            try
            {
                Directory.Delete(stale, recursive: true);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Could not remove the stale tile cache {Directory}", stale);
            }
        }
    }

    public long LastInvalidationId => Interlocked.Read(ref lastInvalidationId);

    public void MarkInvalidationProcessed(long id)
    {
        Interlocked.Exchange(ref lastInvalidationId, id);
        if (disk is not null)
            File.WriteAllText(Path.Combine(VersionDirectory, "last-invalidation"), id.ToString());
    }

    /// <summary>
    /// Evicts every cached tile of <paramref name="layer"/> (all formats, both tiers) whose square, grown by the MVT
    /// buffer, meets <paramref name="area3857"/>; returns how many tiles were removed.
    /// </summary>
    public int Invalidate(string layer, Geometry area3857, int bufferPixels = 64, int extent = 4096)
    {
        Interlocked.Increment(ref epoch);
        var area = PreparedGeometryFactory.Prepare(area3857);
        var candidates = new HashSet<TileCoordinate>();
        for (var z = 0; z <= TileCoordinate.MaxZoom; z++)
        {
            var grown = new Envelope(area3857.EnvelopeInternal);
            grown.ExpandBy(new TileCoordinate(z, 0, 0).SizeMetres * bufferPixels / extent);
            IEnumerable<TileCoordinate> tiles = TileRangeCount(grown, z) <= 4096
                ? TileCoordinate.Covering(grown, z)
                : CachedTiles(layer, z);
            foreach (var tile in tiles)
                if (area.Intersects(area3857.Factory.ToGeometry(tile.Envelope3857(bufferPixels, extent))))
                    candidates.Add(tile);
        }
        var keys = candidates.SelectMany(t => Enum.GetValues<TileFormat>().Select(f => new TileKey(layer, t, f))).ToList();
        var removed = keys.Where(ForgetMemory).ToHashSet();
        if (disk is not null)
        {
            removed.UnionWith(disk.Delete(keys));
            // Until the disk delete committed, a request that missed memory could still read the old tile from disk and
            // keep it (its epoch was already the bumped one): bump again and sweep memory once more.
            Interlocked.Increment(ref epoch);
            removed.UnionWith(keys.Where(ForgetMemory));
        }
        Interlocked.Add(ref evicted, removed.Count);
        return removed.Count;
    }

    private static long TileRangeCount(Envelope envelope, int z)
    {
        var size = new TileCoordinate(z, 0, 0).SizeMetres;
        var columns = Math.Floor((envelope.MaxX + TileCoordinate.WorldHalfWidth) / size) - Math.Floor((envelope.MinX + TileCoordinate.WorldHalfWidth) / size) + 1;
        var rows = Math.Floor((TileCoordinate.WorldHalfWidth - envelope.MinY) / size) - Math.Floor((TileCoordinate.WorldHalfWidth - envelope.MaxY) / size) + 1;
        return (long)Math.Min(long.MaxValue / 2, columns * rows);
    }

    /// <summary>The tiles of a layer at one zoom cached in either tier (used where the tile grid is too large to walk).</summary>
    private IEnumerable<TileCoordinate> CachedTiles(string layer, int z)
    {
        var seen = new HashSet<TileCoordinate>(memory.Keys.Where(k => k.Layer == layer && k.Tile.Z == z).Select(k => k.Tile));
        if (disk is not null)
            seen.UnionWith(disk.Cached(layer, z));
        return seen;
    }

    public TileCacheStats Stats() => new(DatasetVersion, LastInvalidationId, memory.Count, Interlocked.Read(ref memoryBytes),
        Interlocked.Read(ref hits), Interlocked.Read(ref misses), Interlocked.Read(ref evicted), Interlocked.Read(ref diskHits));

    /// <summary>Empties both tiers of the current version (benchmarks measure uncached tiles after this).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref epoch);
        foreach (var key in memory.Keys)
            ForgetMemory(key);
        disk?.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (disk is not null)
            await disk.DisposeAsync();
    }
}
