using Microsoft.Playwright;

namespace GridMap.Cli.Bench;

/// <summary>Debian's Chromium, headless, as every browser benchmark runs it; and a portal page signed in as a demo account.</summary>
internal static class BenchBrowser
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--enable-precise-memory-info"],
        });

    /// <summary>A new context of <paramref name="width"/>×<paramref name="height"/>, signed in through the portal's own form.</summary>
    public static async Task<IPage> SignedInAsync(IBrowser browser, string portalUrl, string username, string password, int width, int height)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(portalUrl + "/login");
        await page.GetByTestId("username").FillAsync(username);
        await page.GetByTestId("password").FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal) && new Uri(url).AbsolutePath != "/account/login",
            new PageWaitForURLOptions { Timeout = 60_000 });
        return page;
    }
}
