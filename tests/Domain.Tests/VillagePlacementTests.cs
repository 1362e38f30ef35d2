using GridMap.Domain.Crosswalk;

namespace GridMap.Domain.Tests;

/// <summary>Placing a row that carries a village code covering one or several GridMap villages.</summary>
public class VillagePlacementTests
{
    private static readonly VillageCandidate ShangSanZhuang = new("140428102204", "上三庄村委会");
    private static readonly VillageCandidate HongXingZhuang = new("140428102205", "红星庄村委会");
    private static readonly VillageCandidate ZhuangLe = new("140428102208", "庄乐村委会");
    private static readonly VillageCandidate[] Merged = [ShangSanZhuang, HongXingZhuang, ZhuangLe];

    [Fact]
    public void One_candidate_is_the_place_whatever_the_address_says() =>
        Assert.Equal(new VillagePlace(ZhuangLe, PlacedBy.Code), VillagePlacement.Place([ZhuangLe], "红星庄", "140428102205"));

    [Fact]
    public void Among_several_the_address_naming_exactly_one_decides() =>
        Assert.Equal(new VillagePlace(HongXingZhuang, PlacedBy.Address), VillagePlacement.Place(Merged, "长子县石哲镇红星庄村南头", "140428102208"));

    [Fact]
    public void Without_a_naming_address_the_known_place_decides_if_it_is_a_candidate()
    {
        Assert.Equal(new VillagePlace(ZhuangLe, PlacedBy.Place), VillagePlacement.Place(Merged, "村口", "140428102208"));
        Assert.Null(VillagePlacement.Place(Merged, "村口", "140428203211"));
        Assert.Null(VillagePlacement.Place(Merged, null, null));
        Assert.Null(VillagePlacement.Place([], "上三庄", null));
    }

    [Fact]
    public void A_name_inside_a_longer_named_one_does_not_count_twice()
    {
        VillageCandidate[] nested = [new("140428102210", "东沟村委会"), new("140428102211", "东沟口村委会")];
        Assert.Equal("140428102211", VillagePlacement.Place(nested, "东沟口村3号", null)!.Village.Code);
    }

    [Fact]
    public void An_address_naming_two_candidates_decides_nothing() =>
        Assert.Null(VillagePlacement.Place(Merged, "上三庄与红星庄交界", null));

    [Fact]
    public void Descriptions_list_a_few_candidates_and_count_the_rest()
    {
        var many = Enumerable.Range(1, 8).Select(i => new VillageCandidate($"1404281022{i:D2}", $"村{i}")).ToList();
        Assert.EndsWith("and 3 more", VillagePlacement.Describe(many));
        Assert.Equal("140428102204 上三庄村委会", VillagePlacement.Describe([ShangSanZhuang]));
    }
}
