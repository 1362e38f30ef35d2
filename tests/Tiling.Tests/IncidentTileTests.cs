using System.Net;
using System.Net.Http.Headers;
using GridMap.Domain.Tiles;
using GridMap.Store.Accounts;
using GridMap.Store.Events;
using GridMap.Testing;
using GridMap.Tiling.Rendering;

namespace GridMap.Tiling.Tests;

/// <summary>
/// The per-account incidents layer: events of the caller's area only, one point per event from zoom 13, clusters with
/// counts and the worst deadline below; never shared through the cache.
/// </summary>
public sealed class IncidentTileTests(PopulationFixture population) : IClassFixture<PopulationFixture>, IAsyncLifetime
{
    private static readonly string[] Deadlines = ["on_time", "due_soon", "overdue", "paused", "finished"];
    private TilingHost host = null!;

    public Task InitializeAsync()
    {
        host = TilingHost.Start(population.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<(double X, double Y, double Lon, double Lat)> PointOfAsync(string place)
    {
        var p = await population.ScalarAsync<double[]>("""
            SELECT ARRAY[ST_X(c), ST_Y(c), ST_X(ST_Transform(c, 4490)), ST_Y(ST_Transform(c, 4490))]
            FROM (SELECT ST_Centroid(geom_3857) AS c FROM building WHERE code = $1) b
            """, population.Buildings[place]);
        return (p[0], p[1], p[2], p[3]);
    }

    /// <summary>Reports an event at place's building as <paramref name="username"/> (grid managers on the grid channel, centres by hotline).</summary>
    private async Task<long> ReportAsync(string username, string place)
    {
        var account = (await new AccountStore(population.DataSource).SignInAsync(username, DemoAccounts.Password))!.Account;
        var (_, _, lon, lat) = await PointOfAsync(place);
        var category = await population.ScalarAsync<string>("SELECT min(code) FROM event_category WHERE NOT urgent");
        var channel = username.StartsWith("gridmanager", StringComparison.Ordinal) ? EventChannels.Grid : EventChannels.Hotline;
        var result = await new EventStore(population.DataSource, TimeProvider.System)
            .ReportAsync(account.ToCaller(), username, new NewReport(category, "图层测试 " + place, lon, lat, channel));
        Assert.True(result.Value?.Created, result.Problem?.Message);
        return result.Value!.Event.Id;
    }

    private async Task<string> TileOfAsync(string place, int z)
    {
        var (x, y, _, _) = await PointOfAsync(place);
        var tile = TileCoordinate.Covering(new NetTopologySuite.Geometries.Envelope(x, x, y, y), z).First();
        return $"/tiles/incidents/{tile.Z}/{tile.X}/{tile.Y}.mvt";
    }

    private Task<HttpResponseMessage> GetAsync(string path, string? username) => host.GetAsAsync(population.DataSource, path, username);

    private async Task<IReadOnlyList<MvtFeature>> FeaturesAsync(string path, string username)
    {
        using var response = await GetAsync(path, username);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"{path}: {(int)response.StatusCode}");
        Assert.True(response.Headers.CacheControl?.Private, "a per-account tile is private");
        var layers = MvtReader.Read(await response.Content.ReadAsByteArrayAsync());
        Assert.All(layers, l => Assert.Equal("incidents", l.Name));
        return layers.SelectMany(l => l.Features).ToList();
    }

    [Fact]
    public async Task From_zoom_13_each_event_of_the_area_is_a_point_with_its_deadline()
    {
        var id = await ReportAsync("gridmanager", "A");
        var features = await FeaturesAsync(await TileOfAsync("A", 15), "township");
        var mine = Assert.Single(features, f => f.Id == (ulong)id);
        Assert.Equal(MvtGeometryType.Point, mine.Type);
        Assert.Equal("Reported", mine.Attributes["state"]);
        Assert.Contains((string)mine.Attributes["deadline"], Deadlines);
        Assert.Equal(((string)mine.Attributes["category"])[..2], mine.Attributes["major"]);
        Assert.True(Convert.ToInt64(mine.Attributes["age_hours"]) >= 0);
        Assert.Equal(id, Convert.ToInt64(mine.Attributes["id"]));
        Assert.False(mine.Attributes.ContainsKey("description"));
    }

    [Fact]
    public async Task Another_countys_events_are_absent_for_a_township_and_present_for_the_city()
    {
        var theirs = await ReportAsync("city", "D");
        var path = await TileOfAsync("D", 14);
        Assert.DoesNotContain(await FeaturesAsync(path, "township"), f => f.Id == (ulong)theirs);
        Assert.DoesNotContain(await FeaturesAsync(path, "county"), f => f.Id == (ulong)theirs);
        Assert.Contains(await FeaturesAsync(path, "city"), f => f.Id == (ulong)theirs);
    }

    [Fact]
    public async Task Up_to_zoom_12_events_are_clustered_with_a_count_and_the_worst_deadline()
    {
        await ReportAsync("gridmanager", "A");
        await ReportAsync("gridmanager", "A");
        var clusters = await FeaturesAsync(await TileOfAsync("A", 9), "county");
        Assert.NotEmpty(clusters);
        Assert.All(clusters, c => Assert.False(c.Attributes.ContainsKey("id")));
        Assert.All(clusters, c => Assert.Contains((string)c.Attributes["deadline"], Deadlines));
        var total = await population.ScalarAsync<long>(
            "SELECT count(*) FROM event WHERE starts_with(grid_code, '140428') AND (finished_at IS NULL OR finished_at > now() - interval '7 days')");
        Assert.True(clusters.Sum(c => Convert.ToInt64(c.Attributes["count"])) <= total);
        Assert.Contains(clusters, c => Convert.ToInt64(c.Attributes["count"]) >= 2);
    }

    [Fact]
    public async Task The_command_centres_filters_narrow_the_tiles_as_they_narrow_the_list()
    {
        var id = await ReportAsync("gridmanager", "A");
        var major = (await population.ScalarAsync<string>("SELECT category_code FROM event WHERE id = $1", id))[..2];
        var other = major == "09" ? "08" : "09";
        var path = await TileOfAsync("A", 15);
        Assert.Contains(await FeaturesAsync($"{path}?major={major}&open=1&days=1", "township"), f => f.Id == (ulong)id);
        Assert.DoesNotContain(await FeaturesAsync($"{path}?major={other}", "township"), f => f.Id == (ulong)id);
        // Reported by a grid manager, it is owned at grid level (6) or by the centre it was routed to — not by the county here.
        var owner = await population.ScalarAsync<string>("SELECT owner_unit FROM event WHERE id = $1", id);
        var level = owner.Length switch { 6 => 3, 9 => 4, 12 => 5, _ => 6 };
        Assert.Contains(await FeaturesAsync($"{path}?level={level}", "township"), f => f.Id == (ulong)id);
        Assert.DoesNotContain(await FeaturesAsync($"{path}?level={(level == 3 ? 4 : 3)}", "township"), f => f.Id == (ulong)id);
        foreach (var bad in new[] { "major=1", "open=yes", "level=9", "days=0", "days=9999999999" })
        {
            using var response = await GetAsync($"{path}?{bad}", "township");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData(null, ".mvt", 401)]
    [InlineData("township", ".png", 400)]
    [InlineData("township", ".pbf'; DROP TABLE event; --", 400)]
    public async Task Anonymous_raster_and_hostile_requests_are_refused(string? username, string suffix, int status)
    {
        var path = (await TileOfAsync("A", 15)).Replace(".mvt", suffix);
        using var response = await GetAsync(path, username);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(await population.ScalarAsync<bool>("SELECT to_regclass('event') IS NOT NULL"));
    }

    [Theory]
    [InlineData("/tiles/incidents/99/0/0.mvt")]
    [InlineData("/tiles/incidents/13/-1/0.mvt")]
    [InlineData("/tiles/incidents/x/0/0.mvt")]
    public async Task Impossible_tiles_are_a_400(string path)
    {
        using var response = await GetAsync(path, "township");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Incident_tiles_never_enter_the_shared_cache()
    {
        await ReportAsync("gridmanager", "A");
        var path = await TileOfAsync("A", 15);
        using (await GetAsync(path, "township"))
        using (await GetAsync(path, "township"))
        {
        }
        Assert.DoesNotContain(Directory.Exists(host.CacheDirectory)
            ? Directory.EnumerateFiles(host.CacheDirectory, "*", SearchOption.AllDirectories) : [], f => f.Contains("incidents", StringComparison.Ordinal));
    }
}
