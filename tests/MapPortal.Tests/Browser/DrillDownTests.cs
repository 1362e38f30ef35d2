using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

[CollectionDefinition("browser")]
public class BrowserCollection : ICollectionFixture<PortalStack>;

/// <summary>Province → 长治市 → 长子县 → a township → a village → a grid, by the list and by the map, in Chromium.</summary>
[Collection("browser")]
public class DrillDownTests(PortalStack stack)
{
    /// <summary>The path: 长治市, 长子县, then the first township, village and grid by code.</summary>
    private async Task<List<(string Code, string Name, double[] Point)>> PathAsync()
    {
        var path = new List<(string, string, double[])>();
        foreach (var code in new[] { "1404", "140428" })
        {
            var unit = await stack.UnitAsync(code);
            path.Add((code, unit.GetProperty("name").GetString()!, unit.GetProperty("labelPoint").EnumerateArray().Select(v => v.GetDouble()).ToArray()));
        }
        for (var i = 0; i < 3; i++)
        {
            var child = (await stack.ChildrenAsync(path[^1].Item1))[0];
            path.Add((child.GetProperty("code").GetString()!, child.GetProperty("name").GetString()!,
                child.GetProperty("labelPoint").EnumerateArray().Select(v => v.GetDouble()).ToArray()));
        }
        return path;
    }

    [Fact]
    public async Task Drilling_down_by_the_list_updates_panel_breadcrumb_and_URL_and_the_breadcrumb_drills_out()
    {
        var portal = await stack.OpenAsync();
        await Assertions.Expect(portal.Page.GetByTestId("unit-name")).ToHaveTextAsync("山西省");
        await portal.ScreenshotAsync("list-0-province");
        var names = new List<string> { "山西省" };
        var step = 1;
        foreach (var (code, name, _) in await PathAsync())
        {
            var before = await portal.RenderCountAsync();
            await portal.Page.Locator($"table.children a[data-code='{code}']").ClickAsync();
            await portal.WaitForUnitAsync(code, name, before);
            names.Add(name);
            Assert.Equal(string.Join(" › ", names), await portal.BreadcrumbAsync());
            await portal.ScreenshotAsync($"list-{step++}-{code}");
        }
        Assert.Matches("^[0-9]{15}$", await portal.Page.GetByTestId("grid-code").InnerTextAsync());
        Assert.NotEmpty(await portal.Page.GetByTestId("grid-manager").InnerTextAsync());

        var back = await portal.RenderCountAsync();
        await portal.Page.GetByTestId("breadcrumb").Locator("a[data-code='1404']").ClickAsync();
        await portal.WaitForUnitAsync("1404", "长治市", back);
        Assert.Empty(portal.Errors);
    }

    [Fact]
    public async Task Drilling_down_by_clicking_the_map_reaches_a_grid()
    {
        var portal = await stack.OpenAsync();
        var step = 1;
        foreach (var (code, name, point) in await PathAsync())
        {
            var before = await portal.RenderCountAsync();
            await portal.ClickMapAtAsync(point[0], point[1]);
            await portal.WaitForUnitAsync(code, name, before);
            await portal.ScreenshotAsync($"map-{step++}-{code}");
        }
        Assert.Equal(6, (await portal.BreadcrumbAsync()).Split(" › ").Length);
        Assert.Empty(portal.Errors);
    }

