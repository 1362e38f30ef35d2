using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using GridMap.Domain.Tiles;
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

public sealed record TileCacheStats(long DatasetVersion, long LastInvalidationId, int MemoryTiles, long MemoryBytes, long Hits, long Misses, long Evicted);

/// <summary>
/// Two tiers, memory (a byte budget, least recently used out first) and disk (one file per tile under a folder per
/// dataset version), keyed by layer, z/x/y and format. One render per tile at a time. Invalidation removes exactly
/// the tiles whose buffered square meets a changed area, in every format, in both tiers.
/// </summary>
public sealed class TileCache
{
    private readonly ConcurrentDictionary<TileKey, CachedTile> memory = new();
    private readonly ConcurrentDictionary<TileKey, Lazy<Task<CachedTile>>> rendering = new();
    private readonly ConcurrentDictionary<string, long> layerEpochs = new();
    private readonly TilingOptions options;
    private readonly ILogger<TileCache> logger;
    private readonly Lock trimGate = new();
    private long memoryBytes;
    private long hits;
    private long misses;
    private long evicted;
    private long version = -1;
    private long lastInvalidationId;
    private long clearEpoch;

    public TileCache(IOptions<TilingOptions> options, ILogger<TileCache> logger)
    {
        this.options = options.Value;
        this.logger = logger;
    }

    public long DatasetVersion => Interlocked.Read(ref version);

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
        if (ReadDisk(key) is { } fromDisk)
        {
            Remember(key, fromDisk);
            Interlocked.Increment(ref hits);
            return (fromDisk, true);
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
        var epoch = (layerEpochs.GetValueOrDefault(key.Layer), Interlocked.Read(ref clearEpoch), DatasetVersion);
        // Not the caller's token: other requests may be waiting on this render.
        var tile = new CachedTile(await render(CancellationToken.None));
        // An invalidation, clear or reload while rendering may have made this tile stale: serve it, do not keep it.
        if (epoch == (layerEpochs.GetValueOrDefault(key.Layer), Interlocked.Read(ref clearEpoch), DatasetVersion))
        {
            Remember(key, tile);
            WriteDisk(key, tile);
        }
        return tile;
    }

    private void Touch(CachedTile tile) => Interlocked.Exchange(ref tile.LastUsed, Environment.TickCount64);

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
            var budget = options.MemoryCacheMegabytes * 1024L * 1024L;
            if (Interlocked.Read(ref memoryBytes) <= budget)
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

