using System.Globalization;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

[Collection("browser")]
public class LocateTests(PortalStack stack)
{
    private async Task<(string Code, double Lon, double Lat)> SomeGridAsync()
    {
        var village = (await stack.ChildrenAsync("140428100"))[1].GetProperty("code").GetString()!;
        var grid = (await stack.ChildrenAsync(village))[0];
        var point = grid.GetProperty("labelPoint").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        return (grid.GetProperty("code").GetString()!, point[0], point[1]);
    }

    [Fact]
    public async Task A_typed_lon_lat_finds_the_grid_and_its_chain()
    {
        var (code, lon, lat) = await SomeGridAsync();
        var portal = await stack.OpenAsync();
        await portal.Page.GetByTestId("locate-lon").FillAsync(lon.ToString("R", CultureInfo.InvariantCulture));
        await portal.Page.GetByTestId("locate-lat").FillAsync(lat.ToString("R", CultureInfo.InvariantCulture));
        var before = await portal.RenderCountAsync();
        await portal.Page.GetByTestId("locate-go").ClickAsync();
        await portal.Page.WaitForURLAsync($"**/map/{code}");
        await Assertions.Expect(portal.Page.GetByTestId("grid-code")).ToHaveTextAsync(code);
        await portal.WaitForMapAsync(before);
        Assert.StartsWith("山西省 › 长治市 › 长子县", await portal.BreadcrumbAsync());
        Assert.Empty(portal.Errors);
    }

    [Fact]
    public async Task Where_am_I_uses_the_phone_position()
    {
        var (code, lon, lat) = await SomeGridAsync();
        var portal = await stack.OpenAsync(width: 390, height: 844, position: new Geolocation { Longitude = (float)lon, Latitude = (float)lat });
        await portal.Page.GetByTestId("where-am-i").ClickAsync();
        await portal.Page.WaitForURLAsync($"**/map/{code}");
        await Assertions.Expect(portal.Page.GetByTestId("grid-code")).ToHaveTextAsync(code);
        Assert.Empty(portal.Errors);
    }

    [Fact]
    public async Task A_point_outside_Shanxi_says_so()
    {
        var portal = await stack.OpenAsync();
        await portal.Page.GetByTestId("locate-lon").FillAsync("116.40");
        await portal.Page.GetByTestId("locate-lat").FillAsync("39.90");
        await portal.Page.GetByTestId("locate-go").ClickAsync();
        await Assertions.Expect(portal.Page.GetByTestId("locate")).ToContainTextAsync("该位置不在山西省内");
        Assert.EndsWith("/map", portal.Page.Url);
        Assert.Empty(portal.Errors);
    }

    [Fact]
    public async Task The_vacancy_view_marks_vacant_grids_on_the_province_map()
    {
        var portal = await stack.OpenAsync("/map?vacancy=1");
        // The dots arrive after the first frame: wait for them on the canvas rather than for a time.
        await portal.Page.WaitForFunctionAsync("""
            () => {
              let count = 0;
              for (const canvas of document.querySelectorAll('[data-testid=map] canvas')) {
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                for (let i = 0; i < data.length; i += 4)
                  if (data[i] > 200 && data[i + 1] < 110 && data[i + 2] < 110 && data[i + 3] > 200) count++;
              }
              return count > 200;
            }
            """, null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await portal.ScreenshotAsync("vacancy-dots");
        Assert.Empty(portal.Errors);
    }
}
