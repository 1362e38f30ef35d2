using System.Text.RegularExpressions;
using GridMap.Store.Accounts;
using GridMap.Testing;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>The portal over a database of its own (tests may write: visits, events) with the demo accounts and the known test population.</summary>
public sealed class PeopleStack : PortalStack
{
    public PopulationFixture Population { get; } = new();

    protected override async Task<string> DatabaseAsync()
    {
        await Population.InitializeAsync();
        return Population.ConnectionString;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Population.DisposeAsync();
    }

    /// <summary>A GeoApi client signed in as a demo account (bearer token).</summary>
    public async Task<HttpClient> ApiClientAsync(string username)
    {
        var accounts = new AccountStore(Population.DataSource);
        var issued = (await accounts.SignInAsync(username, DemoAccounts.Password))!;
        var token = issued.Token;
        // Staff who may unmask do so with their second factor: enrolled in this session, as a person would.
        if (issued.Account.NeedsSecondFactor)
            await SecondFactors.EnrolAsync(accounts, username, token);
        var client = new HttpClient { BaseAddress = GeoApi.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>A point surely inside a grid, as PostGIS finds it.</summary>
    public async Task<Geolocation> PointInGridAsync(string grid)
    {
        var lon = await Population.ScalarAsync<double>("SELECT ST_X(ST_PointOnSurface(geom)) FROM grid WHERE code = $1", grid);
        var lat = await Population.ScalarAsync<double>("SELECT ST_Y(ST_PointOnSurface(geom)) FROM grid WHERE code = $1", grid);
        return new Geolocation { Longitude = (float)lon, Latitude = (float)lat };
    }
}

/// <summary>
/// Issue 5's "done when": a grid manager signs in on a phone-sized browser, finds a building of his grid by
/// address, sees its households with masked ID numbers, cannot see the neighbouring grid's people, and the auditor
/// sees the trail.
/// </summary>
public sealed partial class PeopleBrowserTests(PeopleStack stack) : IClassFixture<PeopleStack>
{
    private const int PhoneWidth = 390, PhoneHeight = 844;
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 30_000 };

    [GeneratedRegex(@"^\d{6}\*{8}\d{3}[\dX]$")]
    private static partial Regex MaskedId();

    private async Task<PortalPage> SignInAsync(string username, string path, int width = PhoneWidth, int height = PhoneHeight)
    {
        var page = await stack.OpenAsync(path, width, height, waitForMap: false);
        await page.SubmitSignInAsync(username);
        await page.Page.WaitForURLAsync(url => new Uri(url).PathAndQuery == path, new PageWaitForURLOptions { Timeout = 30_000 });
        // The people pages hold a map: its first frame also means the circuit is interactive.
        if (path.StartsWith("/people", StringComparison.Ordinal))
            await page.WaitForMapAsync();
        return page;
    }

    [Fact]
    public async Task A_grid_manager_finds_a_building_by_address_and_sees_masked_households_on_a_phone()
    {
        var page = await SignInAsync("gridmanager", "/people");
        var building = stack.Population.Buildings["A"];
        await page.Page.GetByTestId("people-query").FillAsync("测试巷A九");
        await page.Page.GetByTestId("people-search-button").ClickAsync();
        var hit = page.Page.Locator($"[data-testid=hits] a[data-code='{building}']");
        await Assertions.Expect(hit).ToBeVisibleAsync(Visible);
        await hit.ClickAsync();

        await Assertions.Expect(page.Page.GetByTestId("building-card")).ToHaveAttributeAsync("data-code", building, new() { Timeout = 30_000 });
        var ids = page.Page.GetByTestId("id-number");
        await Assertions.Expect(ids).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        Assert.All(await ids.AllInnerTextsAsync(), id => Assert.Matches(MaskedId(), id.Trim()));
        await page.Page.WaitForFunctionAsync("code => window.gridmap && window.gridmap.shown === code", building, new() { Timeout = 30_000 });

        // Signed in with the password alone, the card stays masked and says what unmasking needs: the second factor,
        // enrolled on the account page with the code an authenticator app shows.
        Assert.Equal(0, await page.Page.GetByTestId("unmask").CountAsync());
        await page.Page.GetByTestId("unmask-needs-second-factor").Locator("a").ClickAsync();
        await page.Page.GetByTestId("totp-start").ClickAsync();
        var secret = (await page.Page.GetByTestId("totp-secret").GetAttributeAsync("data-secret", new() { Timeout = 30_000 }))!;
        await Assertions.Expect(page.Page.GetByTestId("totp-qr")).ToBeVisibleAsync(Visible);
        await page.Page.GetByTestId("totp-code").FillAsync(SecondFactor.CodeAt(secret, DateTime.UtcNow));
        await page.Page.GetByTestId("totp-confirm").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("totp-done")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.Page.GetByTestId("totp-status")).ToHaveAttributeAsync("data-enrolled", "true");
        await page.ScreenshotAsync("account-security-phone");
        await page.Page.GotoAsync($"{stack.PortalUrl}/people/{building}");
        await Assertions.Expect(page.Page.GetByTestId("building-card")).ToHaveAttributeAsync("data-code", building, new() { Timeout = 30_000 });

        var firstResident = page.Page.GetByTestId("resident").First;
        var person = await firstResident.GetAttributeAsync("data-person");
        await page.Page.GetByTestId("unmask").First.ClickAsync();
        await page.Page.GetByTestId("unmask-purpose").FillAsync("入户核对 household check");
        await page.Page.GetByTestId("unmask-confirm").ClickAsync();
        await Assertions.Expect(firstResident.GetByTestId("id-number")).ToHaveTextAsync(new Regex(@"^\d{17}[\dX]$"), new() { Timeout = 30_000 });
        await page.ScreenshotAsync("people-grid-manager-phone");
        Assert.Empty(page.Errors);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE actor = 'gridmanager' AND action = 'unmask' AND subject = $1 AND purpose = '入户核对 household check'", $"person:{person}"));
    }

