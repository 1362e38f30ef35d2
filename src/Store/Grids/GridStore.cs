using GridMap.Domain.Codes;
using GridMap.Domain.Privacy;
using GridMap.Store.Database;
using GridMap.Store.Units;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridMap.Store.Grids;

/// <summary>Reads grids: one by code, or the one under a point.</summary>
public sealed class GridStore(NpgsqlDataSource dataSource, UnitStore units)
{
    public async Task<GridView?> GetAsync(AdminCode code, CancellationToken ct = default)
    {
        if (code.Level != AdminLevel.Grid)
            throw new ArgumentException($"{code} is not a grid code.", nameof(code));

        await using var command = dataSource.CreateCommand(SqlResource.Get("Grids/GetGrid.sql"));
        command.Parameters.AddWithValue("code", code.Value);
        GridView grid;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
                return null;
            var manager = reader.IsDBNull(6)
                ? null
                : new GridManagerView(reader.GetString(6), Masking.Phone(reader.GetString(7)), reader.GetFieldValue<DateOnly>(8));
            grid = new GridView(
                Code: code.Value,
                Name: GridCode.DisplayName(code),
                Sequence: GridCode.Sequence(code),
                Chain: [],
                Manager: manager,
                AreaM2: reader.GetDouble(2),
                Households: reader.GetInt32(3),
                Neighbours: [],
                Geometry: reader.GetFieldValue<Geometry>(1),
                LabelPoint: [reader.GetDouble(4), reader.GetDouble(5)]);
        }
        return grid with { Chain = await units.GetChainAsync(code, ct), Neighbours = await GetNeighboursAsync(code, ct) };
    }

    private async Task<IReadOnlyList<string>> GetNeighboursAsync(AdminCode code, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Grids/GetNeighbours.sql"));
        command.Parameters.AddWithValue("code", code.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var neighbours = new List<string>();
        while (await reader.ReadAsync(ct))
            neighbours.Add(reader.GetString(0));
        return neighbours;
    }

    /// <summary>The vacant grids under a unit as a GeoJSON FeatureCollection of label points.</summary>
    public async Task<string> GetVacantPointsAsync(AdminCode within, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Grids/VacantPoints.sql"));
        command.Parameters.AddWithValue("prefix", within.Value + "%");
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The code of the grid covering a point (CGCS2000 lon/lat), or null outside every grid.</summary>
    public async Task<AdminCode?> LocateAsync(double lon, double lat, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Grids/Locate.sql"));
        command.Parameters.AddWithValue("lon", lon);
        command.Parameters.AddWithValue("lat", lat);
        return await command.ExecuteScalarAsync(ct) is string code ? AdminCode.Parse(code) : null;
    }
}
