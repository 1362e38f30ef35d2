using System.Text.Json;

namespace GridMap.Tiling.Tests;

public class TileJsonTests(TilingFixture tiling) : IClassFixture<TilingFixture>
{
    [Fact]
    public async Task TileJSON_3_describes_the_grid_layer()
    {
        var json = JsonDocument.Parse(await tiling.Client.GetStringAsync("/tiles/grids.json")).RootElement;
        Assert.Equal("3.0.0", json.GetProperty("tilejson").GetString());
        Assert.EndsWith("/tiles/grids/{z}/{x}/{y}.mvt", json.GetProperty("tiles")[0].GetString());
        Assert.Equal(11, json.GetProperty("minzoom").GetInt32());
        var bounds = json.GetProperty("bounds").EnumerateArray().Select(b => b.GetDouble()).ToArray();
        Assert.InRange(bounds[0], 110, 110.5);
        Assert.InRange(bounds[3], 40.5, 41);
        var layer = json.GetProperty("vector_layers").EnumerateArray().Single(l => l.GetProperty("id").GetString() == "grids");
        Assert.Equal(["area_m2", "code", "status", "village"], layer.GetProperty("fields").EnumerateObject().Select(f => f.Name).Order());
    }

    [Fact]
    public async Task The_style_document_points_at_both_sources()
    {
        var style = JsonDocument.Parse(await tiling.Client.GetStringAsync("/styles/default.json")).RootElement;
        Assert.Equal(8, style.GetProperty("version").GetInt32());
        Assert.EndsWith("/tiles/admin.json", style.GetProperty("sources").GetProperty("admin").GetProperty("url").GetString());
        Assert.EndsWith("/tiles/grids.json", style.GetProperty("sources").GetProperty("grids").GetProperty("url").GetString());
        Assert.Contains(style.GetProperty("layers").EnumerateArray(), l => l.GetProperty("id").GetString() == "grids-fill");
    }

    [Theory]
    [InlineData("/tiles/grids/12/3332/1606.mvt", 200)]
    [InlineData("/tiles/grids.json", 200)]
    [InlineData("/tiles/grids/99/0/0.mvt", 400)]
    public async Task Other_origins_may_read_tiles_and_their_errors(string path, int status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", "http://portal.example");
        using var response = await tiling.Client.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Health_answers_with_the_grid_count()
    {
        var health = JsonDocument.Parse(await tiling.Client.GetStringAsync("/health")).RootElement;
        Assert.Equal("tiling", health.GetProperty("service").GetString());
        Assert.Equal(78_379, health.GetProperty("grids").GetInt32());
    }

    [Theory]
    [InlineData("/tiles/grids/12/3332/1606.mvt")]
    [InlineData("/tiles/grids/99/0/0.mvt")]
    public async Task Tiles_and_their_errors_carry_the_security_headers(string path)
    {
        using var response = await tiling.Client.GetAsync(path);
        Assert.Equal(GridMap.Domain.Access.SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
