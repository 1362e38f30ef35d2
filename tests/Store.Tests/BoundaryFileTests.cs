using GridMap.Store.Boundaries;
using GridMap.Synthetic.Generation;

namespace GridMap.Store.Tests;

/// <summary>The extracted files in data/boundaries: what the generator stands on.</summary>
public class BoundaryFileTests
{
    private static readonly DivisionSource Source = DivisionSource.Load(BoundaryFiles.Locate());

    [Fact]
    public void There_are_120_county_level_units_in_11_cities()
    {
        Assert.Equal(120, Source.Counties.Count);
        Assert.Equal(120, Source.Counties.Select(c => c.Code).Distinct().Count());
        Assert.Equal(11, Source.Cities.Count);
        Assert.All(Source.Counties, c => Assert.Contains(Source.Cities, city => city.Code == c.Code[..4]));
        Assert.All(Source.Counties, c => Assert.True(c.Geometry.IsValid, $"{c.Code} {c.Name} is invalid"));
    }

    [Fact]
    public void The_Yangquan_development_zone_is_the_120th_unit_carved_from_its_host()
    {
        var zone = Source.Counties.Single(c => c.Code == BoundaryExtractor.DevelopmentZoneCode);
        var host = Source.Counties.Single(c => c.Code == BoundaryExtractor.DevelopmentZoneHost);
        Assert.Equal("阳泉开发区", zone.Name);
        Assert.False(zone.Geometry.IsEmpty);
        Assert.Equal(0, zone.Geometry.Intersection(host.Geometry).Area, 12);
        Assert.True(zone.Geometry.Touches(host.Geometry));
        Assert.Contains(Source.Townships, t => t.CountyCode == zone.Code);
    }

    [Fact]
    public void County_polygons_do_not_overlap()
    {
        var counties = Source.Counties;
        for (var i = 0; i < counties.Count; i++)
            for (var j = i + 1; j < counties.Count; j++)
                if (counties[i].Geometry.EnvelopeInternal.Intersects(counties[j].Geometry.EnvelopeInternal))
                    Assert.True(Geo.Intersection(counties[i].Geometry, counties[j].Geometry).Area < 1e-12,
                        $"{counties[i].Code} overlaps {counties[j].Code}");
    }

    [Fact]
    public void Townships_and_villages_follow_the_2016_lists_under_the_2013_counties()
    {
        Assert.Equal(1_451 + 1, Source.Townships.Count); // the 2016 list, and the development zone's one township
        Assert.Equal(30_197, Source.Villages.Count);
        var counties = Source.Counties.Select(c => c.Code).ToHashSet();
        var townships = Source.Townships.Select(t => t.Code).ToHashSet();
        Assert.All(Source.Townships, t => Assert.Contains(t.CountyCode, counties));
        Assert.All(Source.Townships, t => Assert.StartsWith(t.CountyCode, t.Code));
        Assert.All(Source.Villages, v => Assert.Contains(v.TownshipCode, townships));
        Assert.All(Source.Villages, v => Assert.StartsWith(v.TownshipCode, v.Code));
        Assert.All(counties, c => Assert.Contains(Source.Townships, t => t.CountyCode == c));
        // GridMap's codes are the 2016 statistical codes, except for the four villages moved into the zone.
        var recoded = Source.Villages.Where(v => v.StatCode2016 != v.Code).ToList();
        Assert.Equal(4, recoded.Count);
        Assert.All(recoded, v => Assert.StartsWith("140371400", v.Code));
        Assert.All(recoded, v => Assert.StartsWith(BoundaryExtractor.DevelopmentZoneHost, v.StatCode2016));
    }

