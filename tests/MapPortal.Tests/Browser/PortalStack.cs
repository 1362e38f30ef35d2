using System.Net.Http.Json;
using System.Text.Json;
using GridMap.GeoApi;
using GridMap.Testing;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>
/// The real thing for browser tests: GeoApi, the tiling service and the portal on Kestrel (ports chosen by the OS)
/// over the generated province, and Debian's Chromium driven by Playwright.
/// </summary>
public class PortalStack : IAsyncLifetime
{
    private HostFactory<GeoApiHost>? geoApi;
    private HostFactory<GridMap.Tiling.TilingHost>? tiling;
    private HostFactory<PortalHost>? portal;
    private IPlaywright? playwright;
    private readonly string tileCache = Path.Combine(Path.GetTempPath(), "gridmap-portal-tiles-" + Guid.NewGuid().ToString("N"));

    public IBrowser Browser { get; private set; } = null!;
    public string PortalUrl { get; private set; } = "";
    public HttpClient GeoApi { get; private set; } = null!;

    /// <summary>The tiling service's URL, without the trailing slash.</summary>
    public string TilesUrl { get; private set; } = "";

    public static string Screenshots { get; } = Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots");

    /// <summary>The database the three hosts serve: the shared generated province unless a subclass brings its own.</summary>
    protected virtual Task<string> DatabaseAsync() => TestDatabases.ProvinceAsync();

    /// <summary>Settings a subclass gives the portal beside the hosts' addresses (e.g. a basemap it serves itself).</summary>
    protected virtual Task<IReadOnlyDictionary<string, string?>> PortalSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());

    public async Task InitializeAsync()
    {
        var province = await DatabaseAsync();
        tiling = new HostFactory<GridMap.Tiling.TilingHost>(province, new Dictionary<string, string?> { ["Tiling:CacheDirectory"] = tileCache });
        tiling.UseKestrel(0);
        tiling.StartServer();
        var tilesUrl = tiling.CreateClient().BaseAddress!.ToString();
        TilesUrl = tilesUrl.TrimEnd('/');

        // The field app's bundle names the tiling service: the phone keeps its grid's tiles.
        geoApi = new HostFactory<GeoApiHost>(province, new Dictionary<string, string?> { ["Field:TilesUrl"] = tilesUrl });
        geoApi.UseKestrel(0);
        geoApi.StartServer();
        GeoApi = geoApi.CreateClient();

        var settings = new Dictionary<string, string?>(await PortalSettingsAsync())
        {
            ["GeoApi:BaseUrl"] = GeoApi.BaseAddress!.ToString(),
            ["GeoApi:TilesUrl"] = tilesUrl,
        };
        portal = new HostFactory<PortalHost>("", settings);
        portal.UseKestrel(0);
        portal.StartServer();
        PortalUrl = portal.CreateClient().BaseAddress!.ToString().TrimEnd('/');

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        playwright?.Dispose();
        foreach (var host in new IAsyncDisposable?[] { portal, tiling, geoApi })
            if (host is not null)
                await host.DisposeAsync();
        await TempFolders.DeleteAsync(tileCache);
    }

    /// <summary>A fresh page that records console errors and failed requests.</summary>
    public async Task<PortalPage> OpenAsync(string path = "/map", int width = 1280, int height = 800, Geolocation? position = null, bool waitForMap = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Geolocation = position,
            Permissions = position is null ? [] : ["geolocation"],
        });
        var page = await context.NewPageAsync();
        var wrapper = new PortalPage(page, this);
        page.Console += (_, message) => { if (message.Type == "error") wrapper.Errors.Add(message.Text); };
        page.PageError += (_, error) => wrapper.Errors.Add(error);
        if (waitForMap)
            await wrapper.GotoAsync(path);
        else
            await page.GotoAsync(PortalUrl + path);
        return wrapper;
    }

    public async Task<JsonElement> UnitAsync(string code) => await GeoApi.GetFromJsonAsync<JsonElement>($"/api/units/{code}");

    public async Task<JsonElement> ChildrenAsync(string code) =>
        (await GeoApi.GetFromJsonAsync<JsonElement>($"/api/units/{code}/children")).GetProperty("children");
}

