using System.Net;
using System.Net.Http.Headers;
using GridMap.Domain.Tiles;
using GridMap.Store.Accounts;
using GridMap.Testing;
using GridMap.Tiling.Rendering;

namespace GridMap.Tiling.Tests;

/// <summary>The per-account buildings layer: only the caller's area, household counts only for resident readers.</summary>
public sealed class BuildingTileTests(PopulationFixture population) : IClassFixture<PopulationFixture>, IAsyncLifetime
{
    private TilingHost host = null!;

    public Task InitializeAsync()
    {
        host = TilingHost.Start(population.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    /// <summary>The zoom-15 tile holding building A (and, the grids being neighbours, likely B too).</summary>
    private async Task<string> TilePathAsync(string place, int z = 15)
    {
        var x = await population.ScalarAsync<double>("SELECT ST_X(ST_Centroid(geom_3857)) FROM building WHERE code = $1", population.Buildings[place]);
        var y = await population.ScalarAsync<double>("SELECT ST_Y(ST_Centroid(geom_3857)) FROM building WHERE code = $1", population.Buildings[place]);
        var tile = TileCoordinate.Covering(new NetTopologySuite.Geometries.Envelope(x, x, y, y), z).First();
        return $"/tiles/buildings/{tile.Z}/{tile.X}/{tile.Y}.mvt";
    }

    private Task<HttpResponseMessage> GetAsync(string path, string? username) => host.GetAsAsync(population.DataSource, path, username);

    [Fact]
    public async Task A_grid_manager_gets_only_the_buildings_of_his_grid_with_household_counts()
    {
        using var response = await GetAsync(await TilePathAsync("A"), "gridmanager");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.Private);
        var layer = Assert.Single(MvtReader.Read(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal("buildings", layer.Name);
        Assert.Contains(layer.Features, f => (string)f.Attributes["code"] == population.Buildings["A"]);
        Assert.All(layer.Features, f => Assert.Equal(DemoAccounts.GridManagerGrid, f.Attributes["grid"]));
        Assert.All(layer.Features, f => Assert.True(f.Attributes.ContainsKey("households")));
        Assert.DoesNotContain(layer.Features, f => f.Attributes.ContainsKey("name") || f.Attributes.ContainsKey("id_number"));
    }

    [Fact]
    public async Task The_neighbouring_grid_manager_sees_none_of_them_and_a_planner_sees_no_counts()
    {
        var path = await TilePathAsync("A");
        using (var neighbour = await GetAsync(path, "gridmanager2"))
        {
            var bytes = await neighbour.Content.ReadAsByteArrayAsync();
            var features = MvtReader.Read(bytes).SelectMany(l => l.Features).ToList();
            Assert.All(features, f => Assert.Equal(DemoAccounts.NeighbourGrid, f.Attributes["grid"]));
            Assert.DoesNotContain(features, f => (string)f.Attributes["code"] == population.Buildings["A"]);
        }
        using var planner = await GetAsync(path, "planner");
        var planned = MvtReader.Read(await planner.Content.ReadAsByteArrayAsync()).Single().Features;
        Assert.Contains(planned, f => (string)f.Attributes["code"] == population.Buildings["A"]);
        Assert.All(planned, f => Assert.False(f.Attributes.ContainsKey("households")));
    }

    [Theory]
    [InlineData(null, ".mvt", 401)]
    [InlineData("auditor", ".mvt", 403)]
    [InlineData("gridmanager", ".png", 400)]
    public async Task Anonymous_unauthorised_and_raster_requests_are_refused(string? username, string suffix, int status)
    {
        var path = (await TilePathAsync("A")).Replace(".mvt", suffix);
        using var response = await GetAsync(path, username);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Below_zoom_15_the_layer_is_empty()
    {
        using var response = await GetAsync(await TilePathAsync("A", 14), "county");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
