using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>The KPI page: the province account reads 晋中市's 2013 figures, sees the charts and drills into a county.</summary>
public sealed class KpiBrowserTests(PeopleStack stack) : IClassFixture<PeopleStack>
{
    private static readonly LocatorAssertionsToHaveTextOptions Text = new() { Timeout = 30_000 };
    private static readonly PageWaitForURLOptions Navigated = new() { Timeout = 30_000, WaitUntil = WaitUntilState.Commit };

    [Fact]
    public async Task The_province_reads_jinzhong_2013_and_drills_into_a_county()
    {
        const string path = "/kpi/1407?year=2013";
        var page = await stack.OpenAsync(path, waitForMap: false);
        await page.SubmitSignInAsync("province");
        // Only the navigation is awaited here (the page's own load can take long on a busy machine); the assertions below wait for content.
        await page.Page.WaitForURLAsync(url => new Uri(url).PathAndQuery == path, Navigated);

        await Assertions.Expect(page.Page.GetByTestId("kpi-accepted")).ToHaveTextAsync("338,000", Text);
        await Assertions.Expect(page.Page.GetByTestId("rate-KpiDisposal")).ToHaveTextAsync(new Regex(@"^98\.5% \([\d,]+ / [\d,]+\)$"), Text);
        await Assertions.Expect(page.Page.GetByTestId("kpi-child")).ToHaveCountAsync(11, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("kpi-bar")).ToHaveAttributeAsync("data-rendered", new Regex(@"^[1-9]"), new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("kpi-csv")).ToHaveAttributeAsync("href", "/kpi/export/1407?year=2013");
        await Assertions.Expect(page.Page.Locator("[data-testid=kpi-assessment] tbody tr")).ToHaveCountAsync(11, new() { Timeout = 30_000 });
        await page.ScreenshotAsync("kpi-jinzhong-2013");

        await page.Page.GetByTestId("kpi-children").GetByRole(AriaRole.Link, new() { Name = "榆次区" }).ClickAsync();
        await page.Page.WaitForURLAsync(url => new Uri(url).PathAndQuery == "/kpi/140702?year=2013", Navigated);
        await Assertions.Expect(page.Page.GetByTestId("kpi-title")).ToContainTextAsync("榆次区", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("kpi-breadcrumb")).ToContainTextAsync("晋中市", new() { Timeout = 30_000 });

        // Without a period the page opens on the latest year with events (2013 here), not on an empty current year.
        await page.Page.GotoAsync($"{stack.PortalUrl}/kpi/1407");
        await Assertions.Expect(page.Page.GetByTestId("kpi-title")).ToContainTextAsync("2013", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("kpi-accepted")).ToHaveTextAsync("338,000", Text);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task The_county_reads_the_grid_manager_ranking_of_a_township_with_every_denominator_and_downloads_it_as_excel()
    {
        var year = DateTime.UtcNow.AddHours(8).Year;
        var path = $"/assessment/140428203?year={year}";
        var page = await stack.OpenAsync(path, waitForMap: false);
        await page.SubmitSignInAsync("county");
        await page.Page.WaitForURLAsync(url => new Uri(url).PathAndQuery == path, Navigated);

        await Assertions.Expect(page.Page.GetByTestId("asm-title")).ToContainTextAsync("南陈乡", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("asm-total-freshness")).ToHaveTextAsync(new Regex(@"^\d+\.\d% \([\d,]+ / [\d,]+\)$"), Text);
        await Assertions.Expect(page.Page.GetByTestId("asm-grid").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var first = page.Page.GetByTestId("asm-grid").First;
        await Assertions.Expect(first.Locator("td").First).ToHaveTextAsync("1");
        await Assertions.Expect(first.GetByTestId("asm-freshness")).ToHaveTextAsync(new Regex(@"\([\d,]+ / [\d,]+\)$"));
        Assert.True(await page.Page.Locator("[data-testid=asm-groups] tbody tr").CountAsync() > 1);
        await page.ScreenshotAsync("assessment-nanchen");

        var excel = await page.Page.GetByTestId("asm-xlsx").GetAttributeAsync("href");
        var download = await page.Page.Context.APIRequest.GetAsync(new Uri(new Uri(page.Page.Url), excel!).ToString());
        Assert.Equal(200, download.Status);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", download.Headers["content-type"]);
        Assert.Equal((byte)'P', (await download.BodyAsync())[0]);

        await page.Page.Locator("[data-testid=asm-groups] tbody tr a").First.ClickAsync();
        await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/assessment/140428203", StringComparison.Ordinal)
            && new Uri(url).AbsolutePath.Length == "/assessment/".Length + 12, Navigated);
        await Assertions.Expect(page.Page.GetByTestId("asm-grid").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Empty(page.Errors);
    }
}
