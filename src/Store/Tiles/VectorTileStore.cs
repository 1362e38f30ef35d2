using GridMap.Domain.Access;
using GridMap.Domain.Tiles;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Tiles;

/// <summary>The command centre's filters on the incidents layer (null = any): category class, open only, owning level, reported since.</summary>
public sealed record IncidentFilter(string? Major, bool OpenOnly, int? OwnerLevel, DateTimeOffset? Since)
{
    public static readonly IncidentFilter None = new(null, false, null, null);
}

/// <summary>
/// Builds Mapbox Vector Tiles in PostGIS (ST_AsMVT) with each layer's SQL; an empty array means an empty tile. Shared
/// tiles, which the cache keeps, are read past the replicas' fence (a standby that has not replayed the last
/// invalidated change leaves the tile to the primary); per-account tiles, never cached, from any standby.
/// </summary>
public sealed class VectorTileStore(ReadReplicas replicas)
{
    public VectorTileStore(NpgsqlDataSource dataSource)
        : this(new ReadReplicas(dataSource, null, "gridmap", 0))
    {
    }

    public async Task<byte[]> GetTileAsync(TileLayerDefinition layer, TileCoordinate tile, CancellationToken ct = default)
    {
        if (layer.PerAccount)
            throw new ArgumentException($"Layer {layer.Name} is drawn per account; pass the caller.", nameof(layer));
        await using var connection = await replicas.OpenFencedAsync(ct);
        await using var command = new NpgsqlCommand(layer.Sql, connection);
        command.Parameters.AddWithValue("z", tile.Z);
        command.Parameters.AddWithValue("x", tile.X);
        command.Parameters.AddWithValue("y", tile.Y);
        return await command.ExecuteScalarAsync(ct) as byte[] ?? [];
    }

    /// <summary>A tile of a per-account layer: only what <paramref name="caller"/> may see, narrowed by <paramref name="filter"/> (incidents).</summary>
    public async Task<byte[]> GetTileAsync(TileLayerDefinition layer, TileCoordinate tile, Caller caller, IncidentFilter? filter = null,
        CancellationToken ct = default)
    {
        await using var command = replicas.Reads.CreateCommand(layer.Sql);
        command.Parameters.AddWithValue("z", tile.Z);
        command.Parameters.AddWithValue("x", tile.X);
        command.Parameters.AddWithValue("y", tile.Y);
        command.Parameters.AddWithValue("scope", caller.Scope.Value);
        command.Parameters.AddWithValue("with_counts", caller.Holds(DataCategory.Residents));
        var f = filter ?? IncidentFilter.None;
        command.Parameters.Add(new NpgsqlParameter<string?>("major", f.Major) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue("open_only", f.OpenOnly);
        command.Parameters.Add(new NpgsqlParameter<int?>("owner_level", f.OwnerLevel) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("since", f.Since?.ToUniversalTime()) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        return await command.ExecuteScalarAsync(ct) as byte[] ?? [];
    }

    /// <summary>The province outline in EPSG:3857, to know which tiles hold anything (seeding, benchmarks).</summary>
    public async Task<NetTopologySuite.Geometries.Geometry> GetProvinceOutline3857Async(CancellationToken ct = default)
    {
        await using var command = replicas.Primary.CreateCommand("SELECT geom_3857 FROM admin_unit WHERE level = 1");
        return await command.ExecuteScalarAsync(ct) as NetTopologySuite.Geometries.Geometry
            ?? throw new InvalidOperationException("The database holds no province: run gridmap generate first.");
    }

    /// <summary>The tiles of zooms <paramref name="minZoom"/>–<paramref name="maxZoom"/> that meet the province, zoom by zoom.</summary>
    public static IEnumerable<TileCoordinate> TilesOver(NetTopologySuite.Geometries.Geometry area3857, int minZoom, int maxZoom)
    {
        var prepared = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(area3857);
        for (var z = minZoom; z <= maxZoom; z++)
            foreach (var tile in TileCoordinate.Covering(area3857.EnvelopeInternal, z))
                if (prepared.Intersects(area3857.Factory.ToGeometry(tile.Envelope3857())))
                    yield return tile;
    }

    /// <summary>The id of the newest complete data load: tile caches key on it, so a reload invalidates everything.</summary>
    public async Task<long> GetDatasetVersionAsync(CancellationToken ct = default)
    {
        await using var command = replicas.Primary.CreateCommand("SELECT coalesce(max(id), 0) FROM dataset_load");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
