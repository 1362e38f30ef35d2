namespace GridMap.GeoApi.Tests;

public class GridsApiTests(GeoApiFixture api) : IClassFixture<GeoApiFixture>
{
    [Fact]
    public async Task A_grid_is_a_GeoJSON_feature_with_its_village_manager_and_neighbours()
    {
        var code = await api.Province.ScalarAsync<string>("SELECT min(code) FROM grid WHERE code LIKE '140428%'");
        using var response = await api.Client.GetAsync($"/api/grids/{code}");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var feature = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("Feature", feature.GetProperty("type").GetString());
        Assert.Equal(code, feature.GetProperty("id").GetString());
        Assert.Equal("MultiPolygon", feature.GetProperty("geometry").GetProperty("type").GetString());
        var properties = feature.GetProperty("properties");
        Assert.Equal(code[..12], properties.GetProperty("village").GetProperty("code").GetString());
        Assert.False(properties.GetProperty("vacant").GetBoolean());
        Assert.Matches(@"^1\d{2}\*{4}\d{4}$", properties.GetProperty("manager").GetProperty("phoneMasked").GetString()!);
        Assert.True(properties.GetProperty("areaM2").GetDouble() > 0);
        Assert.True(properties.GetProperty("synthetic").GetBoolean());
        var neighbours = properties.GetProperty("neighbours").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.NotEmpty(neighbours);
        Assert.DoesNotContain(code, neighbours);
    }

    [Fact]
    public async Task A_vacant_grid_says_so_and_has_no_manager()
    {
        var code = await api.Province.ScalarAsync<string>(
            "SELECT min(g.code) FROM grid g WHERE NOT EXISTS (SELECT 1 FROM grid_manager m WHERE m.grid_code = g.code)");
        var feature = await api.GetJsonAsync($"/api/grids/{code}");
        Assert.True(feature.GetProperty("properties").GetProperty("vacant").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, feature.GetProperty("properties").GetProperty("manager").ValueKind);
    }

    [Fact]
    public async Task Vacant_grids_come_as_points_province_wide_or_within_a_unit()
    {
        var all = await api.GetJsonAsync("/api/grids/vacant");
        Assert.Equal("FeatureCollection", all.GetProperty("type").GetString());
        Assert.Equal(735, all.GetProperty("features").GetArrayLength());
        Assert.All(all.GetProperty("features").EnumerateArray(), f => Assert.Equal("Point", f.GetProperty("geometry").GetProperty("type").GetString()));
        var zhangzi = await api.GetJsonAsync("/api/grids/vacant?within=140428");
        Assert.Equal(0, zhangzi.GetProperty("features").GetArrayLength());
        var city = await api.GetJsonAsync("/api/grids/vacant?within=1404");
        Assert.Equal(await api.Province.ScalarAsync<int>("SELECT vacant_count FROM unit_grid_summary WHERE unit_code = '1404'"), city.GetProperty("features").GetArrayLength());
        await api.GetJsonAsync("/api/grids/vacant?within=abc", 400);
    }

    [Theory]
    [InlineData("/api/grids/140428", 400)]
    [InlineData("/api/grids/14042810020100x", 400)]
    [InlineData("/api/grids/140428100201000", 400)]
    [InlineData("/api/grids/999999999999999", 404)]
    public async Task Bad_grid_codes_get_a_problem(string path, int status) =>
        await api.GetJsonAsync(path, status);
}
