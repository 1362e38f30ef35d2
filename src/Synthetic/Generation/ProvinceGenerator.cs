using System.Collections.Concurrent;
using System.Diagnostics;
using GridMap.Domain.Codes;
using GridMap.Domain.Geometry;
using GridMap.Store.Boundaries;
using GridMap.Store.Geodesy;
using NetTopologySuite.Geometries;

namespace GridMap.Synthetic.Generation;

/// <summary>
/// Generates the synthetic province inside the real county polygons: townships tiling each county, villages
/// tiling each township, grids tiling each village, with synthetic households and grid managers. The same seed
/// gives the same province, byte for byte.
/// </summary>
public sealed class ProvinceGenerator(DivisionSource source, GenerationTargets targets)
{
    public const string Version = "province-v3";

    public GeneratedProvince Generate(IProgress<(string Step, int Done, int Total)>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var townshipsByCounty = source.Townships.ToLookup(t => t.CountyCode);
        var villagesByTownship = source.Villages.ToLookup(v => v.TownshipCode);

        var households = source.Villages.ToDictionary(v => v.Code, v => VillageHouseholds(v));
        var gridCounts = AllocateGrids(households);

        var units = new ConcurrentBag<UnitRecord>();
        var grids = new ConcurrentBag<GridRecord>();
        var done = 0;
        var countyGeometries = new ConcurrentDictionary<string, MultiPolygon>();
        Parallel.ForEach(
            source.Counties.OrderByDescending(c => c.Geometry.NumPoints),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            county =>
            {
                GenerateCounty(county, townshipsByCounty[county.Code].ToList(), villagesByTownship, households, gridCounts, units, grids);
                countyGeometries[county.Code] = county.Geometry;
                progress?.Report(("counties", Interlocked.Increment(ref done), source.Counties.Count));
            });

        var unitList = units.ToList();
        AddCitiesAndProvince(unitList);
        unitList = Generalize(unitList, progress);
        var gridList = grids.OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
        var managers = AppointManagers(gridList);
        progress?.Report(("managers", managers.Count, targets.Managers));
        var unitCodes = unitList.Select(u => u.Code).ToHashSet(StringComparer.Ordinal);
        return new GeneratedProvince(
            targets.Seed, Version,
            [.. unitList.OrderBy(u => u.Code.Length).ThenBy(u => u.Code, StringComparer.Ordinal)],
            gridList, managers, clock.Elapsed)
        {
            Codes2023 = [.. source.Codes2023.Where(c => unitCodes.Contains(c.Code))],
        };
    }

    private int VillageHouseholds(VillageSpec village)
    {
        var random = StableRandom.For(targets.Seed, village.Code, "households");
        var value = village.Urban ? random.LogNormal(2_400, 0.45) : random.LogNormal(200, 0.55);
        return (int)Math.Clamp(Math.Round(value), village.Urban ? 400 : 40, village.Urban ? 9_000 : 2_500);
    }

