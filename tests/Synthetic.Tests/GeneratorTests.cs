using GridMap.Store.Boundaries;
using GridMap.Synthetic.Generation;
using NetTopologySuite.Geometries;

namespace GridMap.Synthetic.Tests;

/// <summary>The generator on one county (长子县): deterministic, exact counts, exact tiling.</summary>
public class GeneratorTests
{
    internal static (DivisionSource Source, GenerationTargets Targets) Zhangzi(int seed = 2013)
    {
        var all = DivisionSource.Load(BoundaryFiles.Locate());
        var source = all with
        {
            Cities = [.. all.Cities.Where(c => c.Code == "1404")],
            Counties = [.. all.Counties.Where(c => c.Code == "140428")],
            Townships = [.. all.Townships.Where(t => t.CountyCode == "140428")],
            Villages = [.. all.Villages.Where(v => v.Code.StartsWith("140428", StringComparison.Ordinal))],
        };
        return (source, new GenerationTargets { Seed = seed, Grids = 3_500, Managers = 3_500 });
    }

    [Fact]
    public void The_same_seed_gives_the_same_county_and_another_seed_a_different_one()
    {
        var (source, targets) = Zhangzi();
        var first = new ProvinceGenerator(source, targets).Generate();
        var second = new ProvinceGenerator(source, targets).Generate();
        var other = new ProvinceGenerator(source, targets with { Seed = 7 }).Generate();

        Assert.Equal(first.Grids.Select(g => g.Code), second.Grids.Select(g => g.Code));
        Assert.True(first.Grids.Zip(second.Grids).All(p => p.First.Geometry.EqualsExact(p.Second.Geometry)));
        Assert.Equal(first.Managers.Select(m => m.Name), second.Managers.Select(m => m.Name));
        Assert.False(first.Grids.Zip(other.Grids).All(p => p.First.Geometry.EqualsExact(p.Second.Geometry)));
    }

    [Fact]
    public void One_county_generates_its_exact_grid_count_tiling_every_village()
    {
        var (source, targets) = Zhangzi();
        var county = new ProvinceGenerator(source, targets).Generate();

        Assert.Equal(3_500, county.Grids.Count);
        Assert.Equal(source.Villages.Count, county.Units.Count(u => u.Level == Domain.Codes.AdminLevel.Village));
        foreach (var village in county.Units.Where(u => u.Level == Domain.Codes.AdminLevel.Village))
        {
            var grids = county.Grids.Where(g => g.VillageCode == village.Code).Select(g => (Geometry)g.Geometry).ToList();
            Assert.NotEmpty(grids);
            var union = Geo.UnionAll(grids);
            Assert.True(Math.Abs(grids.Sum(g => g.Area) - village.Geometry.Area) < 1e-9 * village.Geometry.Area, $"overlap in {village.Code}");
            Assert.True(Geo.Difference(village.Geometry, union).Area < 1e-9 * village.Geometry.Area, $"gap in {village.Code}");
        }
    }

    [Fact]
    public void Apportionment_hits_the_total_exactly_with_a_floor_per_item()
    {
        var counts = Apportionment.LargestRemainder([1, 1, 1], 10);
        Assert.Equal(10, counts.Sum());
        Assert.Equal([4, 3, 3], counts);
        var skewed = Apportionment.LargestRemainder([100, 0.001, 0.001], 5, minimum: 1);
        Assert.Equal([3, 1, 1], skewed);
        Assert.Throws<ArgumentException>(() => Apportionment.LargestRemainder([1, 1], 1, minimum: 1));
    }
}