/// <summary>One browser page on the portal, with the waits the map needs (its render counter, never sleeps).</summary>
public sealed class PortalPage(IPage page, PortalStack stack)
{
    public IPage Page { get; } = page;
    public List<string> Errors { get; } = [];

    public async Task GotoAsync(string path)
    {
        var before = await RenderCountAsync();
        await Page.GotoAsync(stack.PortalUrl + path);
        await WaitForMapAsync(before);
    }

    public async Task<int> RenderCountAsync()
    {
        try
        {
            return await Page.EvaluateAsync<int>("() => window.gridmap ? window.gridmap.renderCount : 0");
        }
        catch (PlaywrightException)
        {
            return 0;
        }
    }

    /// <summary>On the sign-in page a protected path redirected to: fills in a demo account and submits it.</summary>
    public async Task SubmitSignInAsync(string username)
    {
        await Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/login"), new PageWaitForURLOptions { Timeout = 30_000 });
        await Page.GetByTestId("username").FillAsync(username);
        await Page.GetByTestId("password").FillAsync(GridMap.Store.Accounts.DemoAccounts.Password);
        // The form posts to /account/login, which answers with a redirect: back to /login?error=… when the sign-in was
        // refused (said at once, with the reason), else on to the page asked for.
        var answer = await Page.RunAndWaitForResponseAsync(() => Page.GetByTestId("sign-in").ClickAsync(),
            r => new Uri(r.Url).AbsolutePath == "/account/login", new PageRunAndWaitForResponseOptions { Timeout = 120_000 });
        var location = await answer.HeaderValueAsync("location") ?? "";
        if (answer.Status is < 300 or >= 400 || location.StartsWith("/login", StringComparison.Ordinal))
            throw new InvalidOperationException($"sign-in of {username} refused: {answer.Status} → {location}");
        // Patience, not a speed check: with every test project running at once on two cores, the redirect has taken
        // over 30 s. Callers then wait for their page as before.
        await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal),
            new PageWaitForURLOptions { Timeout = 120_000, WaitUntil = WaitUntilState.Commit });
    }

    /// <summary>Waits until the map has finished drawing more often than <paramref name="after"/> times.</summary>
    public async Task WaitForMapAsync(int after = 0) =>
        await Page.WaitForFunctionAsync("n => window.gridmap && window.gridmap.renderCount > n", after, new PageWaitForFunctionOptions { Timeout = 30_000 });

    /// <summary>Waits for the panel to show a unit (and the map to draw it).</summary>
    public async Task WaitForUnitAsync(string code, string name, int renderBefore)
    {
        var suffix = code == "14" ? "/map" : $"/map/{code}";
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == suffix, new PageWaitForURLOptions { Timeout = 30_000 });
        await Assertions.Expect(Page.GetByTestId("unit-name")).ToHaveTextAsync(name, new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        await WaitForMapAsync(renderBefore);
        await Page.WaitForFunctionAsync("code => window.gridmap.shown === code", code, new PageWaitForFunctionOptions { Timeout = 30_000 });
    }

    /// <summary>Clicks the map where a lon/lat is drawn now.</summary>
    public async Task ClickMapAtAsync(double lon, double lat)
    {
        var pixel = await Page.EvaluateAsync<double[]>("([lon, lat]) => window.gridmap.pixelOf(lon, lat)", new[] { lon, lat });
        var box = await Page.GetByTestId("map").BoundingBoxAsync();
        await Page.Mouse.ClickAsync((float)(box!.X + pixel[0]), (float)(box.Y + pixel[1]));
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalStack.Screenshots, name + ".png") });

    public async Task<string> BreadcrumbAsync() =>
        string.Join(" › ", await Page.GetByTestId("breadcrumb").Locator("a, .current").AllInnerTextsAsync());
}