    private Dictionary<string, int> AllocateGrids(Dictionary<string, int> households)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var fixedTotal = 0;
        foreach (var (county, total) in targets.FixedCountyGrids)
        {
            var villages = source.Villages.Where(v => v.Code.StartsWith(county, StringComparison.Ordinal)).ToList();
            var counts = Apportionment.LargestRemainder([.. villages.Select(v => (double)households[v.Code])], total, 1, GridCode.MaxSequence);
            for (var i = 0; i < villages.Count; i++)
                result[villages[i].Code] = counts[i];
            fixedTotal += total;
        }
        var rest = source.Villages.Where(v => !result.ContainsKey(v.Code)).ToList();
        var weights = rest.Select(v => households[v.Code] / (v.Urban ? targets.UrbanHouseholdsPerGrid : targets.RuralHouseholdsPerGrid)).ToList();
        var restCounts = Apportionment.LargestRemainder(weights, targets.Grids - fixedTotal, 1, GridCode.MaxSequence);
        for (var i = 0; i < rest.Count; i++)
            result[rest[i].Code] = restCounts[i];
        return result;
    }

    private void GenerateCounty(
        CountySpec county,
        List<TownshipSpec> townships,
        ILookup<string, VillageSpec> villagesByTownship,
        Dictionary<string, int> households,
        Dictionary<string, int> gridCounts,
        ConcurrentBag<UnitRecord> units,
        ConcurrentBag<GridRecord> grids)
    {
        if (townships.Count == 0)
            throw new InvalidOperationException($"County {county.Code} {county.Name} has no townships in the division lists.");
        var random = StableRandom.For(targets.Seed, county.Code, "geometry");
        var countyHouseholds = 0;

        var townshipCells = Subdivide(county.Geometry, county.Seat, townships, t => t.Urban, random);
        foreach (var (township, cell) in townshipCells)
        {
            var villages = villagesByTownship[township.Code].ToList();
            if (villages.Count == 0)
                throw new InvalidOperationException($"Township {township.Code} {township.Name} has no villages.");
            var seat = cell.Geometry.Covers(Geo.Factory.CreatePoint(county.Seat)) ? county.Seat : LabelPoint.Of(cell.Geometry).Coordinate;
            var townshipHouseholds = 0;
            foreach (var (village, villageCell) in Subdivide(cell.Geometry, seat, villages, v => v.Urban, random))
            {
                var villageHouseholds = households[village.Code];
                GenerateGrids(village, villageCell.Geometry, gridCounts[village.Code], villageHouseholds, random, grids);
                units.Add(Unit(village.Code, AdminLevel.Village, village.Name, township.Code,
                    village.StatCode2016 == village.Code ? null : village.StatCode2016, village.Urban, "synthetic",
                    villageCell.Geometry, null, villageHouseholds));
                townshipHouseholds += villageHouseholds;
            }
            units.Add(Unit(township.Code, AdminLevel.Township, township.Name, county.Code,
                township.StatCode2016 == township.Code ? null : township.StatCode2016, township.Urban, "synthetic",
                cell.Geometry, seat, townshipHouseholds));
            countyHouseholds += townshipHouseholds;
        }
        units.Add(Unit(county.Code, AdminLevel.County, county.Name, county.Code[..4], null, false, "real",
            county.Geometry, county.Seat, countyHouseholds));
    }

    /// <summary>
    /// Partitions a parent among its children: urban children take the small cells nearest the seat, the others
    /// take the remaining cells in reading order (north-west first), both in code order.
    /// </summary>
    private static List<(T Child, Cell Cell)> Subdivide<T>(MultiPolygon parent, Coordinate seat, List<T> children, Func<T, bool> urban, Random random)
    {
        var urbanCount = children.Count(urban);
        Hotspot? hotspot = null;
        if (urbanCount > 0 && urbanCount < children.Count)
        {
            // Urban units are about a tenth of a rural unit's size; the hotspot holds them.
            var ruralCellArea = parent.Area / (children.Count - urbanCount + urbanCount / 10.0);
            var urbanArea = urbanCount * ruralCellArea / 10.0;
            hotspot = new Hotspot(seat, Math.Sqrt(urbanArea / Math.PI), Math.Min(0.85, 2.0 * urbanCount / children.Count));
        }
        var cells = VoronoiPartitioner.Partition(parent, children.Count, random, hotspot).ToList();

        var urbanCells = cells.OrderBy(c => c.Site.Distance(seat)).Take(urbanCount).ToList();
        // By reference: a record's value equality would compare geometries vertex by vertex.
        var urbanSet = urbanCells.ToHashSet(ReferenceEqualityComparer.Instance);
        var ruralCells = cells.Where(c => !urbanSet.Contains(c)).ToList();
        var readingOrder = GridNumbering.Assign([.. ruralCells.Select(c => (Geometry)c.Geometry)]);
        ruralCells = [.. ruralCells.Select((c, i) => (c, i)).OrderBy(t => readingOrder[t.i]).Select(t => t.c)];

        var result = new List<(T, Cell)>(children.Count);
        var urbanChildren = children.Where(urban).ToList();
        var ruralChildren = children.Where(c => !urban(c)).ToList();
        for (var i = 0; i < urbanChildren.Count; i++)
            result.Add((urbanChildren[i], urbanCells[i]));
        for (var i = 0; i < ruralChildren.Count; i++)
            result.Add((ruralChildren[i], ruralCells[i]));
        return result;
    }

    private static void GenerateGrids(VillageSpec village, MultiPolygon geometry, int count, int households, Random random, ConcurrentBag<GridRecord> grids)
    {
        var cells = VoronoiPartitioner.Partition(geometry, count, random);
        var sequence = GridNumbering.Assign([.. cells.Select(c => (Geometry)c.Geometry)]);
        var shares = cells.Select(_ => 0.7 + 0.6 * random.NextDouble()).ToList();
        var householdCounts = Apportionment.LargestRemainder(shares, households, minimum: households >= count ? 1 : 0);
        var villageCode = AdminCode.Parse(village.Code);
        for (var i = 0; i < cells.Count; i++)
        {
            var g = cells[i].Geometry;
            grids.Add(new GridRecord(GridCode.Compose(villageCode, sequence[i]).Value, village.Code, g,
                LabelPoint.Of(g), TrueArea.SquareMetres(g), householdCounts[i]));
        }
    }

    private static UnitRecord Unit(string code, AdminLevel level, string name, string? parent, string? statCode, bool urban,
        string boundarySource, MultiPolygon geometry, Coordinate? seat, int households) =>
        new(code, level, name, parent, statCode, urban, boundarySource, geometry, LabelPoint.Of(geometry),
            seat is null ? null : Geo.Factory.CreatePoint(seat), TrueArea.SquareMetres(geometry), households);

    private void AddCitiesAndProvince(List<UnitRecord> units)
    {
        var counties = units.Where(u => u.Level == AdminLevel.County).ToList();
        var cities = new List<UnitRecord>();
        foreach (var city in source.Cities)
        {
            var members = counties.Where(c => c.ParentCode == city.Code).ToList();
            if (members.Count == 0)
                throw new InvalidOperationException($"City {city.Code} {city.Name} has no counties.");
            var geometry = Geo.Polygonal(Geo.UnionAll(members.Select(m => (Geometry)m.Geometry)));
            cities.Add(Unit(city.Code, AdminLevel.City, city.Name, source.ProvinceCode, null, false, "union", geometry, null, members.Sum(m => m.Households)));
        }
        var province = Geo.Polygonal(Geo.UnionAll(cities.Select(c => (Geometry)c.Geometry)));
        units.AddRange(cities);
        units.Add(Unit(source.ProvinceCode, AdminLevel.Province, source.ProvinceName, null, null, false, "union", province, null, cities.Sum(c => c.Households)));
    }

    /// <summary>
    /// Simplification tolerance in degrees per level, about one pixel at the most detailed zoom the generalized copy
    /// serves: the province and cities to z7, counties to z9.
    /// </summary>
    public static double GeneralizationTolerance(AdminLevel level) => level switch
    {
        AdminLevel.Province or AdminLevel.City => 0.008,
        AdminLevel.County => 0.002,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Only province, city and county polygons are generalized."),
    };

    /// <remarks>
    /// Each level is simplified as one coverage, so neighbours keep sharing their simplified borders. Only the real
    /// polygons (province, cities, counties) are generalized: the synthetic units below them are Voronoi cells whose
    /// inner edges are single segments already, and their outer edges are the county border, which must stay as it is.
    /// </remarks>
    private static List<UnitRecord> Generalize(List<UnitRecord> units, IProgress<(string Step, int Done, int Total)>? progress)
    {
        var result = units.Where(u => u.Level > AdminLevel.County).ToList();
        foreach (var level in new[] { AdminLevel.Province, AdminLevel.City, AdminLevel.County })
        {
            var members = units.Where(u => u.Level == level).ToList();
            var simplified = NetTopologySuite.Coverage.CoverageSimplifier.Simplify(
                [.. members.Select(m => (Geometry)m.Geometry)], GeneralizationTolerance(level));
            result.AddRange(members.Select((m, i) => m with { Generalized = GeneralizedOrOriginal(simplified[i], m.Geometry) }));
            progress?.Report(("generalize", (int)level, (int)AdminLevel.County));
        }
        return result;
    }

    /// <summary>A simplified polygon that came out empty or invalid falls back to the original.</summary>
    private static MultiPolygon GeneralizedOrOriginal(Geometry simplified, MultiPolygon original)
    {
        var polygonal = Geo.Polygonal(simplified);
        return !polygonal.IsEmpty && polygonal.IsValid ? polygonal : original;
    }

    /// <summary>
    /// One manager per grid except the vacancies. Vacancies fall outside the counties whose figures are known to be
    /// fully staffed, more often in rural and large grids, and unevenly between counties (weighted sampling without replacement).
    /// </summary>
    private List<ManagerRecord> AppointManagers(List<GridRecord> grids)
    {
        var vacancies = grids.Count - targets.Managers;
        if (vacancies < 0)
            throw new InvalidOperationException($"{targets.Managers} managers cannot staff {grids.Count} grids one each.");
        var countyFactor = new Dictionary<string, double>(StringComparer.Ordinal);
        double CountyFactor(string county) => countyFactor.TryGetValue(county, out var f)
            ? f
            : countyFactor[county] = 0.2 + 1.8 * StableRandom.For(targets.Seed, county, "vacancy").NextDouble();

        var keyed = new List<(GridRecord Grid, double Key)>();
        foreach (var grid in grids)
        {
            var county = grid.Code[..6];
            if (targets.FixedCountyGrids.ContainsKey(county))
                continue;
            var rural = int.Parse(grid.Code.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) >= 200;
            var weight = (rural ? 3.0 : 1.0) * Math.Sqrt(grid.AreaM2 / 1e6 + 0.01) * CountyFactor(county);
            var u = StableRandom.For(targets.Seed, grid.Code, "vacancy").NextDouble();
            keyed.Add((grid, Math.Log(1 - u) / weight));
        }
        var vacant = keyed.OrderByDescending(k => k.Key).ThenBy(k => k.Grid.Code, StringComparer.Ordinal)
            .Take(vacancies).Select(k => k.Grid.Code).ToHashSet(StringComparer.Ordinal);

        var managers = new List<ManagerRecord>(targets.Managers);
        foreach (var grid in grids)
        {
            if (vacant.Contains(grid.Code))
                continue;
            var random = StableRandom.For(targets.Seed, grid.Code, "manager");
            var female = random.NextDouble() < 0.42;
            managers.Add(new ManagerRecord(grid.Code, SyntheticNames.FullName(random, female), SyntheticNames.MobilePhone(random),
                new DateOnly(2011, 1, 1).AddDays(random.Next(0, 1095))));
        }
        return managers;
    }
}
