using GridMap.Store.Database;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridMap.Synthetic.Population;

/// <summary>A grid as the population generator needs it: its polygon, its household count and the names of its address.</summary>
public sealed record PopulationGrid(
    string Code, string VillageCode, string VillageName, bool Urban, string TownshipName, int Households, MultiPolygon Geometry);

/// <summary>What the population of one county is generated from: the county's grids as loaded in PostGIS.</summary>
public sealed record PopulationSource(string CountyCode, string ProvinceName, string CityName, string CountyName, IReadOnlyList<PopulationGrid> Grids)
{
    public static async Task<PopulationSource> LoadAsync(NpgsqlDataSource dataSource, string countyCode, CancellationToken ct = default)
    {
        if (countyCode.Length != 6 || !countyCode.All(char.IsAsciiDigit))
            throw new ArgumentException($"A county code has six digits, not \"{countyCode}\".", nameof(countyCode));

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        string province, city, county;
        await using (var chain = new NpgsqlCommand(SyntheticSql.Get("Population/CountyChain.sql"), connection))
        {
            chain.Parameters.Add(new() { Value = countyCode });
            await using var reader = await chain.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                throw new InvalidOperationException($"County {countyCode} is not in the database; load the province first (gridmap generate).");
            (province, city, county) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }

        var grids = new List<PopulationGrid>();
        await using (var command = new NpgsqlCommand(SyntheticSql.Get("Population/CountyGrids.sql"), connection))
        {
            command.Parameters.Add(new() { Value = countyCode });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                grids.Add(new PopulationGrid(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetString(4),
                    reader.GetInt32(5), reader.GetFieldValue<MultiPolygon>(6)));
            }
        }
        if (grids.Count == 0)
            throw new InvalidOperationException($"County {countyCode} {county} has no grids.");
        return new PopulationSource(countyCode, province, city, county, grids);
    }
}
