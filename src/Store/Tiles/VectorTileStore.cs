using GridMap.Domain.Tiles;
using Npgsql;

namespace GridMap.Store.Tiles;

/// <summary>Builds Mapbox Vector Tiles in PostGIS (ST_AsMVT) with each layer's SQL; an empty array means an empty tile.</summary>
public sealed class VectorTileStore(NpgsqlDataSource dataSource)
{
    public async Task<byte[]> GetTileAsync(TileLayerDefinition layer, TileCoordinate tile, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(layer.Sql);
        command.Parameters.AddWithValue("z", tile.Z);
        command.Parameters.AddWithValue("x", tile.X);
        command.Parameters.AddWithValue("y", tile.Y);
        return await command.ExecuteScalarAsync(ct) as byte[] ?? [];
    }

    /// <summary>The id of the newest complete data load: tile caches key on it, so a reload invalidates everything.</summary>
    public async Task<long> GetDatasetVersionAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(id), 0) FROM dataset_load");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
