using System.Text.Json;
using System.Text.Json.Nodes;
using GridMap.Store.Boundaries;
using NetTopologySuite.Geometries;

namespace GridMap.Synthetic.Generation;

public sealed record CitySpec(string Code, string Name);

public sealed record CountySpec(string Code, string Name, MultiPolygon Geometry, Coordinate Seat);

public sealed record TownshipSpec(string Code, string Name, string CountyCode, string StatCode2023)
{
    /// <summary>Streets (街道, suffix 001–099) are urban townships.</summary>
    public bool Urban => int.Parse(Code.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture) < 100;
}

public sealed record VillageSpec(string Code, string Name, string TownshipCode, string StatCode2023)
{
    /// <summary>Residents' committees (居委会, suffix 001–199) are urban communities; 200–399 are villages (村委会).</summary>
    public bool Urban => int.Parse(Code.AsSpan(9), System.Globalization.CultureInfo.InvariantCulture) < 200;
}

/// <summary>What <c>data/boundaries</c> holds, read into memory: the real county polygons and the division lists.</summary>
public sealed record DivisionSource(
    string ProvinceCode,
    string ProvinceName,
    IReadOnlyList<CitySpec> Cities,
    IReadOnlyList<CountySpec> Counties,
    IReadOnlyList<TownshipSpec> Townships,
    IReadOnlyList<VillageSpec> Villages)
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
        var villages = Csv.ReadRows(files.Villages).Select(r => new VillageSpec(r[0], r[1], r[2], r[3])).ToList();
        return new DivisionSource("14", "山西省", cities, counties, townships, villages);
    }
}
