using System.Text.Json;
using GridMap.Domain;
using GridMap.Domain.Codes;
using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Boundaries;
using GridMap.Store.Planning;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace GridMap.GeoApi.Planning;

/// <summary>
/// Boundary editing for planners (网格调整): a village's edit session (lock, draft, edits, publish), its versions and the
/// diff map of each. Geometries are GeoJSON in CGCS2000 lon/lat; every refusal is problem+json.
/// </summary>
public static class PlanningApi
{
    /// <summary>A whole draft's grids (PUT) may be a few thousand vertices per grid for a large village.</summary>
    public const long MaxDraftBytes = 4 * 1024 * 1024;

    public const int MaxReason = 500;

    public static IEndpointRouteBuilder MapPlanningApi(this IEndpointRouteBuilder app)
    {
        var village = app.MapGroup("/api/planning/villages/{village}").WithTags("Planning").RequireAuthorization();
        village.MapGet("/", Session).WithSummary("The village's published version, who holds its edit lock, and your draft.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        village.MapPost("/lock", AcquireLock).DisableAntiforgery().WithSmallBody()
            .WithSummary("Take the village's edit lock for two hours (or renew your own); 409 names the holder and expiry.")
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        village.MapPost("/lock/extend", ExtendLock).DisableAntiforgery().WithSmallBody()
            .WithSummary("Two more hours from now on your live lock.").ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        village.MapDelete("/lock", ReleaseLock).WithSummary("Give the lock up; your draft is kept.").ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        village.MapGet("/draft", GetDraft)
            .WithSummary("Your draft with the live preview (households, people, open events per proposed grid) and violations; made from the published layout when you have none. Lock holder only.")
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        village.MapPost("/draft/edits", Edit).DisableAntiforgery().WithSmallBody()
            .WithSummary("Apply one edit: split (grid, line), merge (grid, other), dissolve (grid into other), carve (polygon), moveVertex (from, to), reshapeEdge (grid, other, line).")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(422);
        village.MapPut("/draft", Replace).DisableAntiforgery().WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxDraftBytes))
            .WithSummary("Replace your draft's grids with a FeatureCollection (properties.code: an existing grid's code, or null for a new grid).")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(422);
        village.MapDelete("/draft", DiscardDraft).WithSummary("Discard your draft.").ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        village.MapPost("/publish", Publish).DisableAntiforgery().WithSmallBody()
            .WithSummary("Publish your draft as the village's next version: new codes, buildings, households and open events re-linked, managers carried or flagged, all in one transaction.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        village.MapGet("/versions", Versions).WithSummary("The village's published versions, newest first.").ProducesProblem(403).ProducesProblem(404);
        village.MapGet("/versions/{version:int}/diff", Diff)
            .WithSummary("The diff map of a version: grids it retired or reshaped as they were before (side before), and every grid after it, each marked added, retired, reshaped or kept.")
            .ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    public sealed record EditRequest(int? DraftVersion, string? Edit, string? Grid, string? Other, JsonElement? Line, JsonElement? Polygon,
        double[]? From, double[]? To);

    public sealed record ReplaceRequest(int? DraftVersion, JsonElement? Grids);

    public sealed record PublishRequest(int? DraftVersion, string? Reason);

    public static async Task<Results<Ok<VillageSession>, ProblemHttpResult>> Session(string village, HttpContext http, PlanningStore store, CancellationToken ct) =>
        !TryVillage(village, out var code, out var problem) ? problem : (await store.SessionAsync(RequestCaller.Get(http), code, ct)).ToResult(http.Response);

    public static async Task<Results<Ok<LockView>, ProblemHttpResult>> AcquireLock(string village, HttpContext http, PlanningStore store, CancellationToken ct) =>
        !TryVillage(village, out var code, out var problem)
            ? problem
            : (await store.AcquireLockAsync(RequestCaller.Get(http), code, ct)).ToResult(http.Response);

    public static async Task<Results<Ok<LockView>, ProblemHttpResult>> ExtendLock(string village, HttpContext http, PlanningStore store, CancellationToken ct) =>
        !TryVillage(village, out var code, out var problem) ? problem : (await store.ExtendLockAsync(RequestCaller.Get(http), code, ct)).ToResult(http.Response);

    public static async Task<Results<NoContent, ProblemHttpResult>> ReleaseLock(string village, HttpContext http, PlanningStore store, CancellationToken ct)
    {
        if (!TryVillage(village, out var code, out var problem))
            return problem;
        var outcome = await store.ReleaseLockAsync(RequestCaller.Get(http), code, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Problem.ToProblem(http.Response);
    }

    public static async Task<Results<Ok<DraftView>, ProblemHttpResult>> GetDraft(string village, HttpContext http, PlanningStore store, CancellationToken ct) =>
        !TryVillage(village, out var code, out var problem) ? problem : (await store.GetDraftAsync(RequestCaller.Get(http), code, ct)).ToResult(http.Response);

    public static async Task<Results<NoContent, ProblemHttpResult>> DiscardDraft(string village, HttpContext http, PlanningStore store, CancellationToken ct)
    {
        if (!TryVillage(village, out var code, out var problem))
            return problem;
        var outcome = await store.DiscardDraftAsync(RequestCaller.Get(http), code, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Problem.ToProblem(http.Response);
    }

    public static async Task<Results<Ok<DraftView>, ProblemHttpResult>> Edit(string village, EditRequest? body, HttpContext http, PlanningStore store,
        CancellationToken ct)
    {
        if (!TryVillage(village, out var code, out var problem))
            return problem;
        if (body?.DraftVersion is not { } draftVersion)
            return ApiProblems.BadRequest("draftVersion is required: the version of the draft you are editing (GET …/draft).");
        if (body.Edit is null || !DraftEdit.Kinds.Contains(body.Edit))
            return ApiProblems.BadRequest($"edit is one of {string.Join(", ", DraftEdit.Kinds)}.");
        if (new[] { body.Grid, body.Other }.Any(g => g is not null && (g.Length != 15 || !g.All(char.IsAsciiDigit))))
            return ApiProblems.BadRequest("grid and other are 15-digit grid codes.");
        LineString? line = null;
        Polygon? polygon = null;
        if (body.Line is { } lineJson)
        {
            if (!TryGeometry(lineJson, "line", out var parsed, out problem))
                return problem!;
            if (parsed is not LineString { NumPoints: >= 2 } asLine)
                return ApiProblems.BadRequest("line is a GeoJSON LineString of at least two positions.");
            if (!asLine.IsSimple)
                return ApiProblems.Unprocessable("The line crosses itself; draw it without loops.");
            line = asLine;
        }
        if (body.Polygon is { } polygonJson)
        {
            if (!TryGeometry(polygonJson, "polygon", out var parsed, out problem))
                return problem!;
            if (parsed is not Polygon asPolygon)
                return ApiProblems.BadRequest("polygon is a GeoJSON Polygon.");
            var validity = new NetTopologySuite.Operation.Valid.IsValidOp(asPolygon);
            if (!validity.IsValid)
                return ApiProblems.Unprocessable($"The polygon is not valid: {validity.ValidationError.Message} near " +
                    $"{validity.ValidationError.Coordinate.X:0.######}, {validity.ValidationError.Coordinate.Y:0.######}.");
            polygon = asPolygon;
        }
        if (!TryPosition(body.From, "from", out var from, out problem) || !TryPosition(body.To, "to", out var to, out problem))
            return problem!;
        var edit = new DraftEdit(body.Edit, body.Grid, body.Other, line, polygon, from, to);
        return (await store.EditDraftAsync(RequestCaller.Get(http), code, draftVersion, edit, ct)).ToResult(http.Response);
    }

    public static async Task<Results<Ok<DraftView>, ProblemHttpResult>> Replace(string village, ReplaceRequest? body, HttpContext http, PlanningStore store,
        CancellationToken ct)
    {
        if (!TryVillage(village, out var code, out var problem))
            return problem;
        if (body?.DraftVersion is not { } draftVersion)
            return ApiProblems.BadRequest("draftVersion is required: the version of the draft you are replacing.");
        if (body.Grids is not { ValueKind: JsonValueKind.Object } grids)
            return ApiProblems.BadRequest("grids is a GeoJSON FeatureCollection.");
        FeatureCollection? collection;
        try
        {
            collection = grids.Deserialize<FeatureCollection>(Geo.GeoJsonOptions);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            return ApiProblems.Unprocessable("grids is not a readable GeoJSON FeatureCollection: " + CodeRoute.Truncate(e.Message));
        }
        if (collection is null)
            return ApiProblems.BadRequest("grids is a GeoJSON FeatureCollection.");
        var features = new List<DraftFeature>();
        foreach (var feature in collection)
        {
            if (feature.Geometry is null || !InShanxiBox(feature.Geometry))
                return ApiProblems.Unprocessable($"Feature {features.Count + 1} has no geometry in CGCS2000 lon/lat degrees within Shanxi.");
            var gridCode = feature.Attributes?.Exists("code") == true ? feature.Attributes["code"]?.ToString() : null;
            features.Add(new DraftFeature(string.IsNullOrEmpty(gridCode) ? null : gridCode, feature.Geometry));
        }
        if (features.Count == 0)
            return ApiProblems.Unprocessable("grids holds no features; a village needs at least one grid.");
        return (await store.ReplaceDraftAsync(RequestCaller.Get(http), code, draftVersion, features, ct)).ToResult(http.Response);
    }

    public static async Task<Results<Ok<PublishResult>, ProblemHttpResult>> Publish(string village, PublishRequest? body, HttpContext http, PlanningStore store,
        CancellationToken ct)
    {
        if (!TryVillage(village, out var code, out var problem))
            return problem;
        if (body?.DraftVersion is not { } draftVersion)
            return ApiProblems.BadRequest("draftVersion is required: the version of the draft you publish.");
        var reason = body.Reason?.Trim() ?? "";
        if (reason.Length is < 1 or > MaxReason || reason.Any(char.IsControl))
            return ApiProblems.BadRequest($"reason is required: 1–{MaxReason} characters saying why the grids change, no control characters.");
        return (await store.PublishAsync(RequestCaller.Get(http), code, draftVersion, reason, ct)).ToResult(http.Response);
    }

    public static async Task<Results<Ok<IReadOnlyList<VersionView>>, ProblemHttpResult>> Versions(string village, HttpContext http, PlanningStore store,
        CancellationToken ct) =>
        !TryVillage(village, out var code, out var problem) ? problem : (await store.VersionsAsync(RequestCaller.Get(http), code, ct)).ToResult(http.Response);

    public static async Task<Results<Ok<FeatureCollectionView<DiffProperties>>, ProblemHttpResult>> Diff(string village, int version, HttpContext http,
        PlanningStore store, CancellationToken ct) =>
        !TryVillage(village, out var code, out var problem)
            ? problem
            : (await store.DiffAsync(RequestCaller.Get(http), code, version, ct)).ToResult(http.Response);

    private static bool TryVillage(string text, out AdminCode village, out ProblemHttpResult problem)
    {
        if (text.Length == 12 && text.All(char.IsAsciiDigit) && AdminCode.TryParse(text, out village, out _))
        {
            problem = null!;
            return true;
        }
        village = default;
        problem = ApiProblems.BadRequest($"'{CodeRoute.Truncate(text)}' is not a village code: 12 digits.");
        return false;
    }

    private static bool TryGeometry(JsonElement json, string name, out Geometry? geometry, out ProblemHttpResult? problem)
    {
        geometry = null;
        problem = null;
        try
        {
            geometry = json.ValueKind == JsonValueKind.Object ? json.Deserialize<Geometry>(Geo.GeoJsonOptions) : null;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            geometry = null;
        }
        if (geometry is null || geometry.IsEmpty)
        {
            problem = ApiProblems.BadRequest($"{name} is not readable GeoJSON geometry.");
            return false;
        }
        if (!InShanxiBox(geometry))
        {
            problem = ApiProblems.BadRequest($"{name} must be CGCS2000 lon/lat degrees within Shanxi (lon 110–115, lat 34–41).");
            return false;
        }
        geometry.SRID = Srids.Cgcs2000;
        return true;
    }

    private static bool TryPosition(double[]? position, string name, out Coordinate? coordinate, out ProblemHttpResult? problem)
    {
        coordinate = null;
        problem = null;
        if (position is null)
            return true;
        if (position.Length != 2 || !ShanxiBox.Contains(position[0], position[1]))
        {
            problem = ApiProblems.BadRequest($"{name} is [lon, lat] in CGCS2000 degrees within Shanxi (lon 110–115, lat 34–41).");
            return false;
        }
        coordinate = new Coordinate(position[0], position[1]);
        return true;
    }

    private static bool InShanxiBox(Geometry geometry) => geometry.Coordinates.All(c => ShanxiBox.Contains(c.X, c.Y));

}
