using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridMap.Store.Boundaries;
using NetTopologySuite.Geometries;

namespace GridMap.Synthetic.Generation;

public sealed record CitySpec(string Code, string Name);

public sealed record CountySpec(string Code, string Name, MultiPolygon Geometry, Coordinate Seat);

public sealed record TownshipSpec(string Code, string Name, string CountyCode, string StatCode2016)
{
    /// <summary>Streets (街道, suffix 001–099) are urban townships.</summary>
    public bool Urban => int.Parse(Code.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture) < 100;
}

public sealed record VillageSpec(string Code, string Name, string TownshipCode, string StatCode2016)
{
    /// <summary>Residents' committees (居委会, suffix 001–199) are urban communities; 200–399 are villages (村委会),
    /// except the county town's quarters in a county whose list names no urban unit (<see cref="CountyTown"/>).</summary>
    public bool Urban => CountyTown || int.Parse(Code.AsSpan(9), System.Globalization.CultureInfo.InvariantCulture) < 200;

    /// <summary>
    /// A village committee that is a quarter of the county town: in 18 counties the 2016 list names no street and no
    /// residents' committee (长子县's town is six village committees of 丹朱镇, 同富 … 同福), so the lowest-coded
    /// villages of the first town (the seat, suffix 100) are generated as the town.
    /// </summary>
    public bool CountyTown { get; init; }
}

/// <summary>One row of the 2023 → 2016 crosswalk (<c>crosswalk-2023-to-2016.csv</c>).</summary>
public sealed record Code2023Spec(string Level, string Code2023, string Name2023, string Code, string Method);

/// <summary>What <c>data/boundaries</c> holds, read into memory: the real county polygons and the division lists.</summary>
public sealed record DivisionSource(
    string ProvinceCode,
    string ProvinceName,
    IReadOnlyList<CitySpec> Cities,
    IReadOnlyList<CountySpec> Counties,
    IReadOnlyList<TownshipSpec> Townships,
    IReadOnlyList<VillageSpec> Villages,
    IReadOnlyList<Code2023Spec> Codes2023)
{
    public static DivisionSource Load(BoundaryFiles files)
    {
        var cities = Csv.ReadRows(files.Cities).Select(r => new CitySpec(r[0], r[1])).ToList();
        var counties = new List<CountySpec>();
        var root = JsonNode.Parse(File.ReadAllText(files.Counties))!;
        foreach (var feature in root["features"]!.AsArray())
        {
            var properties = feature!["properties"]!;
            var seat = properties["seat"]!.AsArray();
            var geometry = JsonSerializer.Deserialize<Geometry>(feature["geometry"]!.ToJsonString(), Geo.GeoJsonOptions)!;
            counties.Add(new CountySpec(
                properties["code"]!.GetValue<string>(),
                properties["name"]!.GetValue<string>(),
                Geo.Polygonal(geometry),
                new Coordinate(seat[0]!.GetValue<double>(), seat[1]!.GetValue<double>())));
        }
        var townships = Csv.ReadRows(files.Townships).Select(r => new TownshipSpec(r[0], r[1], r[2], r[3])).ToList();
        var villages = MarkCountyTowns([.. Csv.ReadRows(files.Villages).Select(r => new VillageSpec(r[0], r[1], r[2], r[3]))]);
        var codes2023 = Csv.ReadRows(files.Crosswalk2016).Select(r => new Code2023Spec(r[0], r[1], r[2], r[3], r[5])).ToList();
        return new DivisionSource("14", "山西省", cities, counties, townships, villages, codes2023);
    }

    /// <summary>How many village committees of the seat town form a county town that the list names no community for.</summary>
    public const int CountyTownQuarters = 6;

    private static List<VillageSpec> MarkCountyTowns(List<VillageSpec> villages)
    {
        var quarters = villages
            .GroupBy(v => v.Code[..6])
            .Where(county => !county.Any(v => v.Urban || int.Parse(v.TownshipCode.AsSpan(6), CultureInfo.InvariantCulture) < 100))
            .SelectMany(county => county
                .Where(v => int.Parse(v.TownshipCode.AsSpan(6), CultureInfo.InvariantCulture) is >= 100 and < 200)
                .GroupBy(v => v.TownshipCode).OrderBy(t => t.Key, StringComparer.Ordinal).Take(1)
                .SelectMany(town => town.OrderBy(v => v.Code, StringComparer.Ordinal).Take(CountyTownQuarters)))
            .Select(v => v.Code)
            .ToHashSet(StringComparer.Ordinal);
        return [.. villages.Select(v => quarters.Contains(v.Code) ? v with { CountyTown = true } : v)];
    }
}
