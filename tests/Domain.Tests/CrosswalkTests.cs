using GridMap.Domain.Crosswalk;

namespace GridMap.Domain.Tests;

public class CrosswalkTests
{
    private static readonly string[] Counties2013 = ["140402", "140411", "140421", "140105", "140122", "140922", "140311", "140371"];

    private static DivisionCrosswalk Sample() => new(DivisionCrosswalk.ParseCsv(
    [
        "scope,code_2023,name_2023,county_2013,name_2013,note",
        "county,140404,上党区,140421,长治县,renamed",
        "county,140403,潞州区,140402,城区,merged; default",
        "township,140403103,马厂镇,140411,郊区,a 郊区 town",
        "county,140971,五台山风景名胜区,140922,五台县,x71 zone",
        "township,140311400,开发区,140371,阳泉开发区,the development zone",
    ]), Counties2013);

    [Theory]
    [InlineData("140404101", "140421")] // a renamed county maps one to one
    [InlineData("140403001", "140402")] // a merged county's default
    [InlineData("140403103", "140411")] // a township rule beats its county's rule
    [InlineData("140971100", "140922")] // an x71 zone goes back to its 2013 county
    [InlineData("140311400", "140371")] // the development zone becomes its own county-level unit
    [InlineData("140311100", "140311")] // an unchanged county keeps its code
    public void Places_townships_under_their_2013_county(string township, string county) =>
        Assert.Equal(county, Sample().County2013For(township));

    [Fact]
    public void A_township_no_rule_places_is_an_error_not_a_guess() =>
        Assert.Throws<KeyNotFoundException>(() => Sample().County2013For("140213050"));

    [Fact]
    public void Rules_must_name_a_real_2013_county() =>
        Assert.Throws<ArgumentException>(() => new DivisionCrosswalk(
            [new CrosswalkRule(CrosswalkScope.County, "140404", "上党区", "149999", "?", "")], Counties2013));

    [Fact]
    public void The_repository_crosswalk_covers_the_known_2013_changes()
    {
        var path = Path.Combine(Testing.RepositoryRoot.Path, "data", "boundaries", "crosswalk-2023-to-2013.csv");
        var rules = DivisionCrosswalk.ParseCsv(File.ReadLines(path));
        string CountyOf(string code2023) => rules.Single(r => r.Code2023 == code2023).County2013;
        Assert.Equal("140421", CountyOf("140404")); // 上党区 ← 长治县
        Assert.Equal("140227", CountyOf("140215")); // 云州区 ← 大同县
        Assert.Equal("140202", CountyOf("140213")); // 平城区 ← 城区 (default)
        Assert.Equal("140203", CountyOf("140214")); // 云冈区 ← 矿区 (default)
        Assert.Equal("140211", CountyOf("140214101")); // 高山镇 was in 南郊区
        Assert.Equal("140105", CountyOf("140171")); // 示范区 → 小店区
        Assert.Equal("140211", CountyOf("140271"));
        Assert.Equal("140602", CountyOf("140671"));
        Assert.Equal("140922", CountyOf("140971"));
        Assert.Equal("140371", CountyOf("140311400"));
    }
}
