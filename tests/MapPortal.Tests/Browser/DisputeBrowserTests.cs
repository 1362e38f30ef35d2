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
        await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/disputes", new() { Timeout = Wait });
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
}
