using System.Globalization;

namespace GridMap.GeoApi.Tests;

public class LocateApiTests(GeoApiFixture api) : IClassFixture<GeoApiFixture>
{
    [Fact]
    public async Task A_point_inside_a_grid_finds_that_grid_and_its_whole_chain()
    {
        await using var command = api.Province.DataSource.CreateCommand(
            "SELECT code, ST_X(label_point), ST_Y(label_point) FROM grid WHERE code LIKE '140428%' ORDER BY code LIMIT 1 OFFSET 1000");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (code, lon, lat) = (reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2));

        var result = await api.GetJsonAsync(FormattableString.Invariant($"/api/locate?lon={lon:R}&lat={lat:R}"));
        Assert.Equal(code, result.GetProperty("grid").GetProperty("code").GetString());
        var chain = result.GetProperty("chain").EnumerateArray().Select(c => c.GetProperty("code").GetString()).ToList();
        Assert.Equal([code[..2], code[..4], code[..6], code[..9], code[..12], code], chain);
    }

    [Theory]
    [InlineData("/api/locate?lon=116.40&lat=39.90", 404)] // Beijing: outside Shanxi
    [InlineData("/api/locate?lon=0&lat=0", 404)]
    [InlineData("/api/locate?lon=200&lat=36", 400)]
    [InlineData("/api/locate?lon=112&lat=-91", 400)]
    [InlineData("/api/locate?lon=112", 400)]
    [InlineData("/api/locate", 400)]
    [InlineData("/api/locate?lon=abc&lat=36", 400)]
    [InlineData("/api/locate?lon=NaN&lat=36", 400)]
    [InlineData("/api/locate?lon=1e400&lat=36", 400)]
    [InlineData("/api/locate?lon=112.9&lat=36.1%27%20OR%201%3D1", 400)]
    public async Task Points_outside_Shanxi_or_out_of_range_get_a_problem(string path, int status)
    {
        var problem = await api.GetJsonAsync(path, status);
        Assert.Contains(status == 404 ? "outside Shanxi" : "lat", problem.GetProperty("detail").GetString()! + (status == 400 ? " lat lon" : ""));
    }

    [Fact]
    public async Task Coordinates_parse_the_same_in_any_server_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            var result = await api.GetJsonAsync("/api/locate?lon=112.87&lat=36.12");
            Assert.StartsWith("140428", result.GetProperty("grid").GetProperty("code").GetString());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
