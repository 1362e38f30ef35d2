using System.Net.Http.Json;
using GridMap.Domain;
using GridMap.Domain.People;
using GridMap.Store.Accounts;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>
/// The field app (/field, served by GeoApi) in Chromium with a fresh profile per case, phone-sized, going offline with
/// Playwright's offline mode: what is recorded offline is queued on the phone, encrypted, and reaches PostgreSQL once
/// the connection returns — each case ends by checking the database.
/// </summary>
public sealed class FieldAppBrowserTests(PeopleStack stack, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PeopleStack>
{
    private const int PhoneWidth = 390, PhoneHeight = 844;
    private const float Wait = 60_000;
    private const string Pin = "2468";

    private string FieldUrl => stack.GeoApi.BaseAddress + "field/";

    private async Task<(IBrowserContext Context, IPage Page)> NewPhoneAsync(double lon, double lat, bool located = true)
    {
        var context = await stack.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = PhoneWidth, Height = PhoneHeight },
            Geolocation = located ? new Geolocation { Longitude = (float)lon, Latitude = (float)lat, Accuracy = 5 } : null,
            Permissions = located ? ["geolocation"] : [],
            ServiceWorkers = ServiceWorkerPolicy.Allow,
        });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type is "error" or "warning") output.WriteLine($"console {message.Type}: {message.Text}"); };
        page.PageError += (_, error) => output.WriteLine($"page error: {error}");
        return (context, page);
    }

    private async Task<double[]> CentroidAsync(string place) =>
        await stack.Population.ScalarAsync<double[]>("SELECT ARRAY[ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom))] FROM building WHERE code = $1",
            stack.Population.Buildings[place]);

    /// <summary>Signs in with the password, sets the PIN and waits for the grid (and the app shell in the worker's cache).</summary>
    private async Task SignInAsync(IPage page, string username = "gridmanager", string? fieldUrl = null)
    {
        await page.GotoAsync(fieldUrl ?? FieldUrl);
        await page.GetByTestId("username").FillAsync(username, new() { Timeout = Wait });
        await page.GetByTestId("password").FillAsync(DemoAccounts.Password);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.GetByTestId("new-pin").FillAsync(Pin, new() { Timeout = Wait });
        await page.GetByTestId("new-pin-again").FillAsync(Pin);
        await page.GetByTestId("set-pin").ClickAsync();
        await Assertions.Expect(page.GetByTestId("buildings")).ToBeVisibleAsync(new() { Timeout = Wait });
        await page.WaitForFunctionAsync("""
            async () => !!navigator.serviceWorker.controller && !!(await (await caches.open("gridmap-field-shell")).match(document.baseURI))
            """, null, new() { Timeout = Wait });
    }

    private static async Task UnlockAsync(IPage page, string pin = Pin)
    {
        await page.GetByTestId("pin").FillAsync(pin, new() { Timeout = Wait });
        await page.GetByTestId("unlock").ClickAsync();
    }

    /// <summary>A phone at building A, signed in, gone offline, on building A's page: (context, page, a household, its id).</summary>
    private async Task<(IBrowserContext Context, IPage Page, ILocator Household, long Id)> OfflineAtBuildingAAsync(bool lastHousehold = false)
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        await page.Locator($"a[data-code='{stack.Population.Buildings["A"]}']").ClickAsync();
        var households = page.Locator("[data-household]");
        var household = lastHousehold ? households.Last : households.First;
        var id = long.Parse(await household.GetAttributeAsync("data-household") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        return (context, page, household, id);
    }

    /// <summary>Records a visit (走访) to a household with a note made unique; returns the note.</summary>
    private static async Task<string> RecordVisitAsync(IPage page, ILocator household, string text)
    {
        var note = text + " " + Guid.NewGuid().ToString("N")[..6];
        await household.GetByTestId("visit").ClickAsync();
        await page.GetByTestId("visit-note").FillAsync(note);
        await page.GetByTestId("save-visit").ClickAsync();
        return note;
    }

    /// <summary>Records a birth into a household, born the given days ago with an ID number of that sequence; returns the ID number.</summary>
    private static async Task<string> RecordBirthAsync(IPage page, ILocator household, string name, int daysAgo, int sequence)
    {
        var born = ChinaTime.DateOf(DateTimeOffset.UtcNow).AddDays(-daysAgo);
        var idNumber = IdNumber.Create("140428", born, sequence).Value;
        await household.GetByTestId("birth").ClickAsync();
        await page.GetByTestId("birth-name").FillAsync(name);
        await page.GetByTestId("birth-date").FillAsync(born.ToString("yyyy-MM-dd"));
        await page.GetByTestId("birth-id").FillAsync(idNumber);
        await page.GetByTestId("save-birth").ClickAsync();
        return idNumber;
    }

    private static Task ExpectWaitingAsync(IPage page, int count) =>
        Assertions.Expect(page.GetByTestId("waiting")).ToHaveTextAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = Wait });

    [Fact]
    public async Task Offline_a_grid_manager_takes_a_proxy_request_from_the_catalogue_and_it_reaches_PostgreSQL_once_online()
    {
        await GridMap.Testing.CatalogueFile.PublishAsync(stack.Population.DataSource, "140428");
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        await page.GetByTestId("go-proxy").ClickAsync();
        var option = page.Locator("[data-testid=proxy-service] option").Filter(new() { HasText = "城乡居民最低生活保障申请" }).First;
        await page.GetByTestId("proxy-service").SelectOptionAsync(new SelectOptionValue { Value = await option.GetAttributeAsync("value", new() { Timeout = Wait }) });
        foreach (var box in await page.Locator("[data-testid=proxy-documents] input[type=checkbox]").AllAsync())
            await box.CheckAsync();
        var resident = "离线代办" + Guid.NewGuid().ToString("N")[..4];
        await page.GetByTestId("proxy-resident").FillAsync(resident);
        await page.GetByTestId("proxy-save").ClickAsync();
        await ExpectWaitingAsync(page, 1);
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM proxy_request WHERE resident_name = $1", resident));

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("""
            SELECT count(*) FROM proxy_request r JOIN catalogue_service s USING (catalogue_id, service_key)
            WHERE r.resident_name = $1 AND s.name = '城乡居民最低生活保障申请' AND r.recorded_by = 'gridmanager' AND r.channel = 'grid'
              AND r.idempotency_key IS NOT NULL AND NOT r.documents @> '[{"received": false}]'
            """, resident));
    }

    [Fact]
    public async Task Offline_a_reload_asks_for_the_PIN_and_a_verification_visit_and_birth_reach_PostgreSQL_once_online()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);

        // The later start's PIN prompt and first map are plain JavaScript (js/start.js): note the map it drew.
        await page.AddInitScriptAsync("""
            window.quickMap = null;
            new MutationObserver(() => {
              const drawn = document.querySelector("#quick [data-testid=quick-map][data-rendered='1']");
              if (drawn && !window.quickMap)
                window.quickMap = { grid: document.querySelector("#quick .grid-name").textContent, canvas: !!drawn.querySelector("canvas") };
            }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-rendered"] });
            """);
        await context.SetOfflineAsync(true);
        await page.ReloadAsync();
        await UnlockAsync(page);
        await Assertions.Expect(page.GetByTestId("net")).ToHaveTextAsync("离线", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("[data-testid=field-map][data-rendered='1']")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#quick")).ToHaveCountAsync(0);
        var quick = await page.EvaluateAsync<System.Text.Json.JsonElement>("() => window.quickMap");
        Assert.Equal(await page.Locator("header .grid-name").TextContentAsync(), quick.GetProperty("grid").GetString());
        Assert.True(quick.GetProperty("canvas").GetBoolean());
        // Truly offline, the service worker's own requests included: a file it never cached cannot be had.
        Assert.Equal("failed", await page.EvaluateAsync<string>("() => fetch('never-cached.txt').then(r => 'answered ' + r.status, () => 'failed')"));
        await page.Locator($"a[data-code='{stack.Population.Buildings["A"]}']").ClickAsync();
        var household = page.Locator("[data-household]").First;
        var householdId = long.Parse(await household.GetAttributeAsync("data-household") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var versionBefore = await stack.Population.ScalarAsync<int>("SELECT row_version FROM household WHERE id = $1", householdId);
        var changesBefore = await stack.Population.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM register_change");

        await household.GetByTestId("verify").ClickAsync();
        await ExpectWaitingAsync(page, 1);
        var note = await RecordVisitAsync(page, household, "离线走访：家中老人身体状况良好");
        await ExpectWaitingAsync(page, 2);
        var idNumber = await RecordBirthAsync(page, household, "离线新生", 3, 771);
        await ExpectWaitingAsync(page, 3);

        // Nothing has reached the server, and nothing of it is readable on the device without the key.
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM person WHERE id_number = $1", idNumber));
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM field_visit WHERE note = $1", note));
        var stored = await page.EvaluateAsync<string>("async () => (await import('./js/field.js')).rawDump()");
        Assert.DoesNotContain("离线新生", stored);
        Assert.DoesNotContain(idNumber, stored);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM person WHERE id_number = $1 AND name = '离线新生'", idNumber));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM field_visit WHERE household_id = $1 AND note = $2 AND actor = 'gridmanager'", householdId, note));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM register_change WHERE kind = 'verify' AND subject = $1 AND actor = 'gridmanager' AND id > $2", $"household:{householdId}",
            changesBefore));
        // The birth went in on top of the verification: the app sent the version the verification answered, no conflict.
        Assert.True(await stack.Population.ScalarAsync<int>("SELECT row_version FROM household WHERE id = $1", householdId) >= versionBefore + 2);
    }

    [Fact]
    public async Task The_inbox_arrives_with_a_sync_reads_offline_from_the_vault_and_an_item_read_offline_is_read_on_the_server_once_online()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        var text = $"网格 140428203211005 申请将 1 人迁入你的网格，请确认接收（收件箱测试 {Guid.NewGuid():N}）";
        var item = await stack.Population.ScalarAsync<long>(
            "INSERT INTO inbox_item (username, kind, text, created_at) VALUES ('gridmanager', 'move', $1, now()) RETURNING id", text);

        // A sync (here: the connection coming back) fetches it; the header counts it.
        await context.SetOfflineAsync(true);
        await Assertions.Expect(page.GetByTestId("net")).ToHaveTextAsync("离线", new() { Timeout = Wait });
        await context.SetOfflineAsync(false);
        await Assertions.Expect(page.GetByTestId("inbox-badge")).ToBeVisibleAsync(new() { Timeout = Wait });
        await page.GetByTestId("inbox-link").ClickAsync();
        var row = page.GetByTestId("inbox-item").Filter(new() { HasText = text });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-read", "false", new() { Timeout = Wait });
        await Assertions.Expect(row.GetByTestId("inbox-open-moves")).ToBeVisibleAsync();
        // Kept in the vault: encrypted on the device, like the grid.
        Assert.DoesNotContain("收件箱测试", await page.EvaluateAsync<string>("async () => (await import('./js/field.js')).rawDump()"));

        // Offline after a reload: the PIN opens the stored inbox; reading the item is queued and reaches the server once online.
        await context.SetOfflineAsync(true);
        await page.ReloadAsync();
        await UnlockAsync(page);
        await page.GetByTestId("inbox-link").ClickAsync(new() { Timeout = Wait });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Wait });
        await row.GetByTestId("inbox-read").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-read", "true", new() { Timeout = Wait });
        await ExpectWaitingAsync(page, 1);
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM inbox_item WHERE id = $1 AND read_at IS NOT NULL", item));
        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM inbox_item WHERE id = $1 AND read_at IS NOT NULL", item));
    }

    [Fact]
    public async Task Five_wrong_PINs_wipe_the_device_and_the_next_sign_in_starts_empty()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await page.ReloadAsync();
        for (var i = 1; i <= 4; i++)
        {
            await UnlockAsync(page, "0000");
            await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync($"第 {i} 次", new() { Timeout = Wait });
        }
        await UnlockAsync(page, "0000");
        await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("已清除", new() { Timeout = Wait });
        var state = await page.EvaluateAsync<System.Text.Json.JsonElement>("async () => (await import('./js/field.js')).deviceState()");
        Assert.False(state.GetProperty("hasKey").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, state.GetProperty("account").ValueKind);
        Assert.Equal("", await page.EvaluateAsync<string>("async () => (await import('./js/field.js')).rawDump()"));
        await Assertions.Expect(page.GetByTestId("username")).ToBeVisibleAsync();
    }

    /// <summary>A 1×1 PNG: the app reads it, shrinks it and sends it as JPEG.</summary>
    private static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task A_patrol_of_fifty_points_walked_offline_with_a_check_in_arrives_with_its_coverage()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0] - 0.0007, at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        await page.GetByTestId("go-patrol").ClickAsync();
        await page.GetByTestId("patrol-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("patrol-points")).ToHaveTextAsync("1", new() { Timeout = Wait });
        // East along the building's latitude, 25 m a step (more than the 20 m that makes a new point).
        for (var i = 1; i < 50; i++)
        {
            await context.SetGeolocationAsync(new Geolocation { Longitude = (float)(at[0] - 0.0007 + i * 0.00028), Latitude = (float)at[1], Accuracy = 5 });
            await Assertions.Expect(page.GetByTestId("patrol-points")).ToHaveTextAsync((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                new() { Timeout = Wait });
            if (i == 2)
            {
                await page.GetByTestId("patrol-checkin").ClickAsync();
                await Assertions.Expect(page.GetByTestId("patrol-message")).ToContainTextAsync("已打卡", new() { Timeout = Wait });
            }
        }
        await page.GetByTestId("patrol-stop").ClickAsync();
        await ExpectWaitingAsync(page, 1);
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM patrol WHERE actor = 'gridmanager' AND points = 50"));

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        var patrol = await stack.Population.ScalarAsync<long>("SELECT id FROM patrol WHERE actor = 'gridmanager' AND points = 50 ORDER BY id DESC LIMIT 1");
        Assert.True(await stack.Population.ScalarAsync<int>("SELECT buildings_passed FROM patrol WHERE id = $1", patrol) >= 1);
        Assert.True(await stack.Population.ScalarAsync<double>("SELECT length_m FROM patrol WHERE id = $1", patrol) > 1000);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM patrol_checkin WHERE patrol_id = $1", patrol));
    }

    [Fact]
    public async Task A_report_with_two_photos_made_offline_arrives_once_with_both_photos()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        await page.GetByTestId("go-report").ClickAsync();
        var category = await page.Locator("[data-testid=report-category] option:not([value=''])").First.GetAttributeAsync("value");
        await page.GetByTestId("report-category").SelectOptionAsync(category!);
        var description = "离线上报：路灯损坏 " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("report-description").FillAsync(description);
        await page.GetByTestId("report-building").SelectOptionAsync(stack.Population.Buildings["A"]);
        await page.GetByTestId("report-photos").SetInputFilesAsync([
            new FilePayload { Name = "a.png", MimeType = "image/png", Buffer = TinyPng },
            new FilePayload { Name = "b.png", MimeType = "image/png", Buffer = TinyPng },
        ]);
        await page.GetByTestId("save-report").ClickAsync();
        await ExpectWaitingAsync(page, 1);
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM event WHERE description = $1", description));

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        var id = await stack.Population.ScalarAsync<long>("SELECT id FROM event WHERE description = $1 AND channel = 'grid'", description);
        Assert.Equal(stack.Population.Buildings["A"], await stack.Population.ScalarAsync<string>("SELECT building_code FROM event WHERE id = $1", id));
        Assert.Equal(2L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM event_photo WHERE event_id = $1 AND content_type = 'image/jpeg' AND idempotency_key IS NOT NULL", id));
    }

    [Fact]
    public async Task A_household_changed_on_the_desk_meanwhile_shows_both_versions_and_the_managers_change_applies_on_top()
    {
        var (context, page, household, id) = await OfflineAtBuildingAAsync(lastHousehold: true);
        await using var _ = context;
        const string Verifications = "SELECT count(*) FROM register_change WHERE kind = 'verify' AND subject = $1";
        var before = await stack.Population.ScalarAsync<long>(Verifications, $"household:{id}");
        await household.GetByTestId("verify").ClickAsync();
        await ExpectWaitingAsync(page, 1);

        // Meanwhile the village's desk verifies the same household by phone.
        var village = await stack.ApiClientAsync("village");
        var version = await stack.Population.ScalarAsync<int>("SELECT row_version FROM household WHERE id = $1", id);
        using (var desk = await village.PostAsync($"/api/register/households/{id}/verifications",
            System.Net.Http.Json.JsonContent.Create(new { rowVersion = version, reason = "村服务站电话核实" })))
            Assert.True(desk.IsSuccessStatusCode, await desk.Content.ReadAsStringAsync());

        await context.SetOfflineAsync(false);
        await Assertions.Expect(page.GetByTestId("held")).ToContainTextAsync("1", new() { Timeout = Wait });
        await page.GetByTestId("queue-link").ClickAsync();
        var conflict = page.GetByTestId("conflict");
        await Assertions.Expect(conflict).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(conflict.GetByTestId("current")).ToContainTextAsync($"\"currentVersion\":{version + 1}");
        Assert.Equal(before + 1, await stack.Population.ScalarAsync<long>(Verifications, $"household:{id}"));

        await conflict.GetByTestId("apply-mine").ClickAsync();
        await Assertions.Expect(page.GetByTestId("queue-empty")).ToBeVisibleAsync(new() { Timeout = Wait });
        Assert.Equal(before + 2, await stack.Population.ScalarAsync<long>(Verifications, $"household:{id}"));
    }

    [Fact]
    public async Task A_sign_in_that_expired_offline_is_renewed_and_the_queue_goes_on()
    {
        var (context, page, household, id) = await OfflineAtBuildingAAsync();
        await using var _ = context;
        var note = await RecordVisitAsync(page, household, "过期后的走访");
        await ExpectWaitingAsync(page, 1);

        // The token ends while the phone is offline (revoked on the server, as an expiry would).
        var token = await page.EvaluateAsync<string>("async () => JSON.parse(await (await import('./js/field.js')).getSecret('token'))");
        using (var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout"))
        {
            logout.Headers.Authorization = new("Bearer", token);
            using var revoked = await stack.GeoApi.SendAsync(logout);
            Assert.True(revoked.IsSuccessStatusCode);
        }
        await context.SetOfflineAsync(false);
        await page.GetByTestId("password").FillAsync(DemoAccounts.Password, new() { Timeout = Wait });
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM field_visit WHERE note = $1", note));
        await page.GetByTestId("sign-in").ClickAsync();
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM field_visit WHERE note = $1 AND household_id = $2", note, id));
    }

    [Fact]
    public async Task Signing_out_wipes_the_device_and_the_next_manager_sees_only_their_own_grid()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await page.GetByTestId("sign-out").ClickAsync();
        await Assertions.Expect(page.GetByTestId("username")).ToBeVisibleAsync(new() { Timeout = Wait });
        Assert.Equal("", await page.EvaluateAsync<string>("async () => (await import('./js/field.js')).rawDump()"));
        Assert.Equal(0, await page.EvaluateAsync<int>("async () => (await caches.keys()).filter(k => k.startsWith('gridmap-field-tiles')).length"));

        await page.GetByTestId("username").FillAsync("gridmanager2");
        await page.GetByTestId("password").FillAsync(DemoAccounts.Password);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.GetByTestId("new-pin").FillAsync("1357", new() { Timeout = Wait });
        await page.GetByTestId("new-pin-again").FillAsync("1357");
        await page.GetByTestId("set-pin").ClickAsync();
        await Assertions.Expect(page.GetByTestId("buildings")).ToBeVisibleAsync(new() { Timeout = Wait });
        Assert.Equal(0, await page.Locator($"a[data-code^='{DemoAccounts.GridManagerGrid}']").CountAsync());
        Assert.True(await page.Locator($"a[data-code^='{DemoAccounts.NeighbourGrid}']").CountAsync() > 0);
        var bundle = await page.EvaluateAsync<string>("async () => await (await import('./js/field.js')).getSecret('bundle')");
        Assert.DoesNotContain(DemoAccounts.GridManagerGrid + "0", bundle);
    }

    [Fact]
    public async Task The_own_grids_tiles_are_kept_for_airplane_mode_and_hold_only_its_own_buildings()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        var tiles = page.GetByTestId("tiles");
        await Assertions.Expect(tiles).ToHaveAttributeAsync("data-stored", new System.Text.RegularExpressions.Regex("^[1-9]"), new() { Timeout = Wait });
        Assert.Equal(await tiles.GetAttributeAsync("data-of"), await tiles.GetAttributeAsync("data-stored"));
        var cached = await page.EvaluateAsync<string[]>("async () => (await (await caches.open('gridmap-field-tiles')).keys()).map(r => r.url)");
        Assert.All(cached, url => Assert.StartsWith(stack.TilesUrl + "/tiles/", url));
        var zooms = cached.Select(url => url[(stack.TilesUrl.Length + 7)..].Split('/')).Select(p => $"{p[0]}/{p[1]}").Distinct().Order().ToList();
        Assert.Equal(["buildings/15", "buildings/16", "buildings/17", "buildings/18", "grids/15", "grids/16"], zooms);

        // Offline after a reload: the map draws, and the worker answers the kept tiles with their bytes.
        await context.SetOfflineAsync(true);
        await page.ReloadAsync();
        await UnlockAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=field-map][data-rendered='1']")).ToBeVisibleAsync(new() { Timeout = Wait });
        var buildingTiles = cached.Where(url => url.Contains("/tiles/buildings/18/", StringComparison.Ordinal)).ToArray();
        var bytes = await page.EvaluateAsync<string[]>("""
            async urls => Promise.all(urls.map(async url => {
              const data = new Uint8Array(await (await fetch(url)).arrayBuffer());
              let binary = "";
              data.forEach(b => binary += String.fromCharCode(b));
              return btoa(binary);
            }))
            """, buildingTiles);
        var seen = bytes.SelectMany(b => GridMap.Tiling.Rendering.MvtReader.Read(Convert.FromBase64String(b)))
            .Where(l => l.Name == "buildings").SelectMany(l => l.Features).Select(f => (string)f.Attributes["code"]).ToHashSet();

        // PostgreSQL: the z18 tiles together hold every building of the manager's grid and nothing of another grid.
        var own = await stack.Population.ScalarAsync<string[]>("SELECT array_agg(code ORDER BY code) FROM building WHERE grid_code = $1",
            DemoAccounts.GridManagerGrid);
        Assert.Equal(own.Order(), seen.Order());
    }

    /// <summary>
    /// The issue's "done when": on a phone-sized Chromium the manager signs in, goes offline, walks a patrol, reports a
    /// hazard with a photo, records a visit and a birth, comes back online — and the township's command centre shows
    /// the track and the event, and its register card shows the newborn.
    /// </summary>
    [Fact]
    public async Task Offline_patrol_hazard_visit_and_birth_show_on_the_command_centre_once_the_phone_is_back_online()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0] - 0.0004, at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);

        await page.GetByTestId("go-patrol").ClickAsync();
        await page.GetByTestId("patrol-start").ClickAsync();
        for (var i = 1; i < 6; i++)
        {
            await context.SetGeolocationAsync(new Geolocation { Longitude = (float)(at[0] - 0.0004 + i * 0.00028), Latitude = (float)at[1], Accuracy = 5 });
            await Assertions.Expect(page.GetByTestId("patrol-points")).ToHaveTextAsync((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                new() { Timeout = Wait });
        }
        await page.GetByTestId("patrol-stop").ClickAsync();
        await ExpectWaitingAsync(page, 1);

        await page.GotoAsync(FieldUrl + "report");
        await UnlockAsync(page);
        var category = await page.Locator("[data-testid=report-category] option:not([value=''])").First
            .GetAttributeAsync("value", new() { Timeout = Wait });
        await page.GetByTestId("report-category").SelectOptionAsync(category!);
        var description = "巡查发现：井盖缺失 " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("report-description").FillAsync(description);
        await page.GetByTestId("report-building").SelectOptionAsync(stack.Population.Buildings["A"]);
        await page.GetByTestId("report-photos").SetInputFilesAsync([new FilePayload { Name = "hazard.png", MimeType = "image/png", Buffer = TinyPng }]);
        await page.GetByTestId("save-report").ClickAsync();
        await ExpectWaitingAsync(page, 2);

        await page.GotoAsync(FieldUrl + "building/" + stack.Population.Buildings["A"]);
        await UnlockAsync(page);
        var household = page.Locator("[data-household]").First;
        var householdId = long.Parse(await household.GetAttributeAsync("data-household", new() { Timeout = Wait }) ?? "0",
            System.Globalization.CultureInfo.InvariantCulture);
        var note = await RecordVisitAsync(page, household, "巡查顺访");
        await ExpectWaitingAsync(page, 3);
        var idNumber = await RecordBirthAsync(page, household, "巡查新生", 1, 553);
        await ExpectWaitingAsync(page, 4);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        var patrol = await stack.Population.ScalarAsync<long>("SELECT id FROM patrol WHERE actor = 'gridmanager' AND points = 6 ORDER BY id DESC LIMIT 1");
        var tracking = await stack.Population.ScalarAsync<string>("SELECT tracking_no FROM event WHERE description = $1", description);
        var newborn = await stack.Population.ScalarAsync<long>("""
            SELECT p.id FROM person p JOIN household_member m ON m.person_id = p.id AND m.moved_out IS NULL
            WHERE p.id_number = $1 AND m.household_id = $2
            """, idNumber, householdId);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM field_visit WHERE note = $1", note));

        // The command centre of the township: today's track on the map, the patrol in the panel, the hazard in the list.
        var centre = await stack.OpenAsync("/command", waitForMap: false);
        await centre.SubmitSignInAsync("township");
        await centre.Page.WaitForFunctionAsync("id => (window.gridmap?.tracks ?? []).includes(id)", patrol, new() { Timeout = Wait });
        await Assertions.Expect(centre.Page.GetByTestId("patrol-summary")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(centre.Page.Locator($"[data-testid=change][data-tracking='{tracking}']")).ToBeVisibleAsync(new() { Timeout = Wait });
        // …and the register: the building's card lists the newborn.
        await centre.Page.GotoAsync(stack.PortalUrl + "/people/" + stack.Population.Buildings["A"]);
        await Assertions.Expect(centre.Page.Locator($"[data-testid=resident][data-person='{newborn}']")).ToBeVisibleAsync(new() { Timeout = Wait });
        await centre.Page.Context.CloseAsync();
    }

    /// <summary>
    /// GeoApi killed with SIGKILL in the middle of a phone's sync and started again: the phone retries on its own,
    /// under the same idempotency keys — every queued visit is stored once, none is lost, none doubled.
    /// </summary>
    [Fact]
    public async Task GeoApi_killed_mid_sync_loses_nothing_and_doubles_nothing()
    {
        const int Queued = 60;
        await using var geoApi = new GeoApiProcess(stack.Population.ConnectionString);
        await geoApi.StartAsync();
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page, fieldUrl: geoApi.Url + "field/");
        var prefix = "断电演练 " + Guid.NewGuid().ToString("N")[..6];
        await context.SetOfflineAsync(true);
        await page.EvaluateAsync("""
            async ([prefix, n]) => {
              const field = await import('./js/field.js');
              const households = JSON.parse(await field.getSecret('bundle')).buildings
                .flatMap(b => b.houses.flatMap(h => h.households.map(hh => hh.id)));
              for (let i = 0; i < n; i++) {
                const body = { householdId: households[i % households.length], visitedAt: new Date().toISOString(), note: `${prefix} ${i + 1}` };
                await field.outboxAdd(JSON.stringify({ key: crypto.randomUUID().replaceAll('-', ''), kind: 'visit', title: `走访 ${i + 1}`,
                  method: 'POST', path: 'api/field/visits', body: JSON.stringify(body), subject: null, rowVersion: null,
                  recordedAt: new Date().toISOString(), state: 'Waiting', attempts: 0 }));
              }
            }
            """, new object[] { prefix, Queued });
        await page.ReloadAsync();
        await UnlockAsync(page);
        await ExpectWaitingAsync(page, Queued);

        await context.SetOfflineAsync(false);
        await page.WaitForFunctionAsync("""
            () => { const m = /(\d+) \//.exec(document.querySelector("[data-testid=sync-progress]")?.textContent ?? ""); return m && +m[1] >= 8; }
            """, null, new() { Timeout = Wait, PollingInterval = 20 });
        await geoApi.KillAsync();
        const string Stored = "SELECT count(*) FROM field_visit WHERE note LIKE $1 || ' %'";
        var beforeRestart = await stack.Population.ScalarAsync<long>(Stored, prefix);
        Assert.InRange(beforeRestart, 8, Queued - 1);

        await geoApi.StartAsync();
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(Queued, await stack.Population.ScalarAsync<long>(Stored, prefix));
        Assert.Equal(Queued, await stack.Population.ScalarAsync<long>(
            "SELECT count(DISTINCT note) FROM field_visit WHERE note LIKE $1 || ' %' AND actor = 'gridmanager'", prefix));
    }

    /// <summary>
    /// A new member refused by the server — the ID number is registered to a person of another grid — is kept with
    /// the server's reason and the field it names; corrected on the phone it goes in under the same key. A second
    /// refused one is discarded: nothing of it reaches PostgreSQL.
    /// </summary>
    [Fact]
    public async Task A_refused_register_change_is_kept_with_the_servers_reason_corrected_on_the_phone_or_discarded()
    {
        var (context, page, _, householdId) = await OfflineAtBuildingAAsync();
        await using var _ = context;
        var elsewhere = await stack.Population.ScalarAsync<string[]>("""
            SELECT ARRAY[p.id_number, p.sex::text, p.birth_date::text] FROM person p
            JOIN household_member m ON m.person_id = p.id AND m.moved_out IS NULL JOIN household h ON h.id = m.household_id
            WHERE h.grid_code = $1 ORDER BY p.id LIMIT 1
            """, DemoAccounts.NeighbourGrid);
        var (taken, sex, born) = (elsewhere[0], elsewhere[1], DateOnly.Parse(elsewhere[2], System.Globalization.CultureInfo.InvariantCulture));
        var sequence = int.Parse(taken[14..17], System.Globalization.CultureInfo.InvariantCulture);
        // The same person's data with another sequence of the same parity (the sex): an ID nobody holds.
        var corrected = taken;
        for (var i = 1; await stack.Population.ScalarAsync<long>("SELECT count(*) FROM person WHERE id_number = $1", corrected) > 0; i++)
            corrected = IdNumber.Create(taken[..6], born, (sequence + 2 * i) % 1000).Value;
        var version = await stack.Population.ScalarAsync<int>("SELECT row_version FROM household WHERE id = $1", householdId);
        foreach (var name in new[] { "改正成员", "放弃成员" })
            await page.EvaluateAsync("""
                async ([household, version, idNumber, sex, born, name]) => {
                  const field = await import('./js/field.js');
                  const body = { person: { idNumber, name, sex, birthDate: born, politicalStatus: 'masses', registerType: 'registered' },
                    relation: 'child', rowVersion: version, reason: '网格员登记常住人员' };
                  await field.outboxAdd(JSON.stringify({ key: crypto.randomUUID().replaceAll('-', ''), kind: 'add_person', title: `登记成员 ${name}`,
                    method: 'POST', path: `api/register/households/${household}/members`, body: JSON.stringify(body), subject: `household:${household}`,
                    rowVersion: version, recordedAt: new Date().toISOString(), state: 'Waiting', attempts: 0 }));
                }
                """, new object[] { householdId, version, taken, sex, born.ToString("yyyy-MM-dd"), name });
        await page.ReloadAsync();
        await UnlockAsync(page);
        await ExpectWaitingAsync(page, 2);

        // Back online: the first is refused and held; the second, on the same household, waits behind it.
        await context.SetOfflineAsync(false);
        await Assertions.Expect(page.GetByTestId("held")).ToContainTextAsync("1", new() { Timeout = Wait });
        await page.GetByTestId("queue-link").ClickAsync();
        var kept = page.Locator("[data-state=Refused]");
        await Assertions.Expect(kept).ToHaveCountAsync(1, new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("[data-state=Waiting]")).ToHaveCountAsync(1);
        await Assertions.Expect(kept.GetByTestId("reason")).ToContainTextAsync("registered to a person living in another household");
        await Assertions.Expect(kept.GetByTestId("correct-value")).ToHaveValueAsync(taken);
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM person WHERE name IN ('改正成员', '放弃成员')"));

        // Corrected, the first goes in; then the second is sent, refused in turn, and discarded.
        await kept.GetByTestId("correct-value").FillAsync(corrected);
        await kept.GetByTestId("correct").ClickAsync();
        await Assertions.Expect(kept).ToContainTextAsync("放弃成员", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("[data-state=Waiting]")).ToHaveCountAsync(0);
        await kept.GetByTestId("discard").ClickAsync();
        await Assertions.Expect(page.GetByTestId("queue-empty")).ToBeVisibleAsync(new() { Timeout = Wait });

        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("""
            SELECT count(*) FROM person p JOIN household_member m ON m.person_id = p.id AND m.moved_out IS NULL
            WHERE p.id_number = $1 AND p.name = '改正成员' AND m.household_id = $2
            """, corrected, householdId));
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM person WHERE name = '放弃成员'"));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM person WHERE id_number = $1", taken));
    }

    /// <summary>Offline, a birth into a household and then the whole household's move to a vacant house of the grid: in order, once online.</summary>
    [Fact]
    public async Task A_birth_and_then_the_households_move_made_offline_reach_PostgreSQL_in_order()
    {
        // A generated household of the manager's grid (the fixture's own households stay where other cases expect them).
        var picked = await stack.Population.ScalarAsync<string[]>("""
            SELECT ARRAY[b.code, hh.id::text] FROM household hh JOIN house h ON h.id = hh.house_id JOIN building b ON b.id = h.building_id
            WHERE b.grid_code = $1 AND b.code <> $2 ORDER BY hh.id LIMIT 1
            """, DemoAccounts.GridManagerGrid, stack.Population.Buildings["A"]);
        var (building, householdId) = (picked[0], long.Parse(picked[1], System.Globalization.CultureInfo.InvariantCulture));
        var room = "东厢" + Guid.NewGuid().ToString("N")[..4];
        var target = await stack.Population.ScalarAsync<long>(
            "INSERT INTO house (building_id, unit_no, room, vacant) SELECT id, 2, $2, true FROM building WHERE code = $1 RETURNING id", building, room);
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        await page.Locator($"a[data-code='{building}']").First.ClickAsync();
        var household = page.Locator($"[data-household='{householdId}']");
        var idNumber = await RecordBirthAsync(page, household, "迁前新生", 10, 331);
        await ExpectWaitingAsync(page, 1);
        await household.GetByTestId("move").ClickAsync();
        await page.GetByTestId("move-house").SelectOptionAsync(target.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("move-reason").FillAsync("购房后整户迁入新居");
        await page.GetByTestId("save-move").ClickAsync();
        await ExpectWaitingAsync(page, 2);
        Assert.NotEqual(target, await stack.Population.ScalarAsync<long>("SELECT house_id FROM household WHERE id = $1", householdId));

        var changesBefore = await stack.Population.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM register_change");
        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(target, await stack.Population.ScalarAsync<long>("SELECT house_id FROM household WHERE id = $1", householdId));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("""
            SELECT count(*) FROM person p JOIN household_member m ON m.person_id = p.id AND m.moved_out IS NULL
            WHERE p.id_number = $1 AND m.household_id = $2
            """, idNumber, householdId));
        // The birth went first, the move on top of the version it answered.
        var kinds = await stack.Population.ScalarAsync<string[]>(
            "SELECT array_agg(kind ORDER BY id) FROM register_change WHERE actor = 'gridmanager' AND id > $1 AND kind IN ('birth', 'move')", changesBefore);
        Assert.Equal(["birth", "move"], kinds.Distinct());
    }

    /// <summary>A patrol under way when the app is reloaded offline goes on after the PIN: the points before and after are one track.</summary>
    [Fact]
    public async Task A_patrol_goes_on_after_the_app_is_reloaded_offline()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        await page.GetByTestId("go-patrol").ClickAsync();
        await page.GetByTestId("patrol-start").ClickAsync();
        async Task WalkAsync(int from, int to)
        {
            for (var i = from; i <= to; i++)
            {
                await context.SetGeolocationAsync(new Geolocation { Longitude = (float)(at[0] + i * 0.0003), Latitude = (float)at[1], Accuracy = 5 });
                await Assertions.Expect(page.GetByTestId("patrol-points")).ToHaveTextAsync((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    new() { Timeout = Wait });
            }
        }
        await WalkAsync(1, 3);
        // The app opens again where it was, on the patrol, with its points so far.
        await page.ReloadAsync();
        await UnlockAsync(page);
        await Assertions.Expect(page.GetByTestId("patrol-points")).ToHaveTextAsync("4", new() { Timeout = Wait });
        await WalkAsync(4, 6);
        await page.GetByTestId("patrol-stop").ClickAsync();
        await ExpectWaitingAsync(page, 1);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM patrol WHERE actor = 'gridmanager' AND points = 7 AND ended_at > now() - interval '5 minutes'"));
    }

    /// <summary>Seven days without a successful sync: the grid's data is not shown, the queue is kept, and one sync opens it again.</summary>
    [Fact]
    public async Task After_seven_days_without_a_sync_the_grid_is_withheld_until_a_sync_and_the_queue_survives()
    {
        var (context, page, household, householdId) = await OfflineAtBuildingAAsync();
        await using var _ = context;
        var note = await RecordVisitAsync(page, household, "七天未同步的走访");
        await ExpectWaitingAsync(page, 1);
        await page.EvaluateAsync("""
            async () => (await import('./js/field.js')).setMeta('lastSync', JSON.stringify(new Date(Date.now() - 8 * 86400000).toISOString()))
            """);
        await page.ReloadAsync();
        await UnlockAsync(page);
        await Assertions.Expect(page.GetByTestId("expired")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(page.GetByTestId("field-map")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("quick-map")).ToHaveCountAsync(0);
        await ExpectWaitingAsync(page, 1);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        await Assertions.Expect(page.GetByTestId("expired")).ToHaveCountAsync(0, new() { Timeout = Wait });
        await Assertions.Expect(page.Locator($"[data-household='{householdId}']")).ToBeVisibleAsync();
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM field_visit WHERE household_id = $1 AND note = $2", householdId, note));
    }

    /// <summary>A 12-megapixel photo taken for a visit is shrunk on the phone (1,600 px on the long side, JPEG) before it is queued.</summary>
    [Fact]
    public async Task A_large_visit_photo_is_shrunk_on_the_phone_and_stored_once()
    {
        var (context, page, household, householdId) = await OfflineAtBuildingAAsync();
        await using var _ = context;
        using var bitmap = new SkiaSharp.SKBitmap(4000, 3000);
        using (var canvas = new SkiaSharp.SKCanvas(bitmap))
        {
            canvas.Clear(new SkiaSharp.SKColor(90, 140, 60));
            using var paint = new SkiaSharp.SKPaint { Color = SkiaSharp.SKColors.White };
            canvas.DrawRect(1000, 800, 1500, 1000, paint);
        }
        using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        await household.GetByTestId("visit").ClickAsync();
        var note = "带大照片的走访 " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("visit-note").FillAsync(note);
        await page.GetByTestId("visit-photo").SetInputFilesAsync([new FilePayload { Name = "big.png", MimeType = "image/png", Buffer = png.ToArray() }]);
        await page.GetByTestId("save-visit").ClickAsync();
        await ExpectWaitingAsync(page, 1);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        var stored = await stack.Population.ScalarAsync<byte[]>(
            "SELECT photo FROM field_visit WHERE household_id = $1 AND note = $2 AND photo_type = 'image/jpeg'", householdId, note);
        using var decoded = SkiaSharp.SKBitmap.Decode(stored);
        Assert.Equal((1600, 1200), (decoded.Width, decoded.Height));
    }

    /// <summary>Two tabs of the app on one phone, each recording offline: every action is stored once, whichever tab sends it.</summary>
    [Fact]
    public async Task Two_tabs_recording_offline_store_each_action_once()
    {
        var (context, page, _, householdId) = await OfflineAtBuildingAAsync();
        await using var _ = context;
        var second = await context.NewPageAsync();
        await second.GotoAsync(page.Url);
        await UnlockAsync(second);
        var notes = new[] { "第一个标签页的走访 ", "第二个标签页的走访 " }.Select(n => n + Guid.NewGuid().ToString("N")[..6]).ToArray();
        foreach (var (tab, note) in new[] { (page, notes[0]), (second, notes[1]) })
        {
            await tab.Locator($"[data-household='{householdId}']").GetByTestId("visit").ClickAsync(new() { Timeout = Wait });
            await tab.GetByTestId("visit-note").FillAsync(note);
            await tab.GetByTestId("save-visit").ClickAsync();
            await Assertions.Expect(tab.GetByTestId("saved")).ToBeVisibleAsync(new() { Timeout = Wait });
        }

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        await ExpectWaitingAsync(second, 0);
        foreach (var note in notes)
            Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM field_visit WHERE household_id = $1 AND note = $2", householdId, note));
    }

    /// <summary>A hazard reported during a patrol, offline: the patrol goes on after it, and both reach PostgreSQL once.</summary>
    [Fact]
    public async Task A_hazard_reported_during_a_patrol_offline_is_marked_as_found_on_patrol_and_the_patrol_goes_on()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        await page.GetByTestId("go-patrol").ClickAsync();
        await page.GetByTestId("patrol-start").ClickAsync();
        await context.SetGeolocationAsync(new Geolocation { Longitude = (float)(at[0] + 0.0004), Latitude = (float)at[1], Accuracy = 5 });
        await Assertions.Expect(page.GetByTestId("patrol-points")).ToHaveTextAsync("2", new() { Timeout = Wait });
        await page.GetByTestId("patrol-hazard").ClickAsync();
        var category = await page.Locator("[data-testid=report-category] option:not([value=''])").First
            .GetAttributeAsync("value", new() { Timeout = Wait });
        await page.GetByTestId("report-category").SelectOptionAsync(category!);
        var description = "电线裸露 " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("report-description").FillAsync(description);
        await page.GetByTestId("save-report").ClickAsync();
        await Assertions.Expect(page.GetByTestId("patrol-points")).ToHaveTextAsync("2", new() { Timeout = Wait });
        await context.SetGeolocationAsync(new Geolocation { Longitude = (float)(at[0] + 0.0008), Latitude = (float)at[1], Accuracy = 5 });
        await Assertions.Expect(page.GetByTestId("patrol-points")).ToHaveTextAsync("3", new() { Timeout = Wait });
        await page.GetByTestId("patrol-stop").ClickAsync();
        await ExpectWaitingAsync(page, 2);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM event WHERE description = $1 AND channel = 'grid'", description + "（巡查中发现）"));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM patrol WHERE actor = 'gridmanager' AND points = 3 AND ended_at > now() - interval '5 minutes'"));
    }

    /// <summary>A change the desk overtook is discarded on the phone: the desk's version stays, nothing of the phone's arrives.</summary>
    [Fact]
    public async Task A_conflict_discarded_on_the_phone_leaves_the_desks_version()
    {
        var (context, page, household, id) = await OfflineAtBuildingAAsync();
        await using var _ = context;
        await household.GetByTestId("verify").ClickAsync();
        await ExpectWaitingAsync(page, 1);
        var village = await stack.ApiClientAsync("village");
        var version = await stack.Population.ScalarAsync<int>("SELECT row_version FROM household WHERE id = $1", id);
        using (var desk = await village.PostAsync($"/api/register/households/{id}/verifications",
            System.Net.Http.Json.JsonContent.Create(new { rowVersion = version, reason = "村服务站上门核实" })))
            Assert.True(desk.IsSuccessStatusCode, await desk.Content.ReadAsStringAsync());
        var changes = await stack.Population.ScalarAsync<long>("SELECT count(*) FROM register_change WHERE subject = $1", $"household:{id}");

        await context.SetOfflineAsync(false);
        await page.GetByTestId("queue-link").ClickAsync();
        var conflict = page.GetByTestId("conflict");
        await Assertions.Expect(conflict).ToBeVisibleAsync(new() { Timeout = Wait });
        await conflict.GetByTestId("discard").ClickAsync();
        await Assertions.Expect(page.GetByTestId("queue-empty")).ToBeVisibleAsync(new() { Timeout = Wait });
        Assert.Equal(changes, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM register_change WHERE subject = $1", $"household:{id}"));
        Assert.Equal(version + 1, await stack.Population.ScalarAsync<int>("SELECT row_version FROM household WHERE id = $1", id));
    }

    /// <summary>Locked by the manager and opened again with the PIN: what was queued before the lock is still there and syncs.</summary>
    [Fact]
    public async Task Locking_the_app_keeps_the_queue_for_after_the_PIN()
    {
        var (context, page, household, id) = await OfflineAtBuildingAAsync();
        await using var _ = context;
        var note = await RecordVisitAsync(page, household, "锁定前的走访");
        await ExpectWaitingAsync(page, 1);
        await page.Locator("a.brand").ClickAsync();
        await page.GetByTestId("lock").ClickAsync();
        await Assertions.Expect(page.GetByTestId("pin")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(page.GetByTestId("buildings")).ToHaveCountAsync(0);
        // Locked, the vault cannot be read: the data key is gone from memory.
        await Assert.ThrowsAsync<PlaywrightException>(() => page.EvaluateAsync<string>("async () => (await import('./js/field.js')).getSecret('bundle')"));

        await UnlockAsync(page);
        await ExpectWaitingAsync(page, 1);
        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM field_visit WHERE household_id = $1 AND note = $2", id, note));
    }

    /// <summary>The first sign-in needs the network: offline it says so, stores nothing on the phone and issues no token.</summary>
    [Fact]
    public async Task A_first_sign_in_offline_is_refused_with_a_reason_and_stores_nothing()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await page.GotoAsync(FieldUrl);
        await page.WaitForFunctionAsync("async () => !!(await navigator.serviceWorker.ready)", null, new() { Timeout = Wait });
        await page.GetByTestId("username").FillAsync("gridmanager3", new() { Timeout = Wait });
        var tokens = await stack.Population.ScalarAsync<long>("SELECT count(*) FROM auth_token t JOIN account a ON a.id = t.account_id WHERE a.username = 'gridmanager3'");
        await context.SetOfflineAsync(true);
        await page.GetByTestId("password").FillAsync(DemoAccounts.Password);
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("需要联网", new() { Timeout = Wait });
        var state = await page.EvaluateAsync<System.Text.Json.JsonElement>("async () => (await import('./js/field.js')).deviceState()");
        Assert.False(state.GetProperty("hasKey").GetBoolean());
        Assert.Equal(tokens, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM auth_token t JOIN account a ON a.id = t.account_id WHERE a.username = 'gridmanager3'"));
    }

    /// <summary>A death recorded offline in another household of the grid reaches the register once online, and nothing is held.</summary>
    [Fact]
    public async Task A_death_recorded_offline_reaches_the_register()
    {
        var picked = await stack.Population.ScalarAsync<string[]>("""
            SELECT ARRAY[b.code, hh.id::text] FROM household hh JOIN house h ON h.id = hh.house_id JOIN building b ON b.id = h.building_id
            WHERE b.grid_code = $1 AND b.code <> $2
              AND (SELECT count(*) FROM household_member m WHERE m.household_id = hh.id AND m.moved_out IS NULL) >= 2
            ORDER BY hh.id DESC LIMIT 1
            """, DemoAccounts.GridManagerGrid, stack.Population.Buildings["A"]);
        var (building, householdId) = (picked[0], long.Parse(picked[1], System.Globalization.CultureInfo.InvariantCulture));
        var members = await stack.Population.ScalarAsync<long[]>(
            "SELECT array_agg(person_id ORDER BY person_id) FROM household_member WHERE household_id = $1 AND moved_out IS NULL", householdId);
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        await page.Locator($"a[data-code='{building}']").First.ClickAsync();

        var deceased = page.Locator($"[data-person='{members[^1]}']");
        await deceased.GetByTestId("death").ClickAsync(new() { Timeout = Wait });
        await page.GetByTestId("death-date").FillAsync(ChinaTime.DateOf(DateTimeOffset.UtcNow).AddDays(-2).ToString("yyyy-MM-dd"));
        await page.GetByTestId("death-reason").FillAsync("村委会出具死亡证明");
        await page.GetByTestId("save-death").ClickAsync();
        await ExpectWaitingAsync(page, 1);
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM person WHERE id = $1 AND status = 'deceased'", members[^1]));

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        await page.GetByTestId("queue-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("queue-empty")).ToBeVisibleAsync(new() { Timeout = Wait });
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM person WHERE id = $1 AND status = 'deceased' AND death_date = $2", members[^1], ChinaTime.DateOf(DateTimeOffset.UtcNow).AddDays(-2)));
    }

    /// <summary>
    /// A new version of the app (here: index.html as GeoApi would serve it after a deploy, marked) installs on the next
    /// start after the app was closed offline with actions queued: the queue survives the update and syncs.
    /// </summary>
    [Fact]
    public async Task A_new_version_installs_on_the_next_start_and_the_queue_survives_it()
    {
        var (context, page, household, householdId) = await OfflineAtBuildingAAsync();
        await using var _ = context;
        var note = await RecordVisitAsync(page, household, "更新前的走访");
        await ExpectWaitingAsync(page, 1);
        await page.CloseAsync();

        // The deploy: from now on the app's page comes marked as the next version.
        await context.RouteAsync(new System.Text.RegularExpressions.Regex("/field/$"), async route =>
        {
            var response = await route.FetchAsync();
            var body = (await response.TextAsync()).Replace("<title>", "<meta name=\"gridmap-build\" content=\"next\" /><title>", StringComparison.Ordinal);
            await route.FulfillAsync(new() { Response = response, Body = body });
        });
        await context.SetOfflineAsync(false);
        var next = await context.NewPageAsync();
        await next.GotoAsync(FieldUrl);
        await Assertions.Expect(next.Locator("meta[name=gridmap-build]")).ToHaveAttributeAsync("content", "next");
        await UnlockAsync(next);
        await ExpectWaitingAsync(next, 0);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM field_visit WHERE household_id = $1 AND note = $2", householdId, note));
    }

    /// <summary>
    /// An event of the grid whose handling was reported done is in the bundle as a task; the manager checks it on site
    /// offline (核查通过), and once online the event moves on to Verifying.
    /// </summary>
    [Fact]
    public async Task An_events_on_site_check_made_offline_moves_it_on_once_online()
    {
        var at = await CentroidAsync("A");
        var category = await stack.Population.ScalarAsync<string>("SELECT min(code) FROM event_category WHERE NOT urgent");
        using var gridManager = await stack.ApiClientAsync("gridmanager");
        long id;
        using (var reported = await gridManager.PostAsJsonAsync("/api/events",
            new { category, description = "垃圾堆放 待核查", lon = at[0], lat = at[1], channel = "grid" }))
        {
            var body = await reported.Content.ReadAsStringAsync();
            Assert.True(reported.IsSuccessStatusCode, body);
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            id = doc.RootElement.GetProperty("id").GetInt64();
        }
        var owner = await stack.Population.ScalarAsync<string>("SELECT owner_unit FROM event WHERE id = $1", id);
        using var centre = await stack.ApiClientAsync(owner.Length switch { 12 => "village", 9 => "township", _ => "county" });
        using var village = await stack.ApiClientAsync("village");
        // Accepted, registered and dispatched by its owner, handled by the village, handling reported done.
        foreach (var (client, action, body) in new (HttpClient, string, Dictionary<string, object?>)[]
        {
            (centre, "accept", []), (centre, "register", []), (centre, "dispatch", new() { ["level"] = "Village" }),
            (village, "starthandling", []), (village, "feedback", new() { ["note"] = "已清运" }),
        })
        {
            body["version"] = await stack.Population.ScalarAsync<int>("SELECT version FROM event WHERE id = $1", id);
            using var acted = await client.PostAsJsonAsync($"/api/events/{id}/actions/{action}", body);
            Assert.True(acted.IsSuccessStatusCode, $"{action}: {await acted.Content.ReadAsStringAsync()}");
        }
        Assert.Equal("FeedbackGiven", await stack.Population.ScalarAsync<string>("SELECT state FROM event WHERE id = $1", id));

        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        var task = page.Locator($"[data-task='{id}']");
        await task.GetByTestId("task-note").FillAsync("现场已清理干净");
        await task.GetByTestId("task-pass").ClickAsync();
        await Assertions.Expect(task.GetByTestId("task-recorded")).ToBeVisibleAsync(new() { Timeout = Wait });
        await ExpectWaitingAsync(page, 1);
        Assert.Equal("FeedbackGiven", await stack.Population.ScalarAsync<string>("SELECT state FROM event WHERE id = $1", id));

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal("Verifying", await stack.Population.ScalarAsync<string>("SELECT state FROM event WHERE id = $1", id));
    }

    /// <summary>Without a GPS fix the place is picked on the map: the event is stored at the tapped point.</summary>
    [Fact]
    public async Task A_report_placed_by_a_tap_on_the_map_without_GPS_is_stored_at_the_tapped_point()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1], located: false);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        await page.GetByTestId("go-report").ClickAsync();
        var category = await page.Locator("[data-testid=report-category] option:not([value=''])").First
            .GetAttributeAsync("value", new() { Timeout = Wait });
        await page.GetByTestId("report-category").SelectOptionAsync(category!);
        var description = "地图选点：路面塌陷 " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("report-description").FillAsync(description);
        var map = page.Locator("[data-testid=field-map][data-rendered='1']");
        await Assertions.Expect(map).ToBeVisibleAsync(new() { Timeout = Wait });
        // The map is fitted to the grid with equal padding: its centre is the centre of the grid's extent.
        var box = (await map.BoundingBoxAsync())!;
        await map.ClickAsync(new() { Position = new Position { X = box.Width / 2, Y = box.Height / 2 } });
        await Assertions.Expect(page.GetByTestId("report-position")).ToContainTextAsync("地图选点", new() { Timeout = Wait });
        await page.GetByTestId("save-report").ClickAsync();
        await ExpectWaitingAsync(page, 1);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        var metres = await stack.Population.ScalarAsync<double>("""
            SELECT ST_Distance(e.geom::geography,
                   ST_Transform(ST_Centroid(ST_Envelope(ST_Transform(g.geom, 3857))), 4490)::geography)
            FROM event e, grid g WHERE e.description = $1 AND g.code = $2
            """, description, DemoAccounts.GridManagerGrid);
        Assert.InRange(metres, 0, 25);
    }

    /// <summary>A floating-population member registered offline joins the household once online.</summary>
    [Fact]
    public async Task A_member_registered_offline_joins_the_household_once_online()
    {
        var (context, page, household, householdId) = await OfflineAtBuildingAAsync();
        await using var _ = context;
        var born = new DateOnly(1994, 5, 17);
        var idNumber = IdNumber.Create("410105", born, 238).Value;
        await household.GetByTestId("add-member").ClickAsync();
        await page.GetByTestId("member-name").FillAsync("外来务工人员");
        await page.GetByTestId("member-sex").SelectOptionAsync("F");
        await page.GetByTestId("member-born").FillAsync(born.ToString("yyyy-MM-dd"));
        await page.GetByTestId("member-id").FillAsync(idNumber);
        await page.GetByTestId("member-relation").SelectOptionAsync("other");
        await page.GetByTestId("member-type").SelectOptionAsync("floating");
        await page.GetByTestId("save-member").ClickAsync();
        await ExpectWaitingAsync(page, 1);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("""
            SELECT count(*) FROM person p JOIN household_member m ON m.person_id = p.id AND m.moved_out IS NULL
            WHERE p.id_number = $1 AND p.register_type = 'floating' AND m.household_id = $2 AND m.relation = 'other'
            """, idNumber, householdId));
    }

    /// <summary>
    /// 信息采集 beyond people: a building the register lacks is added offline at the phone's fix with two houses; once it
    /// is synced, again offline, its floors change, a third house is added, a household is started in one house and the
    /// other is marked empty, and a resident's phone is updated — each reaches the register once.
    /// </summary>
    [Fact]
    public async Task A_new_building_its_houses_a_new_household_a_vacancy_and_a_phone_recorded_offline_reach_the_register()
    {
        var at = await stack.PointInGridAsync(DemoAccounts.GridManagerGrid);
        var (context, page) = await NewPhoneAsync(at.Longitude, at.Latitude);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        var road = "新建巷" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("go-new-building").ClickAsync();
        await Assertions.Expect(page.GetByTestId("building-position")).ToContainTextAsync("定位 ", new() { Timeout = Wait });
        await page.GetByTestId("new-road").FillAsync(road);
        await page.GetByTestId("new-number").FillAsync("8号");
        await page.GetByTestId("new-floors").FillAsync("3");
        await page.GetByTestId("new-rooms").FillAsync("101,102");
        await page.GetByTestId("new-reason").FillAsync("新建住宅楼漏登补录");
        await page.GetByTestId("save-new-building").ClickAsync();
        await ExpectWaitingAsync(page, 1);
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM building WHERE road = $1", road));

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        var code = await stack.Population.ScalarAsync<string>("SELECT code FROM building WHERE road = $1 AND grid_code = $2 AND floors = 3", road,
            DemoAccounts.GridManagerGrid);
        Assert.Equal(2L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM house h JOIN building b ON b.id = h.building_id WHERE b.code = $1", code));
        // The synced bundle holds the new building; the rest is recorded offline.
        await Assertions.Expect(page.Locator($"a[data-code='{code}']")).ToBeVisibleAsync(new() { Timeout = Wait });
        await context.SetOfflineAsync(true);
        await page.Locator($"a[data-code='{code}']").ClickAsync();
        await page.GetByTestId("change-building").ClickAsync(new() { Timeout = Wait });
        await page.GetByTestId("building-floors").FillAsync("4");
        await page.GetByTestId("building-reason").FillAsync("加盖一层");
        await page.GetByTestId("save-building").ClickAsync();
        await page.GetByTestId("add-houses").ClickAsync();
        await page.GetByTestId("houses-rooms").FillAsync("401");
        await page.GetByTestId("houses-reason").FillAsync("加盖的一层");
        await page.GetByTestId("save-houses").ClickAsync();

        var born = new DateOnly(1979, 11, 23);
        // An odd sequence: a man's number (the form's sex is 男).
        var headId = IdNumber.Create("140428", born, Random.Shared.Next(50, 499) * 2 + 1).Value;
        var first = page.Locator("section.house", new() { HasText = "1 单元 101" });
        await first.GetByTestId("start-household").ClickAsync();
        await page.GetByTestId("head-name").FillAsync("新住户");
        await page.GetByTestId("head-born").FillAsync(born.ToString("yyyy-MM-dd"));
        await page.GetByTestId("head-id").FillAsync(headId);
        await page.GetByTestId("household-reason").FillAsync("新购房入住");
        await page.GetByTestId("save-household").ClickAsync();
        var second = page.Locator("section.house", new() { HasText = "1 单元 102" });
        await second.GetByTestId("vacancy").ClickAsync();
        await page.GetByTestId("vacancy-reason").FillAsync("房屋尚未入住");
        await page.GetByTestId("save-vacancy").ClickAsync();
        await ExpectWaitingAsync(page, 4);

        await page.Locator("a.brand").ClickAsync();
        await page.Locator($"a[data-code='{stack.Population.Buildings["A"]}']").ClickAsync();
        var resident = page.Locator("[data-person]").First;
        var personId = long.Parse(await resident.GetAttributeAsync("data-person", new() { Timeout = Wait }) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await resident.GetByTestId("update-person").ClickAsync();
        await page.GetByTestId("person-phone").FillAsync("13912345678");
        await page.GetByTestId("person-reason").FillAsync("本人告知新号码");
        await page.GetByTestId("save-person").ClickAsync();
        await ExpectWaitingAsync(page, 5);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(4, await stack.Population.ScalarAsync<int>("SELECT floors::int FROM building WHERE code = $1", code));
        Assert.Equal(new[] { "101", "102", "401" }, await stack.Population.ScalarAsync<string[]>(
            "SELECT array_agg(h.room ORDER BY h.room) FROM house h JOIN building b ON b.id = h.building_id WHERE b.code = $1", code));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("""
            SELECT count(*) FROM household hh JOIN house h ON h.id = hh.house_id JOIN building b ON b.id = h.building_id
            JOIN household_member m ON m.household_id = hh.id AND m.relation = 'head' JOIN person p ON p.id = m.person_id
            WHERE b.code = $1 AND h.room = '101' AND p.id_number = $2
            """, code, headId));
        Assert.True(await stack.Population.ScalarAsync<bool>(
            "SELECT h.vacant FROM house h JOIN building b ON b.id = h.building_id WHERE b.code = $1 AND h.room = '102'", code));
        Assert.Equal("13912345678", await stack.Population.ScalarAsync<string>("SELECT phone FROM person WHERE id = $1", personId));
    }

    /// <summary>
    /// A household the neighbouring grid sends here (a move request waiting for this grid) is accepted offline into a
    /// house the manager picks; once online the household lives there, in this grid, and the request is decided.
    /// </summary>
    [Fact]
    public async Task A_household_sent_from_the_neighbouring_grid_is_accepted_offline_into_a_house_the_manager_picks()
    {
        var gm = await stack.ApiClientAsync("gridmanager");
        var gm2 = await stack.ApiClientAsync("gridmanager2");
        var building = await stack.Population.ScalarAsync<string>("SELECT code FROM building WHERE grid_code = $1 AND code <> $2 ORDER BY code DESC LIMIT 1",
            DemoAccounts.GridManagerGrid, stack.Population.Buildings["A"]);
        var room = "M" + Guid.NewGuid().ToString("N")[..5];
        var added = await gm.PostAsJsonAsync($"api/register/buildings/{building}/houses",
            new { houses = new[] { new { unit = 8, room } }, reason = "新隔出的一套房", idempotencyKey = Guid.NewGuid().ToString("N") });
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        var house = await stack.Population.ScalarAsync<long>("SELECT h.id FROM house h JOIN building b ON b.id = h.building_id WHERE b.code = $1 AND h.room = $2",
            building, room);
        var household = await stack.Population.ScalarAsync<long>("""
            SELECT hh.id FROM household hh
            WHERE hh.grid_code = $1 AND hh.dissolved_on IS NULL
              AND EXISTS (SELECT 1 FROM household_member m WHERE m.household_id = hh.id AND m.moved_out IS NULL)
              AND NOT EXISTS (SELECT 1 FROM move_request r WHERE r.household_id = hh.id AND r.status = 'pending')
            ORDER BY hh.id DESC LIMIT 1
            """, DemoAccounts.NeighbourGrid);
        var version = await stack.Population.ScalarAsync<long>("SELECT row_version::bigint FROM household WHERE id = $1", household);
        var asked = await gm2.PostAsJsonAsync($"api/register/households/{household}/moves",
            new { toGrid = DemoAccounts.GridManagerGrid, rowVersion = version, reason = "全户迁往 006 网格", idempotencyKey = Guid.NewGuid().ToString("N") });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, asked.StatusCode);
        var request = (await asked.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("moveRequestId").GetInt64();

        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        await page.GetByTestId("go-moves").ClickAsync();
        var item = page.Locator($"[data-move='{request}']");
        await item.GetByTestId("move-decide").ClickAsync(new() { Timeout = Wait });
        await page.GetByTestId("move-to-house").SelectOptionAsync(house.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("move-decision-reason").FillAsync("已到户核实，同意迁入");
        await page.GetByTestId("move-accept").ClickAsync();
        await ExpectWaitingAsync(page, 1);
        await Assertions.Expect(item.GetByTestId("move-recorded")).ToBeVisibleAsync();
        Assert.Equal(DemoAccounts.NeighbourGrid, await stack.Population.ScalarAsync<string>("SELECT grid_code FROM household WHERE id = $1", household));

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        await Assertions.Expect(item).ToHaveCountAsync(0, new() { Timeout = Wait });
        Assert.Equal((house, DemoAccounts.GridManagerGrid), (await stack.Population.ScalarAsync<long>("SELECT house_id FROM household WHERE id = $1", household),
            await stack.Population.ScalarAsync<string>("SELECT grid_code FROM household WHERE id = $1", household)));
        Assert.Equal("accepted/gridmanager", await stack.Population.ScalarAsync<string>(
            "SELECT status || '/' || decided_by FROM move_request WHERE id = $1", request));
    }

    /// <summary>
    /// The visit list (走访名单) on the phone: a special-group record overdue shows first; its visit recorded offline is
    /// stored once online, with the phone's date, and moves the next due date by the group's cadence.
    /// </summary>
    [Fact]
    public async Task An_overdue_visit_on_the_visit_list_recorded_offline_moves_the_due_date_once_online()
    {
        var record = stack.Population.Records["A-child/community_correction"];
        await stack.Population.ScalarAsync<int>("UPDATE special_group SET next_visit_due = current_date - 3 WHERE id = $1 RETURNING 1", record);
        var visitsBefore = await stack.Population.ScalarAsync<long>("SELECT count(*) FROM visit WHERE special_group_id = $1", record);
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);
        await context.SetOfflineAsync(true);
        var item = page.Locator($"[data-visit='{record}']");
        await Assertions.Expect(item).ToContainTextAsync("逾期", new() { Timeout = Wait });
        await item.GetByTestId("group-visit").ClickAsync();
        var note = "社区矫正对象按时报到 " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("group-visit-note").FillAsync(note);
        await page.GetByTestId("save-group-visit").ClickAsync();
        await ExpectWaitingAsync(page, 1);
        await Assertions.Expect(item.GetByTestId("visit-recorded")).ToBeVisibleAsync();

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        var today = ChinaTime.DateOf(DateTimeOffset.UtcNow);
        Assert.Equal(visitsBefore + 1, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM visit WHERE special_group_id = $1", record));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM visit WHERE special_group_id = $1 AND note = $2 AND visited_on = $3 AND visitor = 'gridmanager'", record, note, today));
        Assert.Equal(today.AddDays(7), await stack.Population.ScalarAsync<DateOnly>("SELECT next_visit_due FROM special_group WHERE id = $1", record));
        await Assertions.Expect(item).Not.ToContainTextAsync("逾期", new() { Timeout = Wait });
    }

    /// <summary>
    /// The device vault's encryption on its own (wwwroot/js/field.js): nothing readable at rest, the PIN's key unwraps
    /// the data key and no other does, a changed byte of a sealed record is refused (AES-GCM's tag), a wipe leaves nothing.
    /// </summary>
    [Fact]
    public async Task The_vault_seals_with_AES_GCM_under_a_PIN_wrapped_key_and_refuses_tampered_records()
    {
        var (context, page) = await NewPhoneAsync(0, 0, located: false);
        await using var _ = context;
        await page.GotoAsync(FieldUrl);
        await page.GetByTestId("username").WaitForAsync(new() { Timeout = Wait });
        var outcome = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
            async () => {
              const field = await import('./js/field.js');
              await field.setup('vault-test', '1357');
              await field.putSecret('probe', JSON.stringify({ name: '张三丰', id: '110101199003077777' }));
              const atRest = await field.rawDump();
              field.lock();
              const lockedRead = await field.getSecret('probe').then(() => 'read', () => 'refused');
              const wrong = await field.unlock('2468');
              const right = await field.unlock('1357');
              const read = await field.getSecret('probe');
              const db = await new Promise(r => { const q = indexedDB.open('gridmap-field'); q.onsuccess = () => r(q.result); });
              const sealed = await new Promise(r => { const q = db.transaction('vault').objectStore('vault').get('probe'); q.onsuccess = () => r(q.result); });
              sealed.data[5] ^= 1;
              await new Promise(r => { const t = db.transaction('vault', 'readwrite'); t.objectStore('vault').put(sealed, 'probe'); t.oncomplete = r; });
              db.close();
              const tampered = await field.getSecret('probe').then(() => 'read', () => 'refused');
              await field.wipe();
              const after = await field.deviceState();
              return { atRest, lockedRead, wrongOk: wrong.ok, wrongFailures: wrong.failures, rightOk: right.ok, read, tampered, hasKey: after.hasKey };
            }
            """);
        Assert.DoesNotContain("张三丰", outcome.GetProperty("atRest").GetString());
        Assert.DoesNotContain("110101199003077777", outcome.GetProperty("atRest").GetString());
        Assert.Equal("refused", outcome.GetProperty("lockedRead").GetString());
        Assert.False(outcome.GetProperty("wrongOk").GetBoolean());
        Assert.Equal(1, outcome.GetProperty("wrongFailures").GetInt32());
        Assert.True(outcome.GetProperty("rightOk").GetBoolean());
        Assert.Contains("张三丰", outcome.GetProperty("read").GetString());
        Assert.Equal("refused", outcome.GetProperty("tampered").GetString());
        Assert.False(outcome.GetProperty("hasKey").GetBoolean());
        // Nothing of this reached the server: the vault is the phone's alone.
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM account WHERE username = 'vault-test'"));
    }
}