    [Fact]
    public void Zhangzi_has_12_townships_and_401_villages_as_in_2016()
    {
        var townships = Source.Townships.Where(t => t.CountyCode == "140428").ToList();
        Assert.Equal(12, townships.Count);
        Assert.Equal(401, Source.Villages.Count(v => v.Code.StartsWith("140428", StringComparison.Ordinal)));
        Assert.Contains(townships, t => t is { Code: "140428200", Name: "岚水乡" });
        Assert.Contains(townships, t => t is { Code: "140428203", Name: "南陈乡" });
        Assert.Contains(Source.Villages, v => v is { Code: "140428203211", Name: "西沟村委会" });
    }

    [Fact]
    public void Every_2023_village_code_maps_to_units_that_exist()
    {
        var villages2023 = Source.Codes2023.Where(c => c.Level == "village").ToLookup(c => c.Code2023);
        Assert.Equal(21_895, villages2023.Count);
        var units = Source.Villages.Select(v => v.Code)
            .Concat(Source.Townships.Select(t => t.Code)).Concat(Source.Counties.Select(c => c.Code)).ToHashSet();
        Assert.All(Source.Codes2023, c => Assert.Contains(c.Code, units));
        // A village row names a 2016 village; only the fallbacks name a whole township or county.
        var villages = Source.Villages.Select(v => v.Code).ToHashSet();
        Assert.All(Source.Codes2023.Where(c => c.Level == "village"), c =>
            Assert.True(villages.Contains(c.Code) || c.Method is "township" or "county", $"{c.Code2023} → {c.Code} ({c.Method})"));
        Assert.True(villages2023.Count(g => g.All(c => c.Method is not ("township" or "county"))) > 20_000);
    }

    [Fact]
    public void Nearly_every_2016_village_is_covered_by_some_2023_code()
    {
        // 69 villages of nine 2016 townships (farms and streets dissolved by 2023, e.g. 山阴农牧场) have no successor.
        var covered = Source.Codes2023.Where(c => c.Level == "village").Select(c => c.Code).ToHashSet();
        var orphans = Source.Villages.Where(v => !covered.Contains(v.Code) && !covered.Contains(v.TownshipCode) && !covered.Contains(v.Code[..6])).ToList();
        Assert.Equal(69, orphans.Count);
        Assert.Equal(9, orphans.Select(v => v.TownshipCode).Distinct().Count());
        Assert.DoesNotContain(orphans, v => v.Code.StartsWith("140428", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("140428102208", "140428102204,140428102205,140428102208")] // 庄乐村 ← 上三庄, 红星庄, 庄乐
    [InlineData("140428102215", "140428102215,140428102216,140428102221,140428102228,140428102229,140428102233")] // 石家庄村 ← 6
    [InlineData("140428203211", "140428203211")] // 2023's 南陈镇西沟村 (140428108211) is 2016's 南陈乡西沟村
    public void Merged_2023_villages_map_to_all_their_2016_predecessors(string code2023, string codes2016)
    {
        var code = code2023 == "140428203211" ? "140428108211" : code2023;
        var found = Source.Codes2023.Where(c => c.Level == "village" && c.Code2023 == code).Select(c => c.Code).Order().ToList();
        Assert.Equal(codes2016.Split(','), found);
    }

    [Theory]
    [InlineData("140404001", "140421")] // 上党区 → 长治县
    [InlineData("140405001", "140424")] // 屯留区 → 屯留县
    [InlineData("140215100", "140227")] // 云州区 → 大同县
    [InlineData("140681001", "140624")] // 怀仁市 → 怀仁县
    [InlineData("140703101", "140726")] // 太谷区 → 太谷县
    [InlineData("140311400", "140371")] // 阳泉 开发区 → 阳泉开发区
    [InlineData("140403103", "140411")] // 马厂镇 (潞州区) → 郊区
    [InlineData("140214001", "140203")] // 新胜街道 (云冈区) → 矿区
    public void Townships_of_renamed_and_merged_counties_map_to_the_2016_county(string township2023, string county2016)
    {
        var targets = Source.Codes2023.Where(c => c.Level == "township" && c.Code2023 == township2023).ToList();
        Assert.NotEmpty(targets);
        Assert.All(targets, t => Assert.StartsWith(county2016, t.Code));
    }
}
