using System.Text.Json;
using GridMap.Domain.Codes;
using GridMap.MapPortal.Account;
using GridMap.MapPortal.Components.Map;
using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace GridMap.MapPortal.Components.Planning;

/// <summary>
/// Boundary planning for one village: the planner takes the edit lock, edits a draft on the map (GeoApi recomputes it
/// after every edit), reads the live preview and publishes with a reason; or downloads and uploads the grids as a file.
/// The page holds the session's state and talks to GeoApi and the map; the panels show it and hand clicks back.
/// </summary>
public sealed partial class PlanningPage
{
    [Inject] private GeoApiClient Api { get; set; } = default!;

    [Inject] private PortalUser User { get; set; } = default!;

    [Inject] private NavigationManager Nav { get; set; } = default!;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Inject] private IOptions<GeoApiOptions> Options { get; set; } = default!;

    /// <summary>Who edits grid boundaries: planners (in their area; GeoApi checks it) and the administrator.</summary>
    public const string PlannerRoles = "planner,admin";

    [Parameter] public string? VillageCode { get; set; }
    [SupplyParameterFromQuery(Name = "area")] public string? Area { get; set; }
    [SupplyParameterFromQuery(Name = "diff")] public int? DiffVersion { get; set; }

    private SignedIn? me;
    private MapView? map;
    private bool ready;
    private bool busy;
    private string? message;
    private string? loaded;
    private string? framed;
    private string areaName = "";
    private IReadOnlyList<UnitRefDto> chain = [];
    private IReadOnlyList<ChildDto> children = [];
    private PlanningVillageDto? village;
    private DraftViewDto? draft;
    private IReadOnlyList<DraftGridRow> rows = [];
    private List<DraftViolationDto>? refused;
    private List<string>? fileProblems;

    // Actions run one at a time and a click while one runs is dropped; the count of finished ones lets a script wait for its own.
    private int actionsDone;

    // GeoApi's file limit (20 MB) with room to spare; GeoApi answers 413 past its own.
    private const long MaxGridFileBytes = 21 * 1024 * 1024;

    private List<string> selection = [];
    private string? pendingEdit;
    private string? tool;
    private string reason = "";
    private PublishResultDto? published;
    private PublishConflict? conflict;
    private List<PlanVersionDto> versions = [];
    private int? diffShown;
    private bool diffDirty;
    private bool draftDirty;

    private bool IHoldLock => village?.Lock is { } held && me is not null && held.Holder == me.Username && held.ExpiresAt > Time.GetUtcNow();

    /// <summary>The violations to show: those of a refused edit or publish, else the draft's own.</summary>
    private IReadOnlyList<DraftViolationDto> Violations => refused ?? (IReadOnlyList<DraftViolationDto>?)draft?.Violations ?? [];

    protected override async Task OnParametersSetAsync()
    {
        if (!RendererInfo.IsInteractive)
            return;
        me ??= await User.GetAsync();
        if (me is null)
            return;
        var key = VillageCode ?? "area:" + (Area ?? me.Scope);
        if (key != loaded)
        {
            loaded = key;
            ResetSession();
            if (VillageCode is null)
                await LoadAreaAsync(Area ?? me.Scope);
            else
                await LoadVillageAsync();
        }
        if (DiffVersion != diffShown)
            diffDirty = true;
        ready = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (map is null)
            return;
        var frame = VillageCode ?? Area ?? me?.Scope;
        if (frame is not null && framed != frame)
        {
            framed = frame;
            var unit = await Api.GetUnitAsync(frame);
            if (unit.Value is { } u)
                await map.ShowUnitAsync(u.Code, (await Api.GetGeometryAsync(frame)).Value, u.Bbox);
        }
        if (draftDirty || diffDirty)
        {
            draftDirty = false;
            await ShowDiffAsync();
            await map.SetDraftAsync(DiffVersion is null && IHoldLock ? draft?.Grids.GetRawText() : null);
            await map.SetSelectionAsync(selection);
            await map.SetProblemsAsync(ProblemLocations());
            await map.SetEditToolAsync(IHoldLock && draft is not null && DiffVersion is null ? tool ?? "select" : null);
        }
    }

    private void ResetSession()
    {
        village = null;
        draft = null;
        rows = [];
        refused = null;
        selection = [];
        pendingEdit = null;
        tool = null;
        published = null;
        conflict = null;
        versions = [];
        message = null;
        draftDirty = true;
    }

    private async Task LoadAreaAsync(string area)
    {
        var unit = await Api.GetUnitAsync(area);
        var list = await Api.GetChildrenAsync(area);
        message = unit.Error ?? list.Error;
        chain = unit.Value?.Chain ?? [];
        areaName = unit.Value?.Name ?? area;
        children = list.Value?.Children ?? [];
    }

    private async Task LoadVillageAsync()
    {
        var unit = await Api.GetUnitAsync(VillageCode!);
        chain = unit.Value?.Chain.Where(c => c.Code != VillageCode).ToList() ?? [];
        areaName = unit.Value?.Name ?? VillageCode!;
        await LoadStatusAsync();
        await LoadVersionsAsync();
        if (IHoldLock)
            await LoadDraftAsync();
    }

    private async Task LoadStatusAsync()
    {
        var result = await Api.GetPlanningVillageAsync(VillageCode!, me!.Token);
        village = result.Value;
        message = result.Error;
    }

    private async Task LoadVersionsAsync()
    {
        var result = await Api.GetPlanVersionsAsync(VillageCode!, me!.Token);
        versions = result.Value ?? [];
        message ??= result.Error;
    }

    private async Task LoadDraftAsync()
    {
        var result = await Api.GetDraftAsync(VillageCode!, me!.Token);
        if (result.Value is { } view)
            ShowDraft(view);
        else
            message = result.Error;
    }

    private void ShowDraft(DraftViewDto view)
    {
        draft = view;
        rows = view.Rows();
        refused = null;
        var codes = rows.Select(r => r.Code).ToHashSet();
        selection = selection.Where(codes.Contains).ToList();
        draftDirty = true;
    }

    private async Task TakeLockAsync() => await RunAsync(async () =>
    {
        var result = await Api.TakeLockAsync(VillageCode!, me!.Token);
        await LoadStatusAsync();
        message = result.Error;
        if (result.Ok)
        {
            published = null;
            await LoadDraftAsync();
        }
    });

    private async Task ContinueAsync() => await RunAsync(async () =>
    {
        published = null;
        if (draft is null)
            await LoadDraftAsync();
        if (DiffVersion is not null)
            Go(diff: 0);
    });

    private async Task ExtendLockAsync() => await RunAsync(async () =>
    {
        var result = await Api.ExtendLockAsync(VillageCode!, me!.Token);
        await LoadStatusAsync();
        message = result.Error;
    });

    private async Task ReleaseLockAsync() => await RunAsync(async () =>
    {
        var result = await Api.ReleaseLockAsync(VillageCode!, me!.Token);
        await LoadStatusAsync();
        message = result.Error;
        EndTool();
        draftDirty = true;
    });

    private async Task DiscardDraftAsync() => await RunAsync(async () =>
    {
        var result = await Api.DiscardDraftAsync(VillageCode!, me!.Token);
        message = result.Error;
        selection = [];
        EndTool();
        // A fresh draft from the published layout, so editing can start over at once.
        if (result.Ok)
            await LoadDraftAsync();
        await LoadStatusAsync();
    });

    private async Task ToggleAsync(string code)
    {
        if (pendingEdit is not null && pendingEdit != "split" && pendingEdit != "reshapeEdge")
            return;
        selection = selection.Contains(code) ? selection.Where(c => c != code).ToList() : [.. selection.TakeLast(1), code];
        if (map is not null)
            await map.SetSelectionAsync(selection);
    }

    private async Task ClearSelectionAsync()
    {
        selection = [];
        if (map is not null)
            await map.SetSelectionAsync(selection);
    }

    /// <summary>Starts an edit that needs a drawing: the map switches tool and the drawing comes back through the callbacks.</summary>
    private async Task StartAsync(string edit)
    {
        pendingEdit = edit;
        tool = edit switch { "split" or "reshapeEdge" => "line", "carve" => "polygon", _ => "vertex" };
        message = null;
        if (map is not null)
            await map.SetEditToolAsync(tool);
    }

    private async Task CancelToolAsync()
    {
        EndTool();
        if (map is not null)
            await map.SetEditToolAsync("select");
    }

    private void EndTool()
    {
        pendingEdit = null;
        tool = null;
    }

    private Task LineDrawnAsync(double[][] points) => pendingEdit switch
    {
        "split" when selection.Count == 1 => EditAsync(new DraftEdit("split", selection[0], Line: points)),
        "reshapeEdge" when selection.Count == 2 => EditAsync(new DraftEdit("reshapeEdge", selection[0], selection[1], Line: points)),
        _ => Task.CompletedTask,
    };

    private Task PolygonDrawnAsync(double[][] ring) =>
        pendingEdit == "carve" ? EditAsync(new DraftEdit("carve", Polygon: ring)) : Task.CompletedTask;

    private Task VertexMovedAsync((double[] From, double[] To) move) =>
        pendingEdit == "moveVertex" ? EditAsync(new DraftEdit("moveVertex", From: move.From, To: move.To), keepTool: true) : Task.CompletedTask;

    /// <summary>Sends one edit; the answer (the whole draft as GeoApi recomputed it) replaces what the page shows.</summary>
    private async Task EditAsync(DraftEdit edit, bool keepTool = false) => await RunAsync(async () =>
    {
        var result = await Api.EditDraftAsync(VillageCode!, draft!.DraftVersion, edit, me!.Token);
        if (result.Value is { } view)
        {
            if (!keepTool)
            {
                EndTool();
                selection = [];
            }
            ShowDraft(view);
            message = null;
            return;
        }
        message = result.Error;
        if (result.Status == 409)
        {
            // Someone (another tab) moved the draft on: show it as it is now, the edit is not lost from the planner's view.
            await LoadDraftAsync();
            message = result.Error;
        }
        else
        {
            refused = PlanningProblems.Violations(result.Problem);
            // The refused drawing is gone from the map; redraw the draft as it was.
            draftDirty = true;
            if (!keepTool)
                EndTool();
        }
    });

    private async Task PublishAsync() => await RunAsync(async () =>
    {
        conflict = null;
        var result = await Api.PublishAsync(VillageCode!, draft!.DraftVersion, reason.Trim(), me!.Token);
        if (result.Value is { } done)
        {
            published = done;
            reason = "";
            message = null;
            EndTool();
            selection = [];
            await LoadStatusAsync();
            await LoadVersionsAsync();
            // The map shows what the publish changed; editing on goes through "continue", which starts a draft from the new version.
            draft = null;
            rows = [];
            draftDirty = true;
            if (map is not null)
                await map.RefreshGridsAsync();
            Go(diff: done.Version);
            return;
        }
        message = result.Error;
        if (result.Status == 409)
            conflict = PlanningProblems.Conflict(result.Error ?? "", result.Problem);
        else if (result.Status == 422)
        {
            refused = PlanningProblems.Violations(result.Problem);
            draftDirty = true;
        }
    });

    /// <summary>An edited GeoJSON, GeoPackage or zipped shapefile becomes the draft; a file with problems lists them all and changes nothing.</summary>
    private async Task ImportFileAsync(InputFileChangeEventArgs e) => await RunAsync(async () =>
    {
        fileProblems = null;
        await using var stream = e.File.OpenReadStream(MaxGridFileBytes);
        var result = await Api.ImportGridFileAsync(VillageCode!, e.File.Name, stream, me!.Token);
        if (result.Value is { } view)
        {
            message = null;
            ShowDraft(view);
            return;
        }
        message = result.Error;
        fileProblems = PlanningProblems.FileProblems(result.Problem);
    });

    private async Task RunAsync(Func<Task> action)
    {
        if (busy)
            return;
        busy = true;
        try
        {
            await action();
        }
        finally
        {
            busy = false;
            actionsDone++;
        }
    }

    private async Task ShowDiffAsync()
    {
        if (!diffDirty || map is null)
            return;
        diffDirty = false;
        diffShown = DiffVersion;
        string? geojson = null;
        if (DiffVersion is { } version && VillageCode is not null)
        {
            var result = await Api.GetPlanDiffAsync(VillageCode, version, me!.Token);
            geojson = result.Value;
            message ??= result.Error;
        }
        await map.SetDiffAsync(geojson);
    }

    private async Task ZoomToAsync(DraftViolationDto violation)
    {
        if (map is not null && violation.Location is { ValueKind: JsonValueKind.Object } location)
            await map.ZoomToAsync(location.GetRawText());
    }

    /// <summary>Every violation's location as one FeatureCollection, for the map's problem marks.</summary>
    private string? ProblemLocations()
    {
        var features = Violations.Where(v => v.Location is { ValueKind: JsonValueKind.Object })
            .Select(v => new { type = "Feature", geometry = v.Location, properties = new { rule = v.Rule } }).ToList();
        return features.Count == 0 ? null : JsonSerializer.Serialize(new { type = "FeatureCollection", features });
    }

    /// <summary>The page's state lives in the URL (village in the path, the diff shown in the query); 0 clears the diff.</summary>
    private void Go(int? diff = null) =>
        Nav.NavigateTo(Nav.GetUriWithQueryParameter("diff", diff is 0 ? null : diff ?? DiffVersion));

    private static string AreaLink(string code, AdminLevel? level = null) =>
        level == AdminLevel.Village || code.Length == 12 ? $"/planning/{code}" : $"/planning?area={code}";
}
