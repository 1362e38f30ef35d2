using System.Collections.Concurrent;
using System.Threading.Channels;
using GridMap.Domain.Tiles;
using GridMap.Store.Database;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GridMap.Store.Tiles;

/// <summary>
/// The disk tier: one MBTiles 1.3 file (SQLite) per layer and format under a folder per dataset version, so a seeded
/// cache is also an archive QGIS or any MBTiles server can open. Writes are queued and committed in batches by one
/// background writer, off the request path; a write whose tile was invalidated while queued is dropped.
/// </summary>
public sealed class MbTilesStore : IAsyncDisposable
{
    private readonly string directory;
    private readonly Func<long> epoch;
    private readonly ConcurrentDictionary<string, ConcurrentBag<Reader>> readers = new();
    private readonly ConcurrentDictionary<string, Lazy<bool>> created = new();
    private readonly Channel<(TileKey Key, byte[] Data, long Epoch)> queue =
        Channel.CreateBounded<(TileKey, byte[], long)>(new BoundedChannelOptions(20_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task writer;
    private readonly ILogger logger;

    public MbTilesStore(string directory, Func<long> epoch, ILogger logger)
    {
        this.directory = directory;
        this.epoch = epoch;
        this.logger = logger;
        Directory.CreateDirectory(directory);
        writer = Task.Run(WriteLoopAsync);
    }

    private string FileOf(TileKey key) => Path.Combine(directory, $"{key.Layer}.{key.Format.ToString().ToLowerInvariant()}.mbtiles");

    private static int TmsRow(TileCoordinate tile) => (1 << tile.Z) - 1 - tile.Y;

    private SqliteConnection Open(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = SqlResource.Get("Tiles/MbTiles/OpenFile.sql");
        pragma.ExecuteNonQuery();
        return connection;
    }

    private void EnsureCreated(TileKey key)
    {
        var file = FileOf(key);
        _ = created.GetOrAdd(file, f => new Lazy<bool>(() =>
        {
            using var connection = Open(f);
            using var command = connection.CreateCommand();
            command.CommandText = SqlResource.Get("Tiles/MbTiles/CreateTables.sql");
            command.Parameters.AddWithValue("$name", $"GridMap {key.Layer}");
            command.Parameters.AddWithValue("$format", key.Format == TileFormat.Mvt ? "pbf" : "png");
            var layers = TileLayers.Find(key.Layer)?.VectorLayers ?? [];
            command.Parameters.AddWithValue("$json", System.Text.Json.JsonSerializer.Serialize(new
            {
                vector_layers = layers.Select(l => new { id = l.Id, description = l.Description, minzoom = l.MinZoom, maxzoom = l.MaxZoom, fields = l.Fields.ToDictionary(f => f.Name, f => f.Type) }),
            }));
            command.ExecuteNonQuery();
            return true;
        })).Value;
    }

    public byte[]? Read(TileKey key)
    {
        var file = FileOf(key);
        if (!created.ContainsKey(file) && !File.Exists(file))
            return null;
        EnsureCreated(key);
        var pool = readers.GetOrAdd(file, _ => []);
        var reader = pool.TryTake(out var pooled) ? pooled : new Reader(Open(file));
        try
        {
            return reader.Read(key.Tile.Z, key.Tile.X, TmsRow(key.Tile));
        }
        finally
        {
            pool.Add(reader);
        }
    }

    /// <summary>An open connection with its lookup prepared once: parsing the SQL per tile cost more than the lookup.</summary>
    private sealed class Reader : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly SqliteCommand command;
        private readonly SqliteParameter z;
        private readonly SqliteParameter x;
        private readonly SqliteParameter y;

        public Reader(SqliteConnection connection)
        {
            this.connection = connection;
            command = connection.CreateCommand();
            command.CommandText = SqlResource.Get("Tiles/MbTiles/ReadTile.sql");
            z = command.Parameters.Add("$z", SqliteType.Integer);
            x = command.Parameters.Add("$x", SqliteType.Integer);
            y = command.Parameters.Add("$y", SqliteType.Integer);
            command.Prepare();
        }

        public byte[]? Read(int zoom, int column, int row)
        {
            (z.Value, x.Value, y.Value) = (zoom, column, row);
            using var reader = command.ExecuteReader();
            // An empty tile is a row with an empty blob, which SQLite hands back as NULL.
            return !reader.Read() ? null : reader.IsDBNull(0) ? [] : (byte[])reader.GetValue(0);
        }

        public void Dispose()
        {
            command.Dispose();
            connection.Dispose();
        }
    }

    /// <summary>Queues a tile for the writer; dropped (and simply re-rendered later) when the queue is full.</summary>
    public void Write(TileKey key, byte[] data, long epoch) => queue.Writer.TryWrite((key, data, epoch));

    private async Task WriteLoopAsync()
    {
        var batch = new List<(TileKey Key, byte[] Data, long Epoch)>();
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 1000 && queue.Reader.TryRead(out var item))
                batch.Add(item);
            try
            {
                // Invalidated while queued: writing it would bring a stale tile back.
                InEachFile(batch, b => b.Key, "Tiles/MbTiles/WriteTile.sql", create: true, (tile, b) =>
                {
                    if (b.Epoch == epoch())
                        tile.Execute(b.Key, b.Data);
                });
            }
            catch (SqliteException e)
            {
                logger.LogWarning(e, "Could not write {Count} tiles to the disk cache", batch.Count);
            }
            // An invalidation between a tile's epoch check and its INSERT may have run its DELETE first: what was
            // written for an epoch that is gone by now is taken out again (at worst a few tiles re-drawn).
            var stale = batch.Where(b => b.Epoch != epoch()).Select(b => b.Key).ToList();
            if (stale.Count > 0)
            {
                try
                {
                    Delete(stale);
                }
                catch (SqliteException e)
                {
                    logger.LogWarning(e, "Could not take {Count} invalidated tiles back out of the disk cache", stale.Count);
                }
            }
            // Let requests and PostgreSQL have the cores between batches.
            await Task.Delay(20);
        }
    }

    /// <summary>Removes tiles; returns the keys that were on disk.</summary>
    public IReadOnlyCollection<TileKey> Delete(IEnumerable<TileKey> keys)
    {
        var removed = new List<TileKey>();
        InEachFile(keys, k => k, "Tiles/MbTiles/DeleteTile.sql", create: false, (tile, key) =>
        {
            if (tile.Execute(key) > 0)
                removed.Add(key);
        });
        return removed;
    }

    /// <summary>
    /// Runs one statement per item, grouped by the file the item's tile lives in, in one transaction per file; a file
    /// not yet on disk is created first, or skipped when <paramref name="create"/> is false.
    /// </summary>
    private void InEachFile<T>(IEnumerable<T> items, Func<T, TileKey> keyOf, string sql, bool create, Action<TileStatement, T> run)
    {
        foreach (var group in items.GroupBy(item => FileOf(keyOf(item))))
        {
            if (create)
                EnsureCreated(keyOf(group.First()));
            else if (!File.Exists(group.Key))
                continue;
            using var connection = Open(group.Key);
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.CommandText = SqlResource.Get(sql);
            var statement = new TileStatement(command);
            foreach (var item in group)
                run(statement, item);
            transaction.Commit();
        }
    }

    /// <summary>A statement on one tile (<c>$z</c>, <c>$x</c>, TMS <c>$y</c>, and <c>$data</c> where it has one), parameters bound once.</summary>
    private sealed class TileStatement
    {
        private readonly SqliteCommand command;
        private readonly SqliteParameter z;
        private readonly SqliteParameter x;
        private readonly SqliteParameter y;
        private readonly SqliteParameter? data;

        public TileStatement(SqliteCommand command)
        {
            this.command = command;
            z = command.Parameters.Add("$z", SqliteType.Integer);
            x = command.Parameters.Add("$x", SqliteType.Integer);
            y = command.Parameters.Add("$y", SqliteType.Integer);
            if (command.CommandText.Contains("$data", StringComparison.Ordinal))
                data = command.Parameters.Add("$data", SqliteType.Blob);
        }

        public int Execute(TileKey key, byte[]? bytes = null)
        {
            (z.Value, x.Value, y.Value) = (key.Tile.Z, key.Tile.X, TmsRow(key.Tile));
            if (data is not null)
                data.Value = bytes;
            return command.ExecuteNonQuery();
        }
    }

    /// <summary>The cached tiles of a layer at one zoom, in any format (for invalidations too large to walk the tile grid).</summary>
    public IEnumerable<TileCoordinate> Cached(string layer, int z)
    {
        var tiles = new HashSet<TileCoordinate>();
        foreach (var file in Directory.EnumerateFiles(directory, $"{layer}.*.mbtiles"))
        {
            using var connection = Open(file);
            using var command = connection.CreateCommand();
            command.CommandText = SqlResource.Get("Tiles/MbTiles/CachedTiles.sql");
            command.Parameters.AddWithValue("$z", z);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                tiles.Add(new TileCoordinate(z, reader.GetInt32(0), (1 << z) - 1 - reader.GetInt32(1)));
        }
        return tiles;
    }

    public void Clear()
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.mbtiles"))
        {
            using var connection = Open(file);
            using var command = connection.CreateCommand();
            command.CommandText = SqlResource.Get("Tiles/MbTiles/ClearTiles.sql");
            command.ExecuteNonQuery();
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
        foreach (var reader in readers.Values.SelectMany(b => b))
            reader.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
