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
    public void Townships_and_villages_follow_the_2023_lists_under_2013_counties()
    {
        Assert.Equal(1_352, Source.Townships.Count);
        Assert.Equal(21_895, Source.Villages.Count);
        var counties = Source.Counties.Select(c => c.Code).ToHashSet();
        var townships = Source.Townships.Select(t => t.Code).ToHashSet();
        Assert.All(Source.Townships, t => Assert.Contains(t.CountyCode, counties));
        Assert.All(Source.Townships, t => Assert.StartsWith(t.CountyCode, t.Code));
        Assert.All(Source.Villages, v => Assert.Contains(v.TownshipCode, townships));
        Assert.All(Source.Villages, v => Assert.StartsWith(v.TownshipCode, v.Code));
        Assert.All(counties, c => Assert.Contains(Source.Townships, t => t.CountyCode == c));
    }

    [Theory]
    [InlineData("140404", "140421")] // 上党区 → 长治县
    [InlineData("140405", "140424")] // 屯留区 → 屯留县
    [InlineData("140215", "140227")] // 云州区 → 大同县
    [InlineData("140681", "140624")] // 怀仁市 → 怀仁县
    [InlineData("140703", "140726")] // 太谷区 → 太谷县
    [InlineData("140971", "140922")] // 五台山风景名胜区 → 五台县
    [InlineData("140671", "140602")] // 朔州经济开发区 → 朔城区
    public void Townships_of_renamed_counties_and_zones_sit_under_the_2013_county(string county2023, string county2013)
    {
        var moved = Source.Townships.Where(t => t.StatCode2023.StartsWith(county2023, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, t => Assert.Equal(county2013, t.CountyCode));
    }

    [Fact]
    public void Merged_Datong_and_Changzhi_districts_split_back_by_township()
    {
        string CountyOf(string stat) => Source.Townships.Single(t => t.StatCode2023 == stat).CountyCode;
        Assert.Equal("140202", CountyOf("140213050")); // 永泰街道 (平城区) → 城区
        Assert.Equal("140211", CountyOf("140213066")); // 水泊寺街道 → 南郊区
        Assert.Equal("140203", CountyOf("140214001")); // 新胜街道 (云冈区) → 矿区
        Assert.Equal("140211", CountyOf("140214102")); // 云冈镇 → 南郊区
        Assert.Equal("140402", CountyOf("140403001")); // 东街街道 (潞州区) → 城区
        Assert.Equal("140411", CountyOf("140403103")); // 马厂镇 → 郊区
        Assert.Equal("140371", CountyOf("140311400")); // 开发区 → 阳泉开发区
    }
}
