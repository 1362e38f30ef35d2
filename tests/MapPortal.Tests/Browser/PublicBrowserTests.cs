using System.Text.RegularExpressions;
using GridMap.Store.Accounts;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>A member of the public reports a problem on a phone without an account and follows it in the tracker, which hides personal data.</summary>
public sealed class PublicBrowserTests(PeopleStack stack) : IClassFixture<PeopleStack>
{
    private const float Wait = 30_000;

    [Fact]
    public async Task A_public_report_gets_a_tracking_number_and_the_tracker_shows_its_steps_without_personal_data()
    {
        const string description = "小区门口井盖松动，王大妈差点摔倒";
        var position = await stack.PointInGridAsync(DemoAccounts.GridManagerGrid);
        var page = await stack.OpenAsync("/public/report", 390, 844, position, waitForMap: false);
        await Assertions.Expect(page.Page.Locator("[data-interactive]").First).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.Locator("[data-testid=public-category] option[value='0601']")).ToHaveCountAsync(1, new() { Timeout = Wait });

        await page.Page.GetByTestId("public-category").SelectOptionAsync("0601");
        await page.Page.GetByTestId("public-description").FillAsync(description);
        await page.Page.GetByTestId("public-name").FillAsync("王建国");
        await page.Page.GetByTestId("public-phone").FillAsync("13912345678");
        await page.Page.GetByTestId("public-submit").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("public-error")).ToBeVisibleAsync(new() { Timeout = Wait });   // no place yet
        await page.Page.GetByTestId("public-locate").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("public-point")).ToContainTextAsync(
            // The page shows five decimals; the first two, cut (not rounded), are in them.
            (Math.Truncate(position.Longitude * 100) / 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = Wait });
        await page.Page.GetByTestId("public-submit").ClickAsync();

        var tracking = page.Page.GetByTestId("public-tracking");
        await Assertions.Expect(tracking).ToHaveTextAsync(new Regex("^GM-[0-9A-Z]{4}-[0-9A-Z]{4}$"), new() { Timeout = Wait });
        var number = (await tracking.InnerTextAsync()).Trim();
        Assert.Equal(1, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM event WHERE tracking_no = $1 AND channel = 'web' AND grid_code = $2 AND contact_phone = '13912345678'", number, DemoAccounts.GridManagerGrid));

        await page.Page.GetByTestId("public-track-link").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("track-state")).ToHaveAttributeAsync("data-state", "Reported", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("track-steps").Locator("li[data-action=Report]")).ToHaveCountAsync(1);
        var shown = await page.Page.GetByTestId("track-page").InnerTextAsync();
        Assert.DoesNotContain("王", shown);
        Assert.DoesNotContain("井盖松动", shown);
        Assert.DoesNotContain("5678", shown);
        await page.ScreenshotAsync("public-track");
    }

    [Fact]
    public async Task The_tracker_explains_a_malformed_or_unknown_number()
    {
        var page = await stack.OpenAsync("/track?no=DROP%20TABLE", waitForMap: false);
        await Assertions.Expect(page.Page.GetByTestId("track-error")).ToContainTextAsync("GM-XXXX-XXXX", new() { Timeout = Wait });
        await page.Page.GotoAsync($"{stack.PortalUrl}/track/GM-2222-2222");
        await Assertions.Expect(page.Page.GetByTestId("track-error")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("track-result")).ToHaveCountAsync(0);
    }
}
