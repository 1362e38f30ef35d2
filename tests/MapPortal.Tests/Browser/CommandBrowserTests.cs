using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>
/// The command centre's live map: a report a grid manager posts (through GeoApi, as his phone would) appears on the
/// township centre's map and list without a reload, and an action taken on it updates it in place.
/// </summary>
public sealed class CommandBrowserTests(PeopleStack stack, ITestOutputHelper output) : IClassFixture<PeopleStack>
{
    private static readonly PageWaitForFunctionOptions Patience = new() { Timeout = 30_000 };

    private async Task<PortalPage> SignInAsync(string username, string path)
    {
        var page = await stack.OpenAsync(path, waitForMap: false);
        await page.SubmitSignInAsync(username);
        await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path, new PageWaitForURLOptions { Timeout = 30_000 });
        await page.WaitForMapAsync();
        return page;
    }

    private async Task<JsonElement> ReportAsync()
    {
        var point = await stack.Population.ScalarAsync<double[]>(
            "SELECT ARRAY[ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom))] FROM building WHERE code = $1", stack.Population.Buildings["A"]);
        var category = await stack.Population.ScalarAsync<string>("SELECT min(code) FROM event_category WHERE NOT urgent");
        using var gridManager = await stack.ApiClientAsync("gridmanager");
        using var response = await gridManager.PostAsJsonAsync("/api/events",
            new { category, description = "路灯损坏 broken street light", lon = point[0], lat = point[1], channel = "grid" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task A_grid_report_and_its_acceptance_appear_live_on_the_township_centres_map()
    {
        var page = await SignInAsync("township", "/command");
        // Subscribed and the first list drawn: from here on nothing is missed.
        await page.Page.WaitForSelectorAsync("[data-testid=command-page][data-live=connected]", new() { Timeout = 30_000 });
        // The centre opens on the last 24 hours (issue 19), and says so in its age filter.
        await Assertions.Expect(page.Page.GetByTestId("filter-age")).ToHaveValueAsync("1");
        await Assertions.Expect(page.Page.GetByTestId("command-xlsx")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/command/export\\?area=140428203&days=1$"));

        var reported = await ReportAsync();
        var clock = Stopwatch.StartNew();
        var id = reported.GetProperty("id").GetInt64();
        var tracking = reported.GetProperty("trackingNo").GetString()!;
        await page.Page.WaitForFunctionAsync("id => window.gridmap.live && window.gridmap.live[id] === 'Reported'", id, Patience);
        output.WriteLine($"report → township map: {clock.ElapsedMilliseconds} ms (includes Playwright's polling)");
        var row = page.Page.Locator($"[data-testid=change][data-id='{id}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-tracking", tracking, new() { Timeout = 30_000 });

        var owner = reported.GetProperty("owner").GetProperty("unit").GetString()!;
        var acceptor = owner.Length switch { 12 => "village", 9 => "township", _ => "county" };
        using (var centre = await stack.ApiClientAsync(acceptor))
        using (var accepted = await centre.PostAsJsonAsync($"/api/events/{id}/actions/accept", new { version = 1 }))
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        clock.Restart();
        await page.Page.WaitForFunctionAsync("id => window.gridmap.live[id] === 'Accepted'", id, Patience);
        output.WriteLine($"accept → township map: {clock.ElapsedMilliseconds} ms");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Accepted", new() { Timeout = 30_000 });

        await row.ClickAsync();
        var card = page.Page.GetByTestId("event-card");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-id", id.ToString(), new() { Timeout = 30_000 });
        await Assertions.Expect(card.GetByTestId("timeline").Locator("li")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        // The centre that accepted its own intake step holds it, by name.
        await Assertions.Expect(card.GetByTestId("card-holder")).ToContainTextAsync($"（{acceptor}）");
        await Assertions.Expect(card.GetByTestId("card-link")).ToHaveAttributeAsync("href", $"/events/{id}");
        Assert.Contains("event=" + id, page.Page.Url);
        await page.ScreenshotAsync("command-centre-live");

        // The day replay holds today's two steps; the slider's end shows the last.
        await page.Page.GetByTestId("replay-load").ClickAsync();
        var slider = page.Page.GetByTestId("replay-slider");
        await Assertions.Expect(slider).ToHaveAttributeAsync("max", "1", new() { Timeout = 30_000 });
        await slider.FillAsync("1");
        await page.Page.WaitForFunctionAsync("() => window.gridmap.replayIndex === 1", null, Patience);
        await Assertions.Expect(page.Page.GetByTestId("replay-now")).ToContainTextAsync(tracking, new() { Timeout = 30_000 });

        // The list as shown downloads as .xlsx through the portal, with the report in it.
        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.GetByTestId("command-xlsx").ClickAsync());
        await using (var stream = await download.CreateReadStreamAsync())
        using (var file = new MemoryStream())
        {
            await stream.CopyToAsync(file);
            file.Position = 0;
            var rows = MiniExcelLibs.MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
            Assert.Contains(rows, r => r["编号"]?.ToString() == tracking);
        }

        // The filters narrow the incidents tiles as they narrow the list (open, last 24 hours by default).
        await page.Page.WaitForFunctionAsync("() => window.gridmap.incidentQuery === '?open=1&days=1'", null, Patience);
        var major = reported.GetProperty("category").GetString()![..2];
        await page.Page.GetByTestId("filter-category").SelectOptionAsync(major);
        await page.Page.WaitForFunctionAsync("q => window.gridmap.incidentQuery === q", $"?major={major}&open=1&days=1", Patience);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task The_command_centre_is_in_the_menu_of_centre_staff_only()
    {
        var manager = await SignInAsync("gridmanager", "/people");
        await Assertions.Expect(manager.Page.GetByTestId("nav-people")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Equal(0, await manager.Page.GetByTestId("nav-command").CountAsync());
        var centre = await SignInAsync("village", "/people");
        await Assertions.Expect(centre.Page.GetByTestId("nav-command")).ToHaveAttributeAsync("href", "/command", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task The_wall_display_of_a_county_shows_every_panel_with_data_and_moves_on_to_its_townships_by_itself()
    {
        // Today's events: one the county supervises, one whose step is overdue (its deadline moved into the past here).
        var supervised = (await ReportAsync()).GetProperty("id").GetInt64();
        var overdue = (await ReportAsync()).GetProperty("id").GetInt64();
        using (var county = await stack.ApiClientAsync("county"))
        using (var answer = await county.PostAsJsonAsync($"/api/events/{supervised}/actions/supervise", new { version = 1, note = "督办：请尽快处置" }))
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(overdue, await stack.Population.ScalarAsync<long>("UPDATE event SET due = now() - interval '3 hours' WHERE id = $1 RETURNING id", overdue));

        var page = await stack.OpenAsync("/wall/140428?dwell=10&refresh=5", 1920, 1080, null, waitForMap: false);
        await page.SubmitSignInAsync("county");
        await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/wall/140428", new PageWaitForURLOptions { Timeout = 30_000 });
        var wall = page.Page.GetByTestId("wall");
        await Assertions.Expect(page.Page.GetByTestId("wall-unit")).ToHaveTextAsync("长子县", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("wall-today-value")).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        Assert.True(int.Parse(await page.Page.GetByTestId("wall-today-value").First.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) >= 2);
        await Assertions.Expect(page.Page.GetByTestId("wall-trend")).ToHaveAttributeAsync("data-points", "30", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("wall-categories")).ToHaveAttributeAsync("data-slices", new System.Text.RegularExpressions.Regex("^[1-9]"));
        await Assertions.Expect(page.Page.GetByTestId("wall-overdue")).ToHaveAttributeAsync("data-count", new System.Text.RegularExpressions.Regex("^[1-9]"));
        await Assertions.Expect(page.Page.GetByTestId("wall-supervised")).ToHaveAttributeAsync("data-count", new System.Text.RegularExpressions.Regex("^[1-9]"));
        await Assertions.Expect(page.Page.GetByTestId("wall-rank-row").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.GetByTestId("wall-legend")).ToContainTextAsync("已超期");
        await Assertions.Expect(page.Page.GetByTestId("wall-open")).Not.ToHaveTextAsync("0");
        await page.WaitForMapAsync();
        // Nothing overflows the 1920×1080 screen.
        Assert.True(await page.Page.EvaluateAsync<bool>("() => document.documentElement.scrollHeight <= window.innerHeight + 1 && document.documentElement.scrollWidth <= window.innerWidth + 1"));
        await page.ScreenshotAsync("wall-county");

        // Without a mouse it moves on to its first township, then keeps reading the figures.
        await Assertions.Expect(wall).ToHaveAttributeAsync("data-unit", new System.Text.RegularExpressions.Regex("^140428[0-9]{3}$"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Page.GetByTestId("wall-unit")).Not.ToHaveTextAsync("长子县");
        Assert.Empty(page.Errors);
    }
}
