using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Domain;
using GridMap.Domain.People;
using GridMap.Store.Accounts;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>
/// Issue 15's "done when": a grid manager on a phone-sized page records a birth, moves a household to the neighbouring
/// grid and verifies another on the spot; the neighbouring grid's manager accepts the move; the freshness layer's
/// colour of the grid changes and the audit trail holds each change with its reason.
/// </summary>
public sealed class RegisterBrowserTests(PeopleStack stack) : IClassFixture<PeopleStack>
{
    private const int PhoneWidth = 390, PhoneHeight = 844;
    private const float Wait = 30_000;

    private static string GridA => DemoAccounts.GridManagerGrid;
    private static string GridB => DemoAccounts.NeighbourGrid;

    private async Task<PortalPage> SignInAsync(string username, Geolocation? position = null)
    {
        var page = await stack.OpenAsync("/register", PhoneWidth, PhoneHeight, position, waitForMap: false);
        await page.SubmitSignInAsync(username);
        await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/register", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("register-page")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Wait });
        return page;
    }

    /// <summary>A new page load (its map starts counting renders from zero again).</summary>
    private async Task GoAsync(PortalPage page, string path)
    {
        await page.Page.GotoAsync(stack.PortalUrl + path);
        await page.WaitForMapAsync();
    }

    private static async Task<JsonElement> PostAsync(HttpClient api, string path, object body)
    {
        using var response = await api.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {json}");
        return json;
    }

    private static object Person(int sequence, DateOnly born) =>
        new { idNumber = IdNumber.Create("140428", born, sequence).Value, name = "登记户主" + "甲乙丙丁戊己庚辛"[sequence % 8], sex = sequence % 2 == 1 ? "M" : "F", birthDate = born.ToString("yyyy-MM-dd") };

    /// <summary>The grid's freshness as the map's freshness layer drew it: (colour, permille).</summary>
    private static async Task<(string Colour, int Permille)> DrawnFreshnessAsync(PortalPage page, string grid, int above)
    {
        await page.Page.WaitForFunctionAsync("([grid, above]) => { const f = window.gridmap && window.gridmap.freshness && window.gridmap.freshness[grid]; return f && f.permille !== null && f.permille > above; }",
            new object[] { grid, above }, new() { Timeout = Wait });
        var drawn = await page.Page.EvaluateAsync<JsonElement>("grid => window.gridmap.freshness[grid]", grid);
        return (drawn.GetProperty("colour").GetString()!, drawn.GetProperty("permille").GetInt32());
    }

    [Fact]
    public async Task A_grid_manager_records_a_birth_moves_a_household_out_and_verifies_one_and_the_grid_turns_fresher()
    {
        // A new building of grid A with three households (X, Y, Z), and every household of grids A and B made stale,
        // as if nobody had verified them within the window: a hand-made starting point.
        var api = await stack.ApiClientAsync("gridmanager");
        var point = await stack.PointInGridAsync(GridA);
        var added = await PostAsync(api, "/api/register/buildings", new
        {
            grid = GridA, lon = point.Longitude, lat = point.Latitude, road = "登记巷", houseNumber = "1", floors = 1,
            houses = new[] { new { unit = 1, room = "东" }, new { unit = 1, room = "西" }, new { unit = 1, room = "北" }, new { unit = 1, room = "南" } },
            reason = "新建院落登记",
        });
        var building = added.GetProperty("buildingCode").GetString()!;
        var card = await api.GetFromJsonAsync<JsonElement>($"/api/buildings/{building}");
        var households = new List<long>();
        var sequence = 601;
        foreach (var house in card.GetProperty("houses").EnumerateArray().Take(3))
        {
            var started = await PostAsync(api, $"/api/register/houses/{house.GetProperty("id").GetInt64()}/households", new
            {
                type = "registered", head = Person(sequence += 2, new DateOnly(1902, 3, 1).AddDays(sequence)), rowVersion = house.GetProperty("rowVersion").GetInt32(),
                reason = "新立户",
            });
            households.Add(started.GetProperty("householdId").GetInt64());
        }
        var (x, y, z) = (households[0], households[1], households[2]);
        // Just under 30 % of grid A's households fresh (red on the layer), so that two more cross into orange.
        await stack.Population.ScalarAsync<int>("UPDATE household SET confirmed_at = NULL WHERE grid_code = ANY ($1) RETURNING 1", (object)new[] { GridA, GridB });
        var total = await stack.Population.ScalarAsync<long>("SELECT count(*) FROM household WHERE grid_code = $1 AND dissolved_on IS NULL", GridA);
        var freshBefore = (int)Math.Ceiling(0.3 * total) - 1;
        await stack.Population.ScalarAsync<long>("""
            WITH chosen AS (
                UPDATE household SET confirmed_at = now() WHERE id IN (
                    SELECT id FROM household WHERE grid_code = $1 AND dissolved_on IS NULL AND NOT (id = ANY ($2)) ORDER BY id LIMIT $3)
                RETURNING 1)
            SELECT count(*) FROM chosen
            """, GridA, households.ToArray(), freshBefore);
        await stack.Population.ScalarAsync<int>("SELECT refresh_grid_freshness($1)", (object)new[] { GridA, GridB });
        Assert.Equal(0, await stack.Population.ScalarAsync<int>("SELECT fresh FROM grid_freshness WHERE grid_code = $1", GridB));

        // The grid manager signs in on a phone, standing at the building.
        var page = await SignInAsync("gridmanager", point);
        await GoAsync(page, $"/map/{GridA}?fresh=1");
        await Assertions.Expect(page.Page.GetByTestId("freshness")).ToHaveAttributeAsync("data-fresh", freshBefore.ToString(), new() { Timeout = Wait });
        var (colourBefore, permilleBefore) = await DrawnFreshnessAsync(page, GridA, -1);
        Assert.Equal(1000 * freshBefore / total, permilleBefore);

        await GoAsync(page, $"/people/{building}");
        var sectionX = page.Page.Locator($"[data-testid=household][data-household='{x}']");
        await Assertions.Expect(sectionX).ToHaveAttributeAsync("data-fresh", "false", new() { Timeout = Wait });

        // A newborn in household X.
        var today = ChinaTime.DateOf(DateTimeOffset.UtcNow);
        await sectionX.GetByTestId("act-birth").ClickAsync();
        await sectionX.GetByTestId("f-name").FillAsync("登记新生儿");
        await sectionX.GetByTestId("f-id").FillAsync(IdNumber.Create("140428", today, 701).Value);
        await sectionX.GetByTestId("f-reason").FillAsync("新生儿随父落户");
        await sectionX.GetByTestId("f-submit").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("register-message")).ToHaveTextAsync("已保存。", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.Locator($"[data-testid=household][data-household='{x}']")).ToHaveAttributeAsync("data-fresh", "true", new() { Timeout = Wait });

