using NetTopologySuite.Geometries;
using Npgsql;

namespace GridMap.Store.Tiles;

/// <summary>A recorded change of what a tile layer draws: the area (EPSG:3857) whose tiles are stale.</summary>
public sealed record TileInvalidation(long Id, string Layer, Geometry Area3857);

/// <summary>
/// The <c>tile_invalidation</c> queue that triggers fill (migration 0006): tile caches read what was added since the
/// last row they processed, announced on <see cref="Notifications.Channels.TileInvalidation"/>.
/// </summary>
public sealed class TileInvalidationStore(NpgsqlDataSource dataSource)
{
    /// <summary>The newest row's id (0 for none): a cache starting on a new dataset version has nothing older to do.</summary>
    public async Task<long> LastIdAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(Database.SqlResource.Get("Tiles/LastInvalidation.sql"));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The rows after <paramref name="afterId"/>, oldest first.</summary>
    public async Task<IReadOnlyList<TileInvalidation>> SinceAsync(long afterId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(Database.SqlResource.Get("Tiles/InvalidationsSince.sql"));
        command.Parameters.AddWithValue("after", afterId);
        var rows = new List<TileInvalidation>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new TileInvalidation(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<Geometry>(2)));
        return rows;
    }
}
