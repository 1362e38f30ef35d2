namespace GridMap.Tiling.Tests;

/// <summary>The tiling service while PostgreSQL is out of reach: a clear 503 that says when to try again, not a hang or a 500.</summary>
public class OutageTests
{
    [Fact]
    public async Task A_tile_while_the_database_is_out_of_reach_is_503_with_retry_after()
    {
        await using var host = TilingHost.Start("Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2");
        using var response = await host.Client.GetAsync("/tiles/grids/12/3332/1606.mvt");
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