    private CachedTile? ReadDisk(TileKey key)
    {
        if (!options.DiskCache)
            return null;
        try
        {
            return new CachedTile(File.ReadAllBytes(Path.Combine(VersionDirectory, key.RelativePath)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private void WriteDisk(TileKey key, CachedTile tile)
    {
        if (!options.DiskCache)
            return;
        var path = Path.Combine(VersionDirectory, key.RelativePath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // Write then rename: a reader never sees half a tile, a crash leaves at most a stray temp file.
            var temp = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
            File.WriteAllBytes(temp, tile.Data);
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not write {Tile} to the disk cache", key);
        }
    }

    /// <summary>Switches to a dataset version: a new load means every cached tile is stale.</summary>
    public void UseDatasetVersion(long newVersion, long lastInvalidation)
    {
        if (Interlocked.Exchange(ref version, newVersion) == newVersion)
            return;
        foreach (var key in memory.Keys)
            ForgetMemory(key);
        Interlocked.Exchange(ref lastInvalidationId, lastInvalidation);
        if (!options.DiskCache)
            return;
        Directory.CreateDirectory(VersionDirectory);
        var marker = Path.Combine(VersionDirectory, "last-invalidation");
        if (File.Exists(marker) && long.TryParse(File.ReadAllText(marker), out var persisted))
            Interlocked.Exchange(ref lastInvalidationId, persisted);
        else
            File.WriteAllText(marker, lastInvalidation.ToString());
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
        if (options.DiskCache)
            File.WriteAllText(Path.Combine(VersionDirectory, "last-invalidation"), id.ToString());
    }

    /// <summary>
    /// Evicts every cached tile of <paramref name="layer"/> (all formats, both tiers) whose square, grown by the MVT
    /// buffer, meets <paramref name="area3857"/>; returns how many tiles were removed.
    /// </summary>
    public int Invalidate(string layer, Geometry area3857, int bufferPixels = 64, int extent = 4096)
    {
        layerEpochs.AddOrUpdate(layer, 1, (_, e) => e + 1);
        var area = PreparedGeometryFactory.Prepare(area3857);
        var removed = 0;
        var candidates = new HashSet<TileCoordinate>();
        for (var z = 0; z <= TileCoordinate.MaxZoom; z++)
        {
            var grown = new Envelope(area3857.EnvelopeInternal);
            var margin = new TileCoordinate(z, 0, 0).SizeMetres * bufferPixels / extent;
            grown.ExpandBy(margin);
            var count = TileRangeCount(grown, z);
            IEnumerable<TileCoordinate> tiles = count <= 4096 && z <= options.InvalidationEnumerationLimitZoom
                ? TileCoordinate.Covering(grown, z)
                : CachedTiles(layer, z);
            foreach (var tile in tiles)
            {
                var square = tile.Envelope3857(bufferPixels, extent);
                if (area.Intersects(area3857.Factory.ToGeometry(square)))
                    candidates.Add(tile);
            }
        }
        foreach (var tile in candidates)
        {
            foreach (var format in Enum.GetValues<TileFormat>())
            {
                var key = new TileKey(layer, tile, format);
                var inMemory = ForgetMemory(key);
                var onDisk = DeleteDisk(key);
                if (inMemory || onDisk)
                    removed++;
            }
        }
        Interlocked.Add(ref evicted, removed);
        return removed;
    }

    private static long TileRangeCount(Envelope envelope, int z)
    {
        var size = new TileCoordinate(z, 0, 0).SizeMetres;
        var columns = Math.Floor((envelope.MaxX + TileCoordinate.WorldHalfWidth) / size) - Math.Floor((envelope.MinX + TileCoordinate.WorldHalfWidth) / size) + 1;
        var rows = Math.Floor((TileCoordinate.WorldHalfWidth - envelope.MinY) / size) - Math.Floor((TileCoordinate.WorldHalfWidth - envelope.MaxY) / size) + 1;
        return (long)Math.Min(long.MaxValue / 2, columns * rows);
    }

    /// <summary>The tiles of a layer at one zoom that are cached in either tier (used where the tile grid is too large to walk).</summary>
    private IEnumerable<TileCoordinate> CachedTiles(string layer, int z)
    {
        var seen = new HashSet<TileCoordinate>(memory.Keys.Where(k => k.Layer == layer && k.Tile.Z == z).Select(k => k.Tile));
        var zoomDirectory = Path.Combine(VersionDirectory, layer, z.ToString());
        if (options.DiskCache && Directory.Exists(zoomDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(zoomDirectory, "*", SearchOption.AllDirectories))
            {
                var x = Path.GetFileName(Path.GetDirectoryName(file));
                var y = Path.GetFileName(file).Split('.')[0];
                if (int.TryParse(x, out var xi) && int.TryParse(y, out var yi))
                    seen.Add(new TileCoordinate(z, xi, yi));
            }
        }
        return seen;
    }

    private bool DeleteDisk(TileKey key)
    {
        if (!options.DiskCache)
            return false;
        var path = Path.Combine(VersionDirectory, key.RelativePath);
        if (!File.Exists(path))
            return false;
        File.Delete(path);
        return true;
    }

    public TileCacheStats Stats() => new(DatasetVersion, LastInvalidationId, memory.Count, Interlocked.Read(ref memoryBytes),
        Interlocked.Read(ref hits), Interlocked.Read(ref misses), Interlocked.Read(ref evicted));

    /// <summary>Empties both tiers of the current version (benchmarks measure uncached tiles after this).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref clearEpoch);
        foreach (var key in memory.Keys)
            ForgetMemory(key);
        if (options.DiskCache && Directory.Exists(VersionDirectory))
            foreach (var layerDirectory in Directory.EnumerateDirectories(VersionDirectory))
                Directory.Delete(layerDirectory, recursive: true);
    }
}