        // Household Y moves to the neighbouring grid: it waits for that grid's manager.
        var sectionY = page.Page.Locator($"[data-testid=household][data-household='{y}']");
        await sectionY.GetByTestId("act-move").ClickAsync();
        await sectionY.GetByTestId("f-to-grid").FillAsync(GridB);
        await sectionY.GetByTestId("f-reason").FillAsync("全户搬往 005 网格");
        await sectionY.GetByTestId("f-submit").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("register-message")).ToHaveTextAsync("已提交，等待对方网格接收。", new() { Timeout = Wait });

        // Household Z is verified on the spot (the phone's position is at the building).
        var sectionZ = page.Page.Locator($"[data-testid=household][data-household='{z}']");
        await sectionZ.GetByTestId("act-verify").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("register-message")).ToHaveTextAsync("已保存。", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.Locator($"[data-testid=household][data-household='{z}']")).ToHaveAttributeAsync("data-fresh", "true", new() { Timeout = Wait });
        // A household starts in the fourth house, empty until now.
        var empty = page.Page.GetByTestId("empty-house");
        await Assertions.Expect(empty).ToHaveCountAsync(1, new() { Timeout = Wait });
        await empty.GetByTestId("act-start-household").ClickAsync();
        await empty.GetByTestId("f-name").FillAsync("登记新户主");
        await empty.GetByTestId("f-id").FillAsync(IdNumber.Create("140428", new DateOnly(1902, 8, 8), 703).Value);
        await empty.GetByTestId("f-reason").FillAsync("外地迁来新立户");
        await empty.GetByTestId("f-submit").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("register-message")).ToHaveTextAsync("已保存。", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("empty-house")).ToHaveCountAsync(0, new() { Timeout = Wait });
        await page.ScreenshotAsync("register-grid-manager-phone");

        // The grid's colour on the freshness layer changes.
        await GoAsync(page, $"/map/{GridA}?fresh=1");
        var (colourAfter, permilleAfter) = await DrawnFreshnessAsync(page, GridA, permilleBefore);
        Assert.NotEqual(colourBefore, colourAfter);
        Assert.Equal(1000 * (freshBefore + 3) / (total + 1), permilleAfter);
        await Assertions.Expect(page.Page.GetByTestId("freshness")).ToHaveAttributeAsync("data-fresh", (freshBefore + 3).ToString(), new() { Timeout = Wait });
        Assert.Empty(page.Errors);

        // The neighbouring grid's manager accepts the move into a house of the fixture's building B.
        var other = await SignInAsync("gridmanager2");
        var move = other.Page.Locator("[data-testid=move][data-awaiting=me]");
        await Assertions.Expect(move).ToHaveCountAsync(1, new() { Timeout = Wait });
        await move.GetByTestId("target-building").FillAsync(stack.Population.Buildings["B"]);
        await move.GetByTestId("load-houses").ClickAsync();
        await Assertions.Expect(move.GetByTestId("target-house")).ToBeVisibleAsync(new() { Timeout = Wait });
        await move.GetByTestId("decision-reason").FillAsync("已入户见面，同意迁入");
        await move.GetByTestId("accept").ClickAsync();
        await Assertions.Expect(other.Page.GetByTestId("register-page-message")).ToHaveTextAsync("已接收迁入。", new() { Timeout = Wait });
        Assert.Equal(GridB, await stack.Population.ScalarAsync<string>("SELECT grid_code FROM household WHERE id = $1", y));
        Assert.Equal(1, await stack.Population.ScalarAsync<int>("SELECT fresh FROM grid_freshness WHERE grid_code = $1", GridB));
        await GoAsync(other, $"/map/{GridB}?fresh=1");
        await DrawnFreshnessAsync(other, GridB, 0);
        Assert.Empty(other.Errors);

        // The audit trail shows each change with its reason.
        foreach (var (action, reason) in new[]
        {
            ("register_birth", "新生儿随父落户"), ("register_move_requested", "全户搬往 005 网格"), ("register_verify", "现场核实，无变化"),
            ("register_move_accepted", "已入户见面，同意迁入"), ("register_move", "已入户见面，同意迁入"), ("register_start_household", "外地迁来新立户"),
        })
            Assert.True(await stack.Population.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = $1 AND purpose = $2", action, reason) >= 1,
                $"{action} with reason {reason} is in the audit log");
    }
}
