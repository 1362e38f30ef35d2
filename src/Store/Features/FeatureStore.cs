using GridMap.Domain.Codes;
using GridMap.Store.Database;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridMap.Store.Features;

/// <summary>A feature ready for GeoJSON output: the geometry is already GeoJSON text (written by PostGIS).</summary>
public sealed record FeatureRow(string Id, string GeometryJson, IReadOnlyList<KeyValuePair<string, object?>> Properties);

public sealed record FeaturePage(IReadOnlyList<FeatureRow> Features, long Matched);

/// <summary>What an items request asks for; the bbox is CGCS2000 lon/lat whatever CRS the client used.</summary>
public sealed record FeatureQuery(Envelope? Bbox, int Limit, int Offset, bool LatitudeFirst, string? Code = null);

/// <summary>Reads the public feature collections (counties, townships, villages, grids) for OGC API – Features.</summary>
public sealed class FeatureStore(ReadReplicas replicas)
{
    // Reads only: on the standbys when there are any (issue 20, item 1).
    private NpgsqlDataSource Source => replicas.Reads;

    public async Task<FeaturePage> GetUnitsAsync(AdminLevel level, FeatureQuery query, CancellationToken ct = default)
    {
        return await PageAsync(query, q =>
        {
            var command = Command("Features/UnitItems.sql", q);
            command.Parameters.AddWithValue("level", (short)level);
            return command;
        }, r =>
        [
            new("code", r.GetString(0)),
            new("name", r.GetString(1)),
            new("parent", r.IsDBNull(2) ? null : r.GetString(2)),
            new("area_m2", Math.Round(r.GetDouble(3))),
            new("households", r.IsDBNull(4) ? null : r.GetInt32(4)),
            new("boundary", r.GetString(5)),
        ], ct);
    }

    public async Task<FeaturePage> GetGridsAsync(FeatureQuery query, CancellationToken ct = default)
    {
        return await PageAsync(query, q => Command("Features/GridItems.sql", q), r =>
        [
            new("code", r.GetString(0)),
            new("village", r.GetString(1)),
            new("status", r.GetBoolean(2) ? "vacant" : "staffed"),
            new("area_m2", Math.Round(r.GetDouble(3))),
            new("households", r.GetInt32(4)),
            new("boundary", "synthetic"),
        ], ct);
    }

    private NpgsqlCommand Command(string sql, FeatureQuery query)
    {
        var command = Source.CreateCommand(SqlResource.Get(sql));
        command.Parameters.AddWithValue("lat_lon", query.LatitudeFirst);
        command.Parameters.Add(new NpgsqlParameter<string?>("code", query.Code));
        command.Parameters.AddWithValue("has_bbox", query.Bbox is not null);
        command.Parameters.AddWithValue("minx", query.Bbox?.MinX ?? 0);
        command.Parameters.AddWithValue("miny", query.Bbox?.MinY ?? 0);
        command.Parameters.AddWithValue("maxx", query.Bbox?.MaxX ?? 0);
        command.Parameters.AddWithValue("maxy", query.Bbox?.MaxY ?? 0);
        command.Parameters.AddWithValue("limit", query.Limit);
        command.Parameters.AddWithValue("offset", query.Offset);
        return command;
    }

    /// <summary>A page past the last feature still reports how many match (the window count needs a row to ride on).</summary>
    private static async Task<FeaturePage> PageAsync(FeatureQuery query, Func<FeatureQuery, NpgsqlCommand> command,
        Func<NpgsqlDataReader, KeyValuePair<string, object?>[]> properties, CancellationToken ct)
    {
        await using (var pageCommand = command(query))
        {
            var page = await ReadAsync(pageCommand, properties, ct);
            if (page.Features.Count > 0 || query.Offset == 0)
                return page;
        }
        await using var countCommand = command(query with { Offset = 0, Limit = 1 });
        return new FeaturePage([], (await ReadAsync(countCommand, properties, ct)).Matched);
    }

    private static async Task<FeaturePage> ReadAsync(NpgsqlCommand command, Func<NpgsqlDataReader, KeyValuePair<string, object?>[]> properties, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var features = new List<FeatureRow>();
        long matched = 0;
        while (await reader.ReadAsync(ct))
        {
            var geometryOrdinal = reader.GetOrdinal("geometry");
            matched = reader.GetInt64(geometryOrdinal + 1);
            features.Add(new FeatureRow(reader.GetString(0), reader.GetString(geometryOrdinal), properties(reader)));
        }
        return new FeaturePage(features, matched);
    }
}