    [Fact]
    public async Task The_neighbouring_grids_building_and_people_stay_hidden()
    {
        var neighbour = stack.Population.Buildings["B"];
        var page = await SignInAsync("gridmanager", $"/people/{neighbour}");
        await Assertions.Expect(page.Page.GetByTestId("people-message")).ToBeVisibleAsync(Visible);
        Assert.Equal(0, await page.Page.GetByTestId("building-card").CountAsync());
        // Neither its address nor its resident's name finds anything (links with ?q= run the same search as the form).
        foreach (var query in new[] { "测试巷B九", "测试Bhead" })
        {
            await page.Page.GotoAsync($"{stack.PortalUrl}/people?q={Uri.EscapeDataString(query)}");
            await page.WaitForMapAsync();
            await Assertions.Expect(page.Page.GetByTestId("no-hits")).ToBeVisibleAsync(Visible);
            Assert.Equal(0, await page.Page.Locator($"[data-code='{neighbour}']").CountAsync());
        }
    }

    [Fact]
    public async Task A_second_search_from_the_form_replaces_the_first()
    {
        var page = await SignInAsync("gridmanager", "/people");
        var building = stack.Population.Buildings["A"];
        foreach (var query in new[] { "测试巷A九", "测试Aspouse" })
        {
            await page.Page.GetByTestId("people-query").FillAsync(query);
            await page.Page.GetByTestId("people-search-button").ClickAsync();
            await Assertions.Expect(page.Page.Locator($"[data-testid=hits] a[data-code='{building}'] .matched"))
                .ToHaveTextAsync(query.Contains('巷') ? "地址" : "居民姓名", new() { Timeout = 30_000 });
            Assert.EndsWith(query, Uri.UnescapeDataString(page.Page.Url), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_auditor_sees_the_trail_and_an_intact_chain()
    {
        var client = await stack.ApiClientAsync("village");
        using (var unmask = await client.PostAsync($"/api/people/{stack.Population.People["A-spouse"]}/unmask",
                   System.Net.Http.Json.JsonContent.Create(new { purpose = "审计浏览器测试 audit trail test" })))
            unmask.EnsureSuccessStatusCode();

        var page = await SignInAsync("auditor", "/audit", 1280, 800);
        await Assertions.Expect(page.Page.GetByTestId("audit-verification")).ToHaveClassAsync("ok", new() { Timeout = 30_000 });
        var entry = page.Page.GetByTestId("audit-entry").Filter(new() { HasText = "审计浏览器测试 audit trail test" });
        await Assertions.Expect(entry).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Assertions.Expect(entry).ToContainTextAsync("village");
        await Assertions.Expect(entry).ToContainTextAsync("unmask");
        await page.ScreenshotAsync("audit-trail");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task A_department_officer_uploads_a_list_and_reads_the_report()
    {
        var person = stack.Population.People["A-grandparent"];
        var id = await stack.Population.ScalarAsync<string>("SELECT id_number FROM person WHERE id = $1", person);
        var name = await stack.Population.ScalarAsync<string>("SELECT name FROM person WHERE id = $1", person);
        // The list gives a 2023 village code that is not the person's village: merged, and reported as a place issue.
        var elsewhere = await stack.Population.ScalarAsync<string>(
            "SELECT min(d.code_2023) FROM division_code_2023 d, person p WHERE p.id = $1 AND d.level = 'village' AND d.method = 'code' " +
            "AND d.code_2023 LIKE '140428%' AND d.code <> left(p.grid_code, 12)", person);
        var csv = "\uFEFF身份证号,姓名,类别,风险等级,登记日期,备注,村（社区）代码\n" +
                  $"{id},{name},low_income,2,2026-02-01,浏览器导入,{elsewhere}\n" +
                  "110105194912310021,某人,low_income,1,2026-02-01,校验位错,\n";
        var page = await SignInAsync("civil", "/imports", 1280, 800);
        await Assertions.Expect(page.Page.GetByTestId("imports-page")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("import-department")).ToBeDisabledAsync(new() { Timeout = 30_000 });
        await page.Page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload
        {
            Name = "民政低保.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv),
        });
        await Assertions.Expect(page.Page.GetByTestId("import-report")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.Page.GetByTestId("import-total")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Page.GetByTestId("import-invalid")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Page.GetByTestId("import-issues")).ToContainTextAsync("110105********0021");
        await Assertions.Expect(page.Page.GetByTestId("import-place-checked")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Page.GetByTestId("import-placed-elsewhere")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Page.Locator("[data-testid=import-issues] td[data-kind=place]")).ToHaveTextAsync("地点不符");
        await Assertions.Expect(page.Page.GetByTestId("import-issues")).ToContainTextAsync(elsewhere);
        await page.ScreenshotAsync("imports-report");
        Assert.Equal(2, await stack.Population.ScalarAsync<short>(
            "SELECT risk_level FROM special_group WHERE person_id = $1 AND group_code = 'low_income'", person));
    }

    [Fact]
    public async Task A_planner_is_sent_away_from_the_audit_page()
    {
        var page = await stack.OpenAsync("/audit", waitForMap: false);
        await page.Page.WaitForURLAsync(new Regex("/login"), new() { Timeout = 30_000 });
        Assert.Contains("returnUrl=%2Faudit", page.Page.Url);
    }
}
