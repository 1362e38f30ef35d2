using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SkiaSharp;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>
/// The portal over the province with an operator's XYZ basemap that this stack serves itself (issue 19 item 5): a
/// checkered 256-pixel tile for every z/x/y it is asked for, and every request remembered.
/// </summary>
public sealed class BasemapStack : PortalStack
{
    public const string Attribution = "© 测试县影像服务";

    private WebApplication? imagery;

    public ConcurrentQueue<string> Requests { get; } = new();

    protected override async Task<IReadOnlyDictionary<string, string?>> PortalSettingsAsync()
    {
        var tile = Tile();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        imagery = builder.Build();
        imagery.MapGet("/xyz/{z:int}/{x:int}/{y:int}.png", (int z, int x, int y, HttpContext http) =>
        {
            Requests.Enqueue(http.Request.Path);
            return Results.File(tile, "image/png");
        });
        await imagery.StartAsync();
        var address = imagery.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Dictionary<string, string?>
        {
            ["Basemap:Kind"] = "xyz",
            ["Basemap:Url"] = address.TrimEnd('/') + "/xyz/{z}/{x}/{y}.png",
            ["Basemap:Attribution"] = Attribution,
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (imagery is not null)
            await imagery.DisposeAsync();
    }

    private static byte[] Tile()
    {
        using var surface = SKSurface.Create(new SKImageInfo(256, 256));
        surface.Canvas.Clear(new SKColor(0x5a, 0x8f, 0x5a));
        using var paint = new SKPaint { Color = new SKColor(0x3d, 0x6b, 0x3d) };
        for (var i = 0; i < 256; i += 64)
            for (var j = (i / 64) % 2 * 32; j < 256; j += 64)
                surface.Canvas.DrawRect(i, j, 32, 32, paint);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}

public sealed class BasemapBrowserTests(BasemapStack stack) : IClassFixture<BasemapStack>
{
    [Fact]
    public async Task An_operators_xyz_basemap_draws_under_the_grids_with_its_attribution_in_sight()
    {
        var page = await stack.OpenAsync("/map");
        await Assertions.Expect(page.Page.Locator(".ol-attribution")).ToContainTextAsync(BasemapStack.Attribution, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.Locator(".ol-attribution")).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.Locator(".basemap-layer")).ToHaveCountAsync(1);
        Assert.NotEmpty(stack.Requests);
        Assert.All(stack.Requests, path => Assert.Matches(@"^/xyz/\d{1,2}/\d+/\d+\.png$", path));
        // The tiles asked for cover Shanxi (about 110.2–114.6° E, 34.6–40.7° N) at the zoom the map opened on.
        var (z, x, y) = stack.Requests.Select(p => p.Split('/')).Select(p => (int.Parse(p[2]), int.Parse(p[3]), int.Parse(p[4].Split('.')[0]))).First();
        var lon = x / Math.Pow(2, z) * 360 - 180;
        Assert.InRange(lon, 100, 120);
        Assert.InRange(y, 0, (1 << z) - 1);
        await page.ScreenshotAsync("basemap-xyz");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task A_unit_view_prints_as_one_landscape_page_with_title_date_legend_scale_bar_and_north_arrow_over_the_basemap()
    {
        var page = await stack.OpenAsync("/map/140428");
        await Assertions.Expect(page.Page.GetByTestId("unit-name")).ToHaveTextAsync("长子县", new() { Timeout = 30_000 });
        // The button asks the browser to print once the sheet is drawn; the test takes that dialog's place and prints to
        // PDF itself, in the same Chromium, with the print stylesheet.
        await page.Page.EvaluateAsync("() => { window.print = () => { window.gridmap.printAsked = window.gridmap.printReady; }; }");
        await page.Page.GetByTestId("map-print").ClickAsync();
        await page.Page.WaitForFunctionAsync("() => window.gridmap.printAsked === true", null, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("map-print-title")).ToHaveTextAsync("长子县（140428）");
        await page.Page.EmulateMediaAsync(new() { Media = Media.Print });
        await page.ScreenshotAsync("map-print");
        var pdf = await page.Page.PdfAsync(new() { PrintBackground = true, PreferCSSPageSize = true });
        await File.WriteAllBytesAsync(Path.Combine(PortalStack.Screenshots, "map-print.pdf"), pdf);
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        Assert.Equal(1, document.NumberOfPages);
        var sheet = document.GetPage(1);
        Assert.True(sheet.Width > sheet.Height, $"a landscape sheet, not {sheet.Width}×{sheet.Height}");
        // The embedded CJK font maps some glyphs to the Kangxi radicals (⼦ for 子): read as NFKC, the way a reader searches.
        var text = string.Concat(sheet.Letters.Select(l => l.Value)).Normalize(System.Text.NormalizationForm.FormKC);
        await File.WriteAllTextAsync(Path.Combine(PortalStack.Screenshots, "map-print.txt"), text);
        // 长 comes out as the radical ⻓, which has no compatibility form: the title is found by the rest and the code.
        foreach (var expected in new[] { "子县(140428)", "行政边界", "网格", BasemapStack.Attribution.Replace(" ", ""), "km", "N" })
            Assert.Contains(expected, text.Replace(" ", ""));
        Assert.Matches(@"20\d\d-\d\d-\d\d\d\d:\d\d", text.Replace(" ", ""));
        Assert.Empty(page.Errors);
    }
}
