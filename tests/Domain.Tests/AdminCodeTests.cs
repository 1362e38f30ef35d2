using GridMap.Domain.Codes;

namespace GridMap.Domain.Tests;

public class AdminCodeTests
{
    [Theory]
    [InlineData("14", AdminLevel.Province)]
    [InlineData("1404", AdminLevel.City)]
    [InlineData("140428", AdminLevel.County)]
    [InlineData("140428100", AdminLevel.Township)]
    [InlineData("140428100201", AdminLevel.Village)]
    [InlineData("140428100201007", AdminLevel.Grid)]
    public void Parses_each_level_by_length(string text, AdminLevel level) =>
        Assert.Equal(level, AdminCode.Parse(text).Level);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("1", "not 1")]
    [InlineData("140", "not 3")]
    [InlineData("1404281002010070", "2 to 15")]
    [InlineData("14a428", "ASCII digits")]
    [InlineData("１４", "ASCII digits")]
    [InlineData("14 04", "ASCII digits")]
    [InlineData("1400", "city part")]
    [InlineData("140400", "county part")]
    [InlineData("140428000", "township part")]
    [InlineData("140428100201000", "grid part")]
    [InlineData("'; DROP TABLE grid; --", "ASCII digits")]
    public void Rejects_malformed_codes_with_a_reason(string text, string reasonFragment)
    {
        Assert.False(AdminCode.TryParse(text, out _, out var error));
        Assert.Contains(reasonFragment, error);
    }

    [Fact]
    public void Parent_of_each_code_is_its_prefix_one_level_up()
    {
        var grid = AdminCode.Parse("140428100201007");
        Assert.Equal(["14", "1404", "140428", "140428100", "140428100201", "140428100201007"], grid.Chain.Select(c => c.Value));
        Assert.Equal("140428100201", grid.Parent!.Value.Value);
        Assert.Null(AdminCode.Parse("14").Parent);
    }

    [Fact]
    public void Ancestry_follows_the_prefix_rule()
    {
        var county = AdminCode.Parse("140428");
        Assert.True(county.IsAncestorOf(AdminCode.Parse("140428100201007")));
        Assert.False(county.IsAncestorOf(county));
        Assert.True(county.Covers(county));
        Assert.False(county.IsAncestorOf(AdminCode.Parse("140429100201007")));
        Assert.False(AdminCode.Parse("1404").IsAncestorOf(AdminCode.Parse("14")));
    }

    [Fact]
    public void Grid_codes_compose_from_village_and_sequence()
    {
        var village = AdminCode.Parse("140428100201");
        var grid = GridCode.Compose(village, 7);
        Assert.Equal("140428100201007", grid.Value);
        Assert.Equal(7, GridCode.Sequence(grid));
        Assert.Equal("007号网格", GridCode.DisplayName(grid));
        Assert.Throws<ArgumentOutOfRangeException>(() => GridCode.Compose(village, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GridCode.Compose(village, 1000));
        Assert.Throws<ArgumentException>(() => GridCode.Compose(AdminCode.Parse("140428100"), 1));
    }
}
