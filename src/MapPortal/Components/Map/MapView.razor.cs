using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;

namespace GridMap.MapPortal.Components.Map;

/// <summary>
/// The one map of the portal: OpenLayers through <c>MapView.razor.js</c>, which draws what it is handed and reports
/// clicks and drawings back here. State handed over before the map exists is kept and replayed once it does.
/// </summary>
public sealed partial class MapView : IAsyncDisposable
{
    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Inject] private Microsoft.Extensions.Options.IOptions<BasemapOptions> Basemap { get; set; } = default!;

    /// <summary>The printed sheet's title; the page's title when not given.</summary>
    [Parameter] public string? PrintTitle { get; set; }

    private ElementReference viewElement;

    /// <summary>
    /// Prints this map as one landscape A4 page: title and date above it, legend, scale bar and north arrow on it. The map
    /// is first redrawn at the sheet's size, then the browser's print (or save as PDF) opens.
    /// </summary>
    public async Task PrintAsync()
    {
        if (map is null)
            return;
        await map.InvokeVoidAsync("preparePrint", viewElement, PrintTitle, GridMap.Domain.ChinaTime.Format(DateTimeOffset.UtcNow));
        await JS.InvokeVoidAsync("print");
    }

    private ElementReference element;
    private ElementReference positionElement;
    private IJSObjectReference? module;
    private IJSObjectReference? map;
    private DotNetObjectReference<MapView>? self;
    private (string Code, string? Geometry, double[] Bbox)? pending;
    private string? incidentQuery;
    private readonly Dictionary<string, bool> layerVisibility = new();
    private bool? vacancy;
    private string? vacantPoints;
    private string? tracks;
    private double[]? marker;
    private IReadOnlyList<LivePoint>? liveEvents;
    private bool heatmap;
    private string? draft;
    private string? diff;
    private string? problems;
    private IReadOnlyList<string> selection = [];
    private string? tool;

    /// <summary>Base URL of the tiling service as the browser reaches it.</summary>
    [Parameter, EditorRequired] public string TilesUrl { get; set; } = "";

    /// <summary>
    /// The extent (lon/lat) of the first view and the zoom-to-extent button; null takes the bounds the tiling service's
    /// TileJSON gives for its data (Shanxi).
    /// </summary>
    [Parameter] public double[]? Extent { get; set; }

    /// <summary>
    /// The signed-in person's bearer token: with it the map adds the per-account buildings layer (from zoom 15),
    /// fetched with this token so the tile service draws only what the account may see.
    /// </summary>
    [Parameter] public string? AccessToken { get; set; }

    /// <summary>A click on the map, in lon/lat.</summary>
    [Parameter] public EventCallback<(double Lon, double Lat)> OnMapClick { get; set; }

    /// <summary>Adds the per-account incidents layer (needs <see cref="AccessToken"/>): events coloured by deadline, clustered when zoomed out.</summary>
    [Parameter] public bool ShowIncidents { get; set; }

    /// <summary>A click on an event (live point, replay step or incident), with its id.</summary>
    [Parameter] public EventCallback<long> OnEventClick { get; set; }

    /// <summary>Planning: a click on a draft grid while the select tool is on, with the grid's (future) code.</summary>
    [Parameter] public EventCallback<string> OnDraftGridClick { get; set; }

    /// <summary>Planning: a line drawn with the line tool, as lon/lat points.</summary>
    [Parameter] public EventCallback<double[][]> OnLineDraw { get; set; }

    /// <summary>Planning: a polygon drawn with the polygon tool, its outer ring as lon/lat points.</summary>
    [Parameter] public EventCallback<double[][]> OnPolygonDraw { get; set; }

    /// <summary>Planning: a vertex dragged with the vertex tool, from and to as lon/lat.</summary>
    [Parameter] public EventCallback<(double[] From, double[] To)> OnVertexMove { get; set; }

    /// <summary>One event point for the live overlay; <see cref="Deadline"/> picks the colour.</summary>
    public sealed record LivePoint(long Id, double Lon, double Lat, string Deadline, string State, bool Urgent);

    /// <summary>One step of the day replay; steps up to the replay index are drawn.</summary>
    public sealed record ReplayPoint(long Id, double Lon, double Lat, string State, int Index);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
            return;
        module = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Map/MapView.razor.js");
        self = DotNetObjectReference.Create(this);
        map = await module.InvokeAsync<IJSObjectReference>("createMap", element, positionElement,
            new
            {
                tilesUrl = TilesUrl, extent = Extent, zoomToExtentLabel = L["ZoomToExtent"].Value, accessToken = AccessToken, incidents = ShowIncidents,
                basemap = Basemap.Value is { Enabled: true } b
                    ? new { kind = b.Kind, url = b.Url, attribution = b.Attribution, maxZoom = b.MaxZoom, layer = b.Layer, matrixSet = b.MatrixSet, format = b.Format, style = b.Style }
                    : null,
            }, self);
        if (liveEvents is not null)
            await map.InvokeVoidAsync("setLiveEvents", liveEvents, true);
        if (heatmap)
            await map.InvokeVoidAsync("setHeatmap", true);
        foreach (var (name, visible) in layerVisibility)
            await map.InvokeVoidAsync("setLayerVisible", name, visible);
        if (vacantPoints is not null)
            await map.InvokeVoidAsync("setVacantPoints", vacantPoints);
        if (tracks is not null)
            await map.InvokeVoidAsync("setTracks", tracks);
        if (vacancy is { } on)
            await map.InvokeVoidAsync("setVacancyMode", on);
        if (freshnessMode)
            await map.InvokeVoidAsync("setFreshnessMode", true);
        if (incidentQuery is not null)
            await map.InvokeVoidAsync("setIncidentFilter", incidentQuery);
        if (pending is { } unit)
            await map.InvokeVoidAsync("showUnit", unit.Code, unit.Geometry, unit.Bbox, false);
        if (marker is not null)
            await map.InvokeVoidAsync("setMarker", marker);
        if (draft is not null)
            await map.InvokeVoidAsync("setDraft", draft);
        if (diff is not null)
            await map.InvokeVoidAsync("setDiff", diff);
        if (problems is not null)
            await map.InvokeVoidAsync("setProblems", problems);
        if (selection.Count > 0)
            await map.InvokeVoidAsync("setSelection", selection);
        if (tool is not null)
            await map.InvokeVoidAsync("setEditTool", tool);
    }

    /// <summary>Draws a village's draft grids (a GeoJSON FeatureCollection; null clears them).</summary>
    public async Task SetDraftAsync(string? featureCollection)
    {
        draft = featureCollection;
        if (map is not null)
            await map.InvokeVoidAsync("setDraft", featureCollection);
    }

    public async Task SetSelectionAsync(IReadOnlyList<string> codes)
    {
        selection = codes;
        if (map is not null)
            await map.InvokeVoidAsync("setSelection", codes);
    }

    /// <summary>Switches the edit tool: "select", "line", "polygon", "vertex", or null for none.</summary>
    public async Task SetEditToolAsync(string? editTool)
    {
        tool = editTool;
        if (map is not null)
            await map.InvokeVoidAsync("setEditTool", editTool);
    }

    /// <summary>Draws a version's before/after FeatureCollection (null clears it).</summary>
    public async Task SetDiffAsync(string? featureCollection)
    {
        diff = featureCollection;
        if (map is not null)
            await map.InvokeVoidAsync("setDiff", featureCollection);
    }

    /// <summary>Marks where topology rules are broken (a FeatureCollection; null clears the marks).</summary>
    public async Task SetProblemsAsync(string? featureCollection)
    {
        problems = featureCollection;
        if (map is not null)
            await map.InvokeVoidAsync("setProblems", featureCollection);
    }

    /// <summary>Flies to a GeoJSON geometry.</summary>
    public async Task ZoomToAsync(string geometry)
    {
        if (map is not null)
            await map.InvokeVoidAsync("zoomTo", geometry);
    }

    /// <summary>Refetches the grid tiles (after a publish changed them).</summary>
    public async Task RefreshGridsAsync()
    {
        if (map is not null)
            await map.InvokeVoidAsync("refreshGrids");
    }

    /// <summary>Highlights a unit, dims everything outside it and flies to it (the first call, before the map exists, just sets the view).</summary>
    public async Task ShowUnitAsync(string code, string? geometry, double[] bbox)
    {
        pending = (code, geometry, bbox);
        if (map is not null)
            await map.InvokeVoidAsync("showUnit", code, geometry, bbox, true);
    }

    /// <summary>Shows one pin at a lon/lat (null clears it).</summary>
    public async Task SetMarkerAsync(double[]? lonLat)
    {
        marker = lonLat;
        if (map is not null)
            await map.InvokeVoidAsync("setMarker", lonLat);
    }

    public async Task SetLayerVisibleAsync(string name, bool visible)
    {
        layerVisibility[name] = visible;
        if (map is not null)
            await map.InvokeVoidAsync("setLayerVisible", name, visible);
    }

    private bool freshnessMode;

    public async Task SetVacancyModeAsync(bool on)
    {
        vacancy = on;
        if (map is not null)
            await map.InvokeVoidAsync("setVacancyMode", on);
    }

    public async Task SetVacantPointsAsync(string geojson)
    {
        vacantPoints = geojson;
        if (map is not null)
            await map.InvokeVoidAsync("setVacantPoints", geojson);
    }

    /// <summary>Shows patrol tracks (a GeoJSON FeatureCollection of lines); null clears them.</summary>
    public async Task SetTracksAsync(string? geojson)
    {
        tracks = geojson;
        if (map is not null)
            await map.InvokeVoidAsync("setTracks", geojson);
    }

    /// <summary>Replaces the live overlay's points (before the map exists, they wait for it).</summary>
    public async Task SetLiveEventsAsync(IReadOnlyList<LivePoint> points)
    {
        liveEvents = points;
        if (map is not null)
            await map.InvokeVoidAsync("setLiveEvents", points, true);
    }

    /// <summary>Adds or moves one pushed event (drawn with a fresh-change ring).</summary>
    public async Task UpsertLiveEventAsync(LivePoint point)
    {
        if (map is not null)
            await map.InvokeVoidAsync("setLiveEvents", new[] { point }, false);
        else
            liveEvents = [.. (liveEvents ?? []).Where(p => p.Id != point.Id), point];
    }

    public async Task RemoveLiveEventAsync(long id)
    {
        if (map is not null)
            await map.InvokeVoidAsync("removeLiveEvent", id);
        else if (liveEvents is not null)
            liveEvents = [.. liveEvents.Where(p => p.Id != id)];
    }

    public async Task SelectEventAsync(long id)
    {
        if (map is not null)
            await map.InvokeVoidAsync("selectEvent", id);
    }

    public async Task SetHeatmapAsync(bool on)
    {
        heatmap = on;
        if (map is not null)
            await map.InvokeVoidAsync("setHeatmap", on);
    }

    /// <summary>Shows or hides the register freshness layer (needs <see cref="AccessToken"/>).</summary>
    public async Task SetFreshnessModeAsync(bool on)
    {
        freshnessMode = on;
        if (map is not null)
            await map.InvokeVoidAsync("setFreshnessMode", on);
    }

    /// <summary>Refetches the freshness tiles after a register change (per account, never cached by the server).</summary>
    public async Task RefreshFreshnessAsync()
    {
        if (map is not null)
            await map.InvokeVoidAsync("refreshFreshness");
    }

    /// <summary>Refetches the incidents tiles (after a resync; they are private, never cached by the server).</summary>
    public async Task RefreshIncidentsAsync()
    {
        if (map is not null)
            await map.InvokeVoidAsync("refreshIncidents");
    }

    /// <summary>Narrows the incidents tiles to the command centre's filters (a query string such as "major=01&amp;open=1"; empty for all).</summary>
    public async Task SetIncidentFilterAsync(string query)
    {
        // Kept for the map when the page sets it before the map exists (the first list can come first).
        incidentQuery = query;
        if (map is not null)
            await map.InvokeVoidAsync("setIncidentFilter", query);
    }

    public async Task SetReplayAsync(IReadOnlyList<ReplayPoint>? steps)
    {
        if (map is null)
            return;
        await map.InvokeVoidAsync("setReplayMode", steps is not null);
        if (steps is not null)
        {
            await map.InvokeVoidAsync("setReplaySteps", steps);
            await map.InvokeVoidAsync("setReplayIndex", -1);
        }
    }

    public async Task SetReplayIndexAsync(int index)
    {
        if (map is not null)
            await map.InvokeVoidAsync("setReplayIndex", index);
    }

    /// <summary>The browser's position as lon/lat, or null when it has none or may not tell.</summary>
    public async Task<double[]?> CurrentPositionAsync() =>
        module is null ? null : await module.InvokeAsync<double[]?>("currentPosition");

    [JSInvokable]
    public Task OnMapClicked(double lon, double lat) => OnMapClick.InvokeAsync((lon, lat));

    [JSInvokable]
    public Task OnEventClicked(long id) => OnEventClick.InvokeAsync(id);

    [JSInvokable]
    public Task OnDraftGridClicked(string code) => OnDraftGridClick.InvokeAsync(code);

    [JSInvokable]
    public Task OnLineDrawn(double[][] points) => OnLineDraw.InvokeAsync(points);

    [JSInvokable]
    public Task OnPolygonDrawn(double[][] ring) => OnPolygonDraw.InvokeAsync(ring);

    [JSInvokable]
    public Task OnVertexMoved(double[] from, double[] to) => OnVertexMove.InvokeAsync((from, to));

    public async ValueTask DisposeAsync()
    {
        // During prerendering there is no browser: nothing was created, nothing to release.
        if (module is null)
            return;
        try
        {
            if (map is not null)
            {
                await map.InvokeVoidAsync("dispose");
                await map.DisposeAsync();
            }
            await module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone with the browser tab; so are the objects.
        }
        self?.Dispose();
    }
}
