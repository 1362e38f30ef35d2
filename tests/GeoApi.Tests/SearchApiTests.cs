namespace GridMap.GeoApi.Tests;

public class SearchApiTests(GeoApiFixture api) : IClassFixture<GeoApiFixture>
{
    private static List<string> Codes(System.Text.Json.JsonElement result) =>
        [.. result.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("code").GetString()!)];

    [Fact]
    public async Task A_name_fragment_finds_the_county_first()
    {
        var result = await api.GetJsonAsync("/api/search?q=" + Uri.EscapeDataString("长子"));
        var first = result.GetProperty("results")[0];
        Assert.Equal("140428", first.GetProperty("code").GetString());
        Assert.Equal("county", first.GetProperty("level").GetString());
        Assert.Equal("山西省 › 长治市", first.GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_code_prefix_finds_the_unit_then_its_descendants()
    {
        var codes = Codes(await api.GetJsonAsync("/api/search?q=140428&limit=5"));
        Assert.Equal("140428", codes[0]);
        Assert.All(codes, c => Assert.StartsWith("140428", c));
        Assert.Equal(5, codes.Count);
    }

    [Fact]
    public async Task A_long_code_prefix_reaches_grids()
    {
        var village = await api.Province.ScalarAsync<string>("SELECT min(village_code) FROM grid WHERE code LIKE '140428%'");
        var codes = Codes(await api.GetJsonAsync($"/api/search?q={village}&limit=50"));
        Assert.Equal(village, codes[0]);
        Assert.Contains(village + "001", codes);
    }

    [Fact]
    public async Task A_2023_code_finds_the_units_it_stands_for()
    {
        // 2023's 南陈镇 (140428108) continues 2016's 南陈乡 (140428203); its 西沟村 is GridMap's 140428203211.
        var village = await api.GetJsonAsync("/api/search?q=140428108211");
        Assert.Equal("140428203211", Codes(village)[0]);
        Assert.Contains("2023", village.GetProperty("results")[0].GetProperty("name").GetString());
        Assert.Contains("140428203", Codes(await api.GetJsonAsync("/api/search?q=140428108")));
        // 2023's 庄乐村 merged three 2016 villages: all three come up.
        Assert.Equal(["140428102204", "140428102205", "140428102208"], Codes(await api.GetJsonAsync("/api/search?q=140428102208")).Where(c => c.Length == 12).Order());
    }

    [Fact]
    public async Task A_hostile_query_is_only_ever_a_parameter()
    {
        var hostile = "'; DROP TABLE grid; --";
        var result = await api.GetJsonAsync("/api/search?q=" + Uri.EscapeDataString(hostile));
        Assert.Empty(Codes(result));
        Assert.Equal(78_379L, await api.Province.ScalarAsync<long>("SELECT count(*) FROM grid"));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\")]
    public async Task LIKE_wildcards_in_a_query_match_only_themselves(string query) =>
        Assert.Empty(Codes(await api.GetJsonAsync("/api/search?q=" + Uri.EscapeDataString(query))));

    [Theory]
    [InlineData("/api/search", 400)]
    [InlineData("/api/search?q=", 400)]
    [InlineData("/api/search?q=%20%20", 400)]
    [InlineData("/api/search?q=%00abc", 400)]
    [InlineData("/api/search?q=14&limit=0", 400)]
    [InlineData("/api/search?q=14&limit=51", 400)]
    [InlineData("/api/search?q=14&limit=many", 400)]
    public async Task Empty_control_or_out_of_range_input_gets_a_problem(string path, int status) =>
        await api.GetJsonAsync(path, status);

    [Fact]
    public async Task An_oversized_query_gets_a_problem() =>
        await api.GetJsonAsync("/api/search?q=" + new string('长', 51), 400);
}
