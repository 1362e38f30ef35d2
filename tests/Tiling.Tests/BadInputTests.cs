using System.Net;
using System.Text.Json;

namespace GridMap.Tiling.Tests;

public class BadInputTests(TilingFixture tiling) : IClassFixture<TilingFixture>
{
    [Theory]
    [InlineData("/tiles/grids/23/0/0.mvt", 400)]
    [InlineData("/tiles/grids/-1/0/0.mvt", 400)]
    [InlineData("/tiles/grids/3/8/0.mvt", 400)]
    [InlineData("/tiles/grids/3/0/8.mvt", 400)]
    [InlineData("/tiles/grids/3/-1/0.mvt", 400)]
    [InlineData("/tiles/grids/3/0/-1.mvt", 400)]
    [InlineData("/tiles/grids/99999999999/0/0.mvt", 400)]
    [InlineData("/tiles/grids/3/0/99999999999999999999.mvt", 400)]
    [InlineData("/tiles/grids/a/b/c.mvt", 400)]
    [InlineData("/tiles/grids/3/0/0.jpg", 400)]
    [InlineData("/tiles/grids/3/0/0", 400)]
    [InlineData("/tiles/grids/3/0/0.mvt.png", 400)]
    [InlineData("/tiles/roads/3/0/0.mvt", 404)]
    [InlineData("/tiles/..%2F..%2Fetc/3/0/0.mvt", 404)]
    [InlineData("/tiles/grids/..%2F3/0/0.mvt", 400)]
    [InlineData("/tiles/%2e%2e/3/0/0.mvt", 404)]
    [InlineData("/tiles/../../etc/passwd", 404)]
    [InlineData("/tiles/nope.json", 404)]
    public async Task Bad_tile_requests_get_a_problem_and_cache_nothing(string path, int status)
    {
        var before = JsonDocument.Parse(await tiling.Client.GetStringAsync("/tiles/cache")).RootElement.GetProperty("misses").GetInt64();
        using var response = await tiling.Client.GetAsync(path);
        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var after = JsonDocument.Parse(await tiling.Client.GetStringAsync("/tiles/cache")).RootElement.GetProperty("misses").GetInt64();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Clearing_the_cache_is_refused_unless_enabled()
    {
        await using var host = new Testing.HostFactory<GridMap.Tiling.TilingHost>(tiling.Province.ConnectionString, new Dictionary<string, string?>
        {
            ["Tiling:CacheDirectory"] = Path.Combine(Path.GetTempPath(), "gridmap-tiles-" + Guid.NewGuid().ToString("N")),
        });
        using var response = await host.CreateClient().PostAsync("/tiles/cache/clear", null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
