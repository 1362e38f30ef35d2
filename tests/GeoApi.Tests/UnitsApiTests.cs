namespace GridMap.GeoApi.Tests;

public class UnitsApiTests(GeoApiFixture api) : IClassFixture<GeoApiFixture>
{
    [Fact]
    public async Task The_province_is_code_14_with_the_article_figures()
    {
        var unit = await api.GetJsonAsync("/api/units/14");
        Assert.Equal("山西省", unit.GetProperty("name").GetString());
        Assert.Equal("province", unit.GetProperty("level").GetString());
        Assert.Equal(11, unit.GetProperty("childCount").GetInt32());
        Assert.Equal(78_379, unit.GetProperty("gridCount").GetInt32());
        Assert.Equal(77_644, unit.GetProperty("managerCount").GetInt32());
        Assert.Equal(735, unit.GetProperty("vacantCount").GetInt32());
        var bbox = unit.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.InRange(bbox[0], 110.0, 110.5);
        Assert.InRange(bbox[3], 40.5, 41.0);
    }

    [Fact]
    public async Task A_county_carries_its_chain_and_rolled_up_counts()
    {
        var unit = await api.GetJsonAsync("/api/units/140428");
        Assert.Equal("长子县", unit.GetProperty("name").GetString());
        Assert.Equal(["14", "1404", "140428"], unit.GetProperty("chain").EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        Assert.Equal(["山西省", "长治市", "长子县"], unit.GetProperty("chain").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(3_500, unit.GetProperty("gridCount").GetInt32());
        Assert.Equal(0, unit.GetProperty("vacantCount").GetInt32());
        Assert.True(unit.GetProperty("areaM2").GetDouble() > 5e8);
    }

    [Fact]
    public async Task Children_of_a_city_are_its_counties_and_sort_on_request()
    {
        var page = await api.GetJsonAsync("/api/units/1404/children?sort=grids&order=desc");
        var children = page.GetProperty("children").EnumerateArray().ToList();
        Assert.Equal(13, children.Count);
        Assert.All(children, c => Assert.Equal("county", c.GetProperty("level").GetString()));
        var grids = children.Select(c => c.GetProperty("gridCount").GetInt32()).ToList();
        Assert.Equal(grids.OrderDescending(), grids);
        Assert.Equal("140428", children[0].GetProperty("code").GetString()); // 长子县 has the most grids in 长治市
    }

    [Fact]
    public async Task Children_of_a_village_are_its_grids_with_managers()
    {
        var village = await api.Province.ScalarAsync<string>("SELECT min(village_code) FROM grid WHERE code LIKE '140428%'");
        var page = await api.GetJsonAsync($"/api/units/{village}/children");
        var grids = page.GetProperty("children").EnumerateArray().ToList();
        Assert.NotEmpty(grids);
        Assert.All(grids, g => Assert.Equal("grid", g.GetProperty("level").GetString()));
        Assert.All(grids, g => Assert.StartsWith(village, g.GetProperty("code").GetString()));
        Assert.All(grids, g => Assert.False(string.IsNullOrEmpty(g.GetProperty("managerName").GetString())));
        Assert.Equal("001号网格", grids[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_grid_code_answers_as_the_last_level_of_the_drill_down()
    {
        var grid = await api.Province.ScalarAsync<string>("SELECT min(code) FROM grid WHERE code LIKE '140428%'");
        var unit = await api.GetJsonAsync($"/api/units/{grid}");
        Assert.Equal("grid", unit.GetProperty("level").GetString());
        Assert.Equal(6, unit.GetProperty("chain").GetArrayLength());
        Assert.Equal(0, (await api.GetJsonAsync($"/api/units/{grid}/children")).GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("14", "province", "MultiPolygon")]
    [InlineData("140428", "county", "MultiPolygon")]
    [InlineData("140428203211006", "grid", "MultiPolygon")]
    public async Task Geometry_comes_as_a_GeoJSON_feature(string code, string level, string type)
    {
        using var response = await api.Client.GetAsync($"/api/units/{code}/geometry");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var feature = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(code, feature.GetProperty("id").GetString());
        Assert.Equal(level, feature.GetProperty("properties").GetProperty("level").GetString());
        Assert.Equal(type, feature.GetProperty("geometry").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("/api/units/1499/geometry", 404)]
    [InlineData("/api/units/x/geometry", 400)]
    [InlineData("/api/units/abc", 400)]
    [InlineData("/api/units/140", 400)]
    [InlineData("/api/units/1400", 400)]
    [InlineData("/api/units/%27%3B%20DROP%20TABLE%20grid%3B%20--", 400)]
    [InlineData("/api/units/1499", 404)]
    [InlineData("/api/units/140499", 404)]
    [InlineData("/api/units/999999999999999", 404)]
    [InlineData("/api/units/abc/children", 400)]
    [InlineData("/api/units/1499/children", 404)]
    [InlineData("/api/units/14/children?sort=password", 400)]
    [InlineData("/api/units/14/children?order=sideways", 400)]
    [InlineData("/api/nothing-here", 404)]
    public async Task Bad_codes_and_options_get_a_problem_not_a_crash(string path, int status)
    {
        var problem = await api.GetJsonAsync(path, status);
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }
}
