using Bunit;
using GridMap.MapPortal.Components.Map;

namespace GridMap.MapPortal.Tests.Components;

/// <summary>What MapView asks of OpenLayers through JS interop (bUnit runs no JavaScript).</summary>
public class MapViewTests : ComponentTest
{
    [Fact]
    public async Task Creates_the_map_on_first_render_and_forwards_view_changes()
    {
        var module = Context.JSInterop.SetupModule("./Components/Map/MapView.razor.js");
        var map = module.SetupModule("createMap", _ => true);
        map.SetupVoid("showUnit", _ => true).SetVoidResult();
        map.SetupVoid("setVacancyMode", _ => true).SetVoidResult();
        map.SetupVoid("setLayerVisible", _ => true).SetVoidResult();

        var view = Context.Render<MapView>(p => p.Add(m => m.TilesUrl, "http://tiles.test/"));
        var create = module.VerifyInvoke("createMap");
        Assert.Contains("http://tiles.test/", System.Text.Json.JsonSerializer.Serialize(create.Arguments[2]));

        await view.InvokeAsync(() => view.Instance.ShowUnitAsync("140428", "{\"type\":\"Feature\"}", [112.5, 35.8, 113.1, 36.4]));
        var show = map.VerifyInvoke("showUnit");
        Assert.Equal("140428", show.Arguments[0]);
        Assert.Equal(true, show.Arguments[3]);

        await view.InvokeAsync(() => view.Instance.SetVacancyModeAsync(true));
        Assert.Equal(true, map.VerifyInvoke("setVacancyMode").Arguments[0]);
        await view.InvokeAsync(() => view.Instance.SetLayerVisibleAsync("png", true));
        Assert.Equal(["png", true], map.VerifyInvoke("setLayerVisible").Arguments);
    }

    [Fact]
    public async Task A_map_click_comes_back_to_dotnet_as_lon_lat()
    {
        var module = Context.JSInterop.SetupModule("./Components/Map/MapView.razor.js");
        module.SetupModule("createMap", _ => true);
        (double Lon, double Lat)? clicked = null;
        var view = Context.Render<MapView>(p => p.Add(m => m.TilesUrl, "http://tiles.test/").Add(m => m.OnMapClick, point => clicked = point));
        await view.InvokeAsync(() => view.Instance.OnMapClicked(112.87, 36.12));
        Assert.Equal((112.87, 36.12), clicked);
    }

    [Fact]
    public async Task Edit_tools_hand_the_drawing_back_to_dotnet_and_the_draft_goes_to_the_map()
    {
        var module = Context.JSInterop.SetupModule("./Components/Map/MapView.razor.js");
        var map = module.SetupModule("createMap", _ => true);
        map.SetupVoid("setDraft", _ => true).SetVoidResult();
        map.SetupVoid("setEditTool", _ => true).SetVoidResult();
        string? picked = null;
        double[][]? line = null, ring = null;
        (double[] From, double[] To)? moved = null;
        var view = Context.Render<MapView>(p => p.Add(m => m.TilesUrl, "http://tiles.test/")
            .Add(m => m.OnDraftGridClick, code => picked = code)
            .Add(m => m.OnLineDraw, points => line = points)
            .Add(m => m.OnPolygonDraw, points => ring = points)
            .Add(m => m.OnVertexMove, move => moved = move));

        await view.InvokeAsync(() => view.Instance.SetDraftAsync("""{"type":"FeatureCollection","features":[]}"""));
        Assert.Contains("FeatureCollection", (string)map.VerifyInvoke("setDraft").Arguments[0]!);
        await view.InvokeAsync(() => view.Instance.SetEditToolAsync("line"));
        Assert.Equal("line", map.VerifyInvoke("setEditTool").Arguments[0]);

        await view.InvokeAsync(() => view.Instance.OnDraftGridClicked("140428102246003"));
        await view.InvokeAsync(() => view.Instance.OnLineDrawn([[112.75, 36.16], [112.77, 36.16]]));
        await view.InvokeAsync(() => view.Instance.OnPolygonDrawn([[112.75, 36.16], [112.76, 36.16], [112.76, 36.17], [112.75, 36.16]]));
        await view.InvokeAsync(() => view.Instance.OnVertexMoved([112.765, 36.165], [112.766, 36.164]));
        Assert.Equal("140428102246003", picked);
        Assert.Equal(2, line!.Length);
        Assert.Equal(4, ring!.Length);
        Assert.Equal([112.766, 36.164], moved!.Value.To);
    }
}