    [Fact]
    public async Task A_grid_URL_reloads_to_the_same_grid_and_back_and_forward_walk_the_drill_path()
    {
        var path = await PathAsync();
        var grid = path[^1];
        var portal = await stack.OpenAsync($"/map/{grid.Code}");
        await Assertions.Expect(portal.Page.GetByTestId("grid-code")).ToHaveTextAsync(grid.Code);
        var before = await portal.RenderCountAsync();
        await portal.Page.ReloadAsync();
        await portal.WaitForMapAsync(0);
        await Assertions.Expect(portal.Page.GetByTestId("grid-code")).ToHaveTextAsync(grid.Code);
        Assert.Contains(grid.Name, await portal.BreadcrumbAsync());

        before = await portal.RenderCountAsync();
        await portal.Page.GetByTestId("breadcrumb").Locator($"a[data-code='{path[1].Code}']").ClickAsync();
        await portal.WaitForUnitAsync(path[1].Code, path[1].Name, before);
        before = await portal.RenderCountAsync();
        await portal.Page.GoBackAsync();
        await portal.WaitForUnitAsync(grid.Code, grid.Name, before);
        before = await portal.RenderCountAsync();
        await portal.Page.GoForwardAsync();
        await portal.WaitForUnitAsync(path[1].Code, path[1].Name, before);
        Assert.Empty(portal.Errors);
    }

    [Fact]
    public async Task Search_finds_Zhangzi_by_name_and_Enter_drills_to_it()
    {
        var portal = await stack.OpenAsync();
        await portal.Page.GetByTestId("search").FillAsync("长子");
        await Assertions.Expect(portal.Page.GetByTestId("search-results").Locator("li").First).ToContainTextAsync("长子县");
        var before = await portal.RenderCountAsync();
        await portal.Page.GetByTestId("search").PressAsync("Enter");
        await portal.WaitForUnitAsync("140428", "长子县", before);
        await portal.ScreenshotAsync("search-changzi");
        Assert.Empty(portal.Errors);
    }

    [Fact]
    public async Task The_map_canvas_is_drawn_from_our_own_tiles()
    {
        var portal = await stack.OpenAsync("/map/140428");
        await portal.WaitForUnitAsync("140428", "长子县", 0);
        // Count pixels that differ from the plain background on the map's canvases.
        var drawn = await portal.Page.EvaluateAsync<int>("""
            () => {
              let count = 0;
              for (const canvas of document.querySelectorAll('[data-testid=map] canvas')) {
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                for (let i = 0; i < data.length; i += 16) if (data[i + 3] > 0) count++;
              }
              return count;
            }
            """);
        Assert.True(drawn > 10_000, $"only {drawn} drawn pixels");
        Assert.Empty(portal.Errors);
    }

    [Fact]
    public async Task The_vacancy_view_ranks_units_by_vacant_grids()
    {
        var portal = await stack.OpenAsync("/map?vacancy=1");
        await Assertions.Expect(portal.Page.GetByTestId("vacancy")).ToBeCheckedAsync();
        var vacant = await portal.Page.Locator("table.children tbody tr td[data-col=vacant]").AllInnerTextsAsync();
        var counts = vacant.Select(v => int.Parse(v.Replace(",", ""))).ToList();
        Assert.Equal(counts.OrderDescending(), counts);
        Assert.Equal(735, counts.Sum());
        await portal.ScreenshotAsync("vacancy-province");
        Assert.Empty(portal.Errors);
    }

    [Fact]
    public async Task English_is_one_click_away_and_stays()
    {
        var portal = await stack.OpenAsync("/map/140428");
        await Assertions.Expect(portal.Page.GetByTestId("layers")).ToContainTextAsync("网格");
        await portal.Page.GetByTestId("language").ClickAsync();
        await Assertions.Expect(portal.Page.GetByTestId("layers")).ToContainTextAsync("Grids", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        Assert.EndsWith("/map/140428", portal.Page.Url);
        Assert.Empty(portal.Errors);
    }

    [Fact]
    public async Task On_a_phone_the_map_and_panel_stack()
    {
        var portal = await stack.OpenAsync("/map/1404", width: 390, height: 844);
        var map = await portal.Page.GetByTestId("map").BoundingBoxAsync();
        var side = await portal.Page.GetByTestId("side").BoundingBoxAsync();
        Assert.True(side!.Y >= map!.Y + map.Height - 1, "the panel should sit below the map");
        Assert.True(side.Width > 350);
        await portal.ScreenshotAsync("phone-changzhi");
        Assert.Empty(portal.Errors);
    }
}
