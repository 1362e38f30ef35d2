using System.Net;
using System.Text.RegularExpressions;

namespace GridMap.Tiling.Tests;

/// <summary>The tiling service's Prometheus metrics: tile latency per route and the cache's hits and misses.</summary>
public partial class MetricsTests(TilingFixture tiling) : IClassFixture<TilingFixture>
{
    [Fact]
    public async Task A_scrape_counts_tiles_per_route_and_the_cache_hits_and_misses()
    {
        await using var host = TilingHost.Start(tiling.Province.ConnectionString, caller: IPAddress.Loopback);
        for (var i = 0; i < 3; i++)
            (await host.Client.GetAsync("/tiles/grids/12/3332/1606.mvt")).EnsureSuccessStatusCode();

        using var response = await host.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Matches(TileRoute(), text);
        Assert.Contains("gridmap_tile_cache_misses_total 1", text);
        Assert.Contains("gridmap_tile_cache_hits_total{tier=\"disk\"} 0", text);
        Assert.Contains("gridmap_tile_cache_hits_total{tier=\"memory\"} 2", text);
        Assert.Contains("gridmap_tile_cache_tiles 1", text);
        // The invalidation listener's LISTEN connection (the crash drill reads this to see it reconnect).
        Assert.Matches(@"gridmap_notifications_listener_connects\{channels=""tile_invalidation""\} [1-9]", text);
    }

    [Fact]
    public async Task Metrics_are_refused_to_a_caller_nobody_can_place()
    {
        using var response = await tiling.Client.GetAsync("/metrics");
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [GeneratedRegex("""http_request_duration_seconds_count\{code="2xx",method="GET",endpoint="[^"]*tiles[^"]*"\} 3""")]
    private static partial Regex TileRoute();
}
