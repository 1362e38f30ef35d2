using GridMap.Domain.Codes;
using GridMap.Store.Database;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridMap.Store.Planning.Exchange;

/// <summary>Reads the published grids of a county, township or village for <see cref="GridExchangeWriter"/>.</summary>
public sealed class GridExportStore(NpgsqlDataSource dataSource)
{
    /// <summary>The unit's name, or null when there is no such unit.</summary>
    public async Task<string?> GetUnitNameAsync(AdminCode unit, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Planning/Exchange/ExportUnit.sql"));
        command.Parameters.AddWithValue("code", unit.Value);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Every grid under <paramref name="unit"/>, in code order; <paramref name="progress"/> hears the count read so far.</summary>
    public async Task<IReadOnlyList<ExchangeGrid>> ListAsync(AdminCode unit, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Planning/Exchange/ExportGrids.sql"));
        command.Parameters.AddWithValue("prefix", unit.Value + "%");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var grids = new List<ExchangeGrid>();
        while (await reader.ReadAsync(ct))
        {
            var code = AdminCode.Parse(reader.GetString(0));
            grids.Add(new ExchangeGrid(
                Code: code.Value,
                VillageCode: reader.GetString(1),
                VillageName: reader.GetString(2),
                Name: GridCode.DisplayName(code),
                AreaM2: reader.GetDouble(3),
                Households: reader.GetInt32(4),
                Staffed: reader.GetBoolean(5),
                Geometry: reader.GetFieldValue<Geometry>(6)));
            if (grids.Count % 500 == 0)
                progress?.Report(grids.Count);
        }
        progress?.Report(grids.Count);
        return grids;
    }
}
