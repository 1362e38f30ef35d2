using System.Collections.Concurrent;
using System.Threading.Channels;
using GridMap.Domain.Tiles;
using GridMap.Store.Tiles;
using Microsoft.Data.Sqlite;

namespace GridMap.Tiling.Cache;

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
        pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";
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
            command.CommandText = """
                CREATE TABLE IF NOT EXISTS metadata (name text PRIMARY KEY, value text);
                CREATE TABLE IF NOT EXISTS tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob,
                                                  PRIMARY KEY (zoom_level, tile_column, tile_row)) WITHOUT ROWID;
                INSERT OR REPLACE INTO metadata VALUES ('name', $name), ('format', $format), ('bounds', '110.23,34.58,114.57,40.74'),
                    ('center', '112.4,37.6,6'), ('minzoom', '0'), ('maxzoom', '22'), ('type', 'overlay'),
                    ('attribution', 'GridMap; townships, villages and grids are synthetic'), ('json', $json);
                """;
            command.Parameters.AddWithValue("$name", $"GridMap {key.Layer}");
            command.Parameters.AddWithValue("$format", key.Format == TileFormat.Mvt ? "pbf" : "png");
            // Vector MBTiles readers (GDAL, tileserver-gl) learn the layers and their fields from 'json'.
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
            command.CommandText = "SELECT tile_data FROM tiles WHERE zoom_level = $z AND tile_column = $x AND tile_row = $y";
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
                foreach (var group in batch.GroupBy(b => FileOf(b.Key)))
                {
                    EnsureCreated(group.First().Key);
                    using var connection = Open(group.Key);
                    using var transaction = connection.BeginTransaction();
                    using var command = connection.CreateCommand();
                    command.CommandText = "INSERT OR REPLACE INTO tiles VALUES ($z, $x, $y, $data)";
                    var z = command.Parameters.Add("$z", SqliteType.Integer);
                    var x = command.Parameters.Add("$x", SqliteType.Integer);
                    var y = command.Parameters.Add("$y", SqliteType.Integer);
                    var data = command.Parameters.Add("$data", SqliteType.Blob);
                    foreach (var (key, bytes, queuedAt) in group)
                    {
                        // Invalidated while queued: writing it would bring a stale tile back.
                        if (queuedAt != epoch())
                            continue;
                        (z.Value, x.Value, y.Value, data.Value) = (key.Tile.Z, key.Tile.X, TmsRow(key.Tile), bytes);
                        command.ExecuteNonQuery();
                    }
                    transaction.Commit();
                }
            }
            catch (SqliteException e)
            {
                logger.LogWarning(e, "Could not write {Count} tiles to the disk cache", batch.Count);
            }
            // Let requests and PostgreSQL have the cores between batches.
            await Task.Delay(20);
        }
    }

    /// <summary>Removes tiles; returns the keys that were on disk.</summary>
    public IReadOnlyCollection<TileKey> Delete(IEnumerable<TileKey> keys)
    {
        var removed = new List<TileKey>();
        foreach (var group in keys.GroupBy(FileOf))
        {
            if (!File.Exists(group.Key))
                continue;
            using var connection = Open(group.Key);
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM tiles WHERE zoom_level = $z AND tile_column = $x AND tile_row = $y";
            var z = command.Parameters.Add("$z", SqliteType.Integer);
            var x = command.Parameters.Add("$x", SqliteType.Integer);
            var y = command.Parameters.Add("$y", SqliteType.Integer);
            foreach (var key in group)
            {
                (z.Value, x.Value, y.Value) = (key.Tile.Z, key.Tile.X, TmsRow(key.Tile));
                if (command.ExecuteNonQuery() > 0)
                    removed.Add(key);
            }
            transaction.Commit();
        }
        return removed;
    }

    /// <summary>The cached tiles of a layer at one zoom, in any format (for invalidations too large to walk the tile grid).</summary>
    public IEnumerable<TileCoordinate> Cached(string layer, int z)
    {
        var tiles = new HashSet<TileCoordinate>();
        foreach (var file in Directory.EnumerateFiles(directory, $"{layer}.*.mbtiles"))
        {
            using var connection = Open(file);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT tile_column, tile_row FROM tiles WHERE zoom_level = $z";
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
            command.CommandText = "DELETE FROM tiles";
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
