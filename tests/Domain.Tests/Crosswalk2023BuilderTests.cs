using GridMap.Domain.Crosswalk;

namespace GridMap.Domain.Tests;

/// <summary>The 2023 → 2016 crosswalk on a small county shaped like the real changes (renamed county, merged villages).</summary>
public class Crosswalk2023BuilderTests
{
    private static readonly DivisionCrosswalk Counties = new(DivisionCrosswalk.ParseCsv(
    [
        "scope,code_2023,name_2023,county_2013,name_2013,note",
        "county,140404,上党区,140421,长治县,renamed",
    ]), ["140421"]);

    private static readonly DivisionEntry[] Townships2016 =
    [
        T("140421100", "韩店镇", "140421"),
        T("140421200", "西火乡", "140421"),
    ];

    private static readonly DivisionEntry[] Villages2016 =
    [
        V("140421100201", "韩店村委会", "140421100"),
        V("140421100202", "前坪村委会", "140421100"),
        V("140421100203", "后坪村委会", "140421100"),
        V("140421100204", "东和村委会", "140421100"),
        V("140421200201", "西火村委会", "140421200"),
        V("140421200202", "北庄村委会", "140421200"),
    ];

    // 2023: the county is 上党区 (140404); 前坪 and 后坪 merged into 坪上村 under a new code; 东和 renamed 东和新村 on
    // its old code's suffix; 西火 and 北庄 merged into 西火村, keeping 西火's code; a new estate has no predecessor.
    private static readonly DivisionEntry[] Townships2023 =
    [
        T("140404100", "韩店镇", "140404"),
        T("140404200", "西火镇", "140404"),
    ];

    private static readonly DivisionEntry[] Villages2023 =
    [
        V("140404100201", "韩店村村委会", "140404100"),
        V("140404100230", "坪上村村委会", "140404100"),
        V("140404100204", "东和新村村委会", "140404100"),
        V("140404100005", "锦绣社区居委会", "140404100"),
        V("140404200201", "西火村村委会", "140404200"),
    ];

    private static IReadOnlyList<CrosswalkLink> Build() =>
        new Crosswalk2023Builder(Counties).Build(Townships2016, Villages2016, Townships2023, Villages2023);

    private static List<string> Targets(string code2023, string level = Crosswalk2023Builder.VillageLevel) =>
        [.. Build().Where(l => l.Level == level && l.Code2023 == code2023).Select(l => $"{l.Code} {l.Method}")];

    [Fact]
    public void A_village_found_by_name_under_a_renamed_county_maps_to_its_2016_code() =>
        Assert.Equal(["140421100201 name"], Targets("140404100201"));

    [Fact]
    public void A_merged_village_maps_to_every_predecessor_it_absorbed() =>
        Assert.Equal(["140421100202 absorbed", "140421100203 absorbed"], Targets("140404100230"));

    [Fact]
    public void A_merged_village_keeping_one_code_maps_to_that_village_and_the_absorbed_one() =>
        Assert.Equal(["140421200201 name", "140421200202 absorbed"], Targets("140404200201"));

    [Fact]
    public void A_village_with_no_predecessor_names_its_whole_2016_township() =>
        Assert.Equal(["140421100 township"], Targets("140404100005"));

    [Fact]
    public void Townships_map_to_the_2016_townships_their_villages_came_from()
    {
        Assert.Equal(["140421100 name"], Targets("140404100", Crosswalk2023Builder.TownshipLevel));
        Assert.Equal(["140421200 villages"], Targets("140404200", Crosswalk2023Builder.TownshipLevel));
    }

    [Fact]
    public void Every_2016_village_is_claimed_once()
    {
        var claimed = Build().Where(l => l.Level == Crosswalk2023Builder.VillageLevel && l.Method != CrosswalkMethod.Township)
            .Select(l => l.Code).ToList();
        Assert.Equal(Villages2016.Length, claimed.Count);
        Assert.Equal(Villages2016.Select(v => v.Code).Order(), claimed.Order());
    }

    [Theory]
    [InlineData("坞城街道办事处", "坞城街道", "坞城")]
    [InlineData("孙家寨社区居委会", "孙家寨社区", "孙家寨")]
    [InlineData("西沟村村委会", "西沟村", "西沟")]
    [InlineData("西沟村委会", "西沟", "西沟")]
    [InlineData("南村村民委员会", "南村", "南")]
    public void Names_compare_without_office_and_kind_words(string name, string plain, string stem)
    {
        Assert.Equal(plain, DivisionNames.Plain(name));
        Assert.Equal(stem, DivisionNames.Stem(name));
    }

    [Fact]
    public void An_address_names_a_village_by_its_stem()
    {
        Assert.True(DivisionNames.Names("长子县南陈乡西沟村3号", "西沟村委会"));
        Assert.False(DivisionNames.Names("长子县南陈乡东沟村3号", "西沟村委会"));
    }

    private static DivisionEntry T(string code, string name, string county) => new(code, name, county, code);

    private static DivisionEntry V(string code, string name, string township) => new(code, name, township, code);
}
