using GridMap.Domain.Events;
using GridMap.Store.Database;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridMap.Synthetic.EventHistory;

/// <summary>A grid as the event-history generator needs it: where events fall and how many (households).</summary>
public sealed record HistoryGrid(string Code, bool Urban, int Households, MultiPolygon Geometry);

/// <summary>An event category with the lowest level competent to handle it (event_category.default_level).</summary>
public sealed record HistoryCategory(EventCategory Category, int DefaultLevel);

/// <summary>What a history is generated from: the area's grids and the event taxonomy, as loaded in PostGIS.</summary>
public sealed record EventHistorySource(string AreaCode, IReadOnlyList<HistoryGrid> Grids, IReadOnlyList<HistoryCategory> Categories)
{
    public static async Task<EventHistorySource> LoadAsync(NpgsqlDataSource dataSource, string areaCode, CancellationToken ct = default)
    {
        if (areaCode.Length is not (2 or 4) || !areaCode.All(char.IsAsciiDigit))
            throw new ArgumentException($"Events are generated for a city (4 digits) or the province (2 digits), not \"{areaCode}\".", nameof(areaCode));
        var grids = new List<HistoryGrid>();
        await using (var command = dataSource.CreateCommand(SyntheticSql.Get("EventHistory/AreaGrids.sql")))
        {
            command.Parameters.Add(new() { Value = areaCode });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                grids.Add(new HistoryGrid(reader.GetString(0), reader.GetBoolean(1), reader.GetInt32(2), reader.GetFieldValue<MultiPolygon>(3)));
        }
        if (grids.Count == 0)
            throw new InvalidOperationException($"No grids in {areaCode}; load the province first (gridmap generate).");

        var categories = new List<HistoryCategory>();
        await using (var command = dataSource.CreateCommand(SyntheticSql.Get("EventHistory/Categories.sql")))
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var category = new EventCategory(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetInt32(3),
                    reader.GetBoolean(4), reader.IsDBNull(5) ? null : reader.GetString(5));
                categories.Add(new HistoryCategory(category, reader.GetInt16(6)));
            }
        }
        return new EventHistorySource(areaCode, grids, categories);
    }
}
