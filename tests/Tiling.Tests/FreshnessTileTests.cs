using System.Net;
using GridMap.Domain.Tiles;
using GridMap.Store.Accounts;
using GridMap.Testing;
using GridMap.Tiling.Rendering;

namespace GridMap.Tiling.Tests;

/// <summary>The per-account freshness layer: the caller's grids only, with the figures of grid_freshness.</summary>
public sealed class FreshnessTileTests(PopulationFixture population) : IClassFixture<PopulationFixture>, IAsyncLifetime
{
    private TilingHost host = null!;

    public Task InitializeAsync()
    {
        host = TilingHost.Start(population.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<string> TilePathAsync(string grid, int z)
    {
        var x = await population.ScalarAsync<double>("SELECT ST_X(ST_PointOnSurface(geom_3857)) FROM grid WHERE code = $1", grid);
        var y = await population.ScalarAsync<double>("SELECT ST_Y(ST_PointOnSurface(geom_3857)) FROM grid WHERE code = $1", grid);
        var tile = TileCoordinate.Covering(new NetTopologySuite.Geometries.Envelope(x, x, y, y), z).First();
        return $"/tiles/freshness/{tile.Z}/{tile.X}/{tile.Y}.mvt";
    }

    [Fact]
    public async Task A_grid_manager_gets_his_grid_with_its_freshness_and_the_county_every_grid_of_the_tile()
    {
        var grid = DemoAccounts.GridManagerGrid;
        // A hand-made state: a quarter of the grid's households fresh.
        await population.ScalarAsync<int>("UPDATE household SET confirmed_at = NULL WHERE grid_code = $1 RETURNING 1", grid);
        var total = await population.ScalarAsync<long>("SELECT count(*) FROM household WHERE grid_code = $1 AND dissolved_on IS NULL", grid);
        var fresh = (int)(total / 4);
        await population.ScalarAsync<long>("""
            WITH f AS (UPDATE household SET confirmed_at = now() WHERE id IN (
                SELECT id FROM household WHERE grid_code = $1 AND dissolved_on IS NULL ORDER BY id LIMIT $2) RETURNING 1)
            SELECT count(*) FROM f
            """, grid, fresh);
        await population.ScalarAsync<int>("SELECT refresh_grid_freshness($1)", (object)new[] { grid });

        var path = await TilePathAsync(grid, 14);
        using var response = await host.GetAsAsync(population.DataSource, path, "gridmanager");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.Private);
        var layer = Assert.Single(MvtReader.Read(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal("freshness", layer.Name);
        var feature = Assert.Single(layer.Features);
        Assert.Equal(grid, feature.Attributes["code"]);
        Assert.Equal(total, Convert.ToInt64(feature.Attributes["households"]));
        Assert.Equal(fresh, Convert.ToInt64(feature.Attributes["fresh"]));
        Assert.Equal(1000 * fresh / total, Convert.ToInt64(feature.Attributes["permille"]));

        using var county = await host.GetAsAsync(population.DataSource, path, "county");
        var grids = MvtReader.Read(await county.Content.ReadAsByteArrayAsync()).Single().Features;
        Assert.Contains(grids, f => (string)f.Attributes["code"] == DemoAccounts.NeighbourGrid);
        Assert.All(grids, f => Assert.StartsWith("140428", (string)f.Attributes["code"]));
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("auditor", 403)]
    public async Task Anonymous_and_unauthorised_requests_are_refused(string? username, int status)
    {
        using var response = await host.GetAsAsync(population.DataSource, await TilePathAsync(DemoAccounts.GridManagerGrid, 14), username);
        Assert.Equal(status, (int)response.StatusCode);
    }
}
