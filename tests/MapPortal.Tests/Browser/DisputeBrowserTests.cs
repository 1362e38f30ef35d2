using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>
/// Disputes in the portal (issue 18): a grid manager records one on a phone and hands it to the village committee, the
/// committee settles it, and the agreement prints as a document without the menu.
/// </summary>
public sealed class DisputeBrowserTests(PeopleStack stack) : IClassFixture<PeopleStack>
{
    private const float Wait = 30_000;

    [Fact]
    public async Task A_grid_manager_records_a_dispute_on_a_phone_the_village_settles_it_and_the_agreement_prints()
    {
        var page = await stack.OpenAsync("/disputes", 390, 844, null, waitForMap: false);
        await page.SubmitSignInAsync("gridmanager");
        try
        {
            await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/disputes", new() { Timeout = Wait });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"not signed in: {page.Page.Url} :: {await page.Page.InnerTextAsync("body")}");
        }
        await Assertions.Expect(page.Page.GetByTestId("disputes-page")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Wait });

        var summary = "宅基地边界争执 " + Guid.NewGuid().ToString("N")[..6];
        await page.Page.Locator("[data-testid=dispute-new] summary").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("dispute-grid")).ToHaveValueAsync("140428203211006");
        await page.Page.GetByTestId("dispute-kind").FillAsync("邻里纠纷");
        await page.Page.GetByTestId("dispute-summary").FillAsync(summary);
        await page.Page.GetByTestId("dispute-parties").FillAsync("张某、李某");
        await page.Page.GetByTestId("dispute-save").ClickAsync();
        var card = page.Page.GetByTestId("dispute").Filter(new() { HasText = summary });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-level", "grid", new() { Timeout = Wait });

        await card.GetByTestId("dispute-note").FillAsync("双方情绪激动，请村调委会调解");
        await card.GetByTestId("dispute-Escalate").ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-level", "village", new() { Timeout = Wait });
        var id = long.Parse((await card.GetAttributeAsync("data-id"))!, System.Globalization.CultureInfo.InvariantCulture);

        // The committee director mediates it to an agreement (at the desk, here through the API).
        using (var village = await stack.ApiClientAsync("village"))
        {
            (await village.PostAsJsonAsync($"/api/disputes/{id}/actions/takeUp", new { })).EnsureSuccessStatusCode();
            (await village.PostAsJsonAsync($"/api/disputes/{id}/actions/settle", new { terms = "以原界桩为准，越界围墙拆除 0.5 米" })).EnsureSuccessStatusCode();
        }
        await page.Page.ReloadAsync();
        await Assertions.Expect(card.GetByTestId("dispute-state")).ToHaveTextAsync("已达成协议", new() { Timeout = Wait });
        await page.ScreenshotAsync("disputes-phone");

        await page.Page.GotoAsync($"{stack.PortalUrl}/disputes/{id}/agreement");
        await Assertions.Expect(page.Page.GetByTestId("agreement-terms")).ToHaveTextAsync("以原界桩为准，越界围墙拆除 0.5 米", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("agreement-title")).ToHaveTextAsync("人民调解协议书");
        await Assertions.Expect(page.Page.Locator("[data-testid=agreement-parties] li")).ToHaveCountAsync(2);
        await page.Page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Page.Locator("header.topbar")).ToBeHiddenAsync();
        await Assertions.Expect(page.Page.GetByTestId("agreement-print")).ToBeHiddenAsync();
        await Assertions.Expect(page.Page.GetByTestId("agreement-terms")).ToBeVisibleAsync();
        await page.ScreenshotAsync("dispute-agreement-print");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task A_grid_manager_takes_a_proxy_request_on_a_phone_and_the_resident_follows_it_by_number()
    {
        await GridMap.Testing.CatalogueFile.PublishAsync(stack.Population.DataSource, "140428");
        var page = await stack.OpenAsync("/proxy", 390, 844, null, waitForMap: false);
        await page.SubmitSignInAsync("gridmanager");
        await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/proxy", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("proxy-page")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Wait });

        var resident = "王某" + Guid.NewGuid().ToString("N")[..4];
        await page.Page.Locator("[data-testid=proxy-new] summary").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("proxy-grid")).ToHaveValueAsync("140428203211006");
        var option = page.Page.Locator("[data-testid=proxy-service] option").Filter(new() { HasText = "城乡居民最低生活保障申请" }).First;
        await page.Page.GetByTestId("proxy-service").SelectOptionAsync(new SelectOptionValue { Value = await option.GetAttributeAsync("value") });
        var boxes = page.Page.Locator("[data-testid=proxy-documents] input[type=checkbox]");
        await Assertions.Expect(boxes.First).ToBeVisibleAsync(new() { Timeout = Wait });
        await boxes.First.CheckAsync();
        await page.Page.GetByTestId("proxy-resident").FillAsync(resident);
        await page.Page.GetByTestId("proxy-save").ClickAsync();
        var card = page.Page.GetByTestId("proxy-request").Filter(new() { HasText = "城乡居民最低生活保障申请" }).Filter(new() { HasText = resident[..1] + "*" }).First;
        await Assertions.Expect(card).ToHaveAttributeAsync("data-level", "grid", new() { Timeout = Wait });
        await Assertions.Expect(card.GetByTestId("proxy-missing")).ToBeVisibleAsync();
        // Handing over with a document still missing is refused, and the refusal stays on screen.
        await card.GetByTestId("proxy-HandOver").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("proxy-error")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-level", "grid");
        foreach (var box in await card.Locator("[data-testid=proxy-missing-documents] input[type=checkbox]").AllAsync())
            await box.CheckAsync();
        await card.GetByTestId("proxy-HandOver").ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-level", "township", new() { Timeout = Wait });
        await page.ScreenshotAsync("proxy-phone");

        // The resident looks it up on the public tracker by its number: the service and where it is, no name.
        var number = (await card.InnerTextAsync()).Split(' ', '·').Select(t => t.Trim()).First(t => t.StartsWith("DB-", StringComparison.Ordinal));
        await page.Page.GotoAsync($"{stack.PortalUrl}/track/{number}");
        await Assertions.Expect(page.Page.GetByTestId("track-state")).ToHaveAttributeAsync("data-state", "handed", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("track-result")).ToContainTextAsync("城乡居民最低生活保障申请");
        await Assertions.Expect(page.Page.GetByTestId("track-result")).Not.ToContainTextAsync(resident[1..]);

        // The catalogue is public, by level, with its version and sources.
        await page.Page.GotoAsync($"{stack.PortalUrl}/catalogue/140428");
        await Assertions.Expect(page.Page.GetByTestId("catalogue-page")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("catalogue-version")).ToHaveAttributeAsync("data-version", "1", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.Locator("[data-testid=catalogue-township] [data-testid=catalogue-service]")).ToHaveCountAsync(78, new() { Timeout = Wait });
        await Assertions.Expect(page.Page.Locator("[data-testid=catalogue-village] [data-testid=catalogue-service]")).ToHaveCountAsync(43, new() { Timeout = Wait });
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task A_reported_dispute_event_opens_the_dispute_form_filled_and_the_desk_sees_columns_with_a_level_filter()
    {
        var page = await stack.OpenAsync("/disputes?event=4242&grid=140428203211006&kind=%E9%82%BB%E9%87%8C%E7%BA%A0%E7%BA%B7", 1400, 900, null, waitForMap: false);
        await page.SubmitSignInAsync("village");
        await Assertions.Expect(page.Page.GetByTestId("disputes-page")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("dispute-kind")).ToHaveValueAsync("邻里纠纷", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("dispute-grid")).ToHaveValueAsync("140428203211006");
        await Assertions.Expect(page.Page.GetByTestId("dispute-source")).ToHaveValueAsync("event");
        await Assertions.Expect(page.Page.GetByTestId("dispute-event")).ToContainTextAsync("4242");

        // At the desk the list is columns of cards, filtered by level.
        await page.Page.GotoAsync($"{stack.PortalUrl}/proxy");
        await Assertions.Expect(page.Page.GetByTestId("proxy-page")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Wait });
        if (await page.Page.GetByTestId("proxy-request").CountAsync() > 0)
        {
            var columns = await page.Page.EvalOnSelectorAsync<string>("[data-testid=proxy-requests]", "e => getComputedStyle(e).gridTemplateColumns");
            Assert.True(columns.Split(' ').Length >= 2, columns);
            var last = page.Page.GetByTestId("proxy-level-filter").Locator("button").Last;
            var shown = await last.GetAttributeAsync("data-testid");
            await last.ClickAsync();
            await Assertions.Expect(last).ToHaveClassAsync("active", new() { Timeout = Wait });
            var level = shown!["proxy-level-".Length..];
            foreach (var card in await page.Page.GetByTestId("proxy-request").AllAsync())
                Assert.Equal(level, await card.GetAttributeAsync("data-level"));
        }
        Assert.Empty(page.Errors);
    }
}
