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

    private async Task<(IBrowserContext Context, IPage Page)> NewPhoneAsync(double lon, double lat)
    {
        var context = await stack.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = PhoneWidth, Height = PhoneHeight },
            Geolocation = new Geolocation { Longitude = (float)lon, Latitude = (float)lat, Accuracy = 5 },
            Permissions = ["geolocation"],
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
    private async Task SignInAsync(IPage page, string username = "gridmanager")
    {
        await page.GotoAsync(FieldUrl);
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

    private static Task ExpectWaitingAsync(IPage page, int count) =>
        Assertions.Expect(page.GetByTestId("waiting")).ToHaveTextAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = Wait });

    [Fact]
    public async Task Offline_a_reload_asks_for_the_PIN_and_a_verification_visit_and_birth_reach_PostgreSQL_once_online()
    {
        var at = await CentroidAsync("A");
        var (context, page) = await NewPhoneAsync(at[0], at[1]);
        await using var _ = context;
        await SignInAsync(page);

        await context.SetOfflineAsync(true);
        await page.ReloadAsync();
        await UnlockAsync(page);
        await Assertions.Expect(page.GetByTestId("net")).ToHaveTextAsync("离线", new() { Timeout = Wait });
        // Truly offline, the service worker's own requests included: a file it never cached cannot be had.
        Assert.Equal("failed", await page.EvaluateAsync<string>("() => fetch('never-cached.txt').then(r => 'answered ' + r.status, () => 'failed')"));
        await page.Locator($"a[data-code='{stack.Population.Buildings["A"]}']").ClickAsync();
        var household = page.Locator("[data-household]").First;
        var householdId = long.Parse(await household.GetAttributeAsync("data-household") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var versionBefore = await stack.Population.ScalarAsync<int>("SELECT row_version FROM household WHERE id = $1", householdId);

        await household.GetByTestId("verify").ClickAsync();
        await ExpectWaitingAsync(page, 1);
        await household.GetByTestId("visit").ClickAsync();
        await page.GetByTestId("visit-note").FillAsync("离线走访：家中老人身体状况良好");
        await page.GetByTestId("save-visit").ClickAsync();
        await ExpectWaitingAsync(page, 2);
        var born = ChinaTime.DateOf(DateTimeOffset.UtcNow).AddDays(-3);
        var idNumber = IdNumber.Create("140428", born, 771).Value;
        await household.GetByTestId("birth").ClickAsync();
        await page.GetByTestId("birth-name").FillAsync("离线新生");
        await page.GetByTestId("birth-date").FillAsync(born.ToString("yyyy-MM-dd"));
        await page.GetByTestId("birth-id").FillAsync(idNumber);
        await page.GetByTestId("save-birth").ClickAsync();
        await ExpectWaitingAsync(page, 3);

        // Nothing has reached the server, and nothing of it is readable on the device without the key.
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM person WHERE id_number = $1", idNumber));
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM field_visit WHERE household_id = $1", householdId));
        var stored = await page.EvaluateAsync<string>("async () => (await import('./js/field.js')).rawDump()");
        Assert.DoesNotContain("离线新生", stored);
        Assert.DoesNotContain(idNumber, stored);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0);
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM person WHERE id_number = $1 AND name = '离线新生'", idNumber));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM field_visit WHERE household_id = $1 AND note = '离线走访：家中老人身体状况良好' AND actor = 'gridmanager'", householdId));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM register_change WHERE kind = 'verify' AND subject = $1 AND actor = 'gridmanager'", $"household:{householdId}"));
        // The birth went in on top of the verification: the app sent the version the verification answered, no conflict.
        Assert.True(await stack.Population.ScalarAsync<int>("SELECT row_version FROM household WHERE id = $1", householdId) >= versionBefore + 2);
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
}
