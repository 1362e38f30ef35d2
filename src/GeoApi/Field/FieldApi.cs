using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Events;
using GridMap.Store.Field;
using GridMap.Store.Register;
using GridMap.Store.Residents;
using NetTopologySuite.Geometries;

namespace GridMap.GeoApi.Field;

/// <summary>
/// What the grid manager's field app (/field) reads and writes besides the register and events: the bundle of the own
/// grid it keeps on the phone for offline work, visits (走访) and patrols (隐患巡查) uploaded from its queue. Every
/// upload carries the idempotency key the phone gave it when it was recorded (body or <c>Idempotency-Key</c> header).
/// </summary>
public static class FieldApi
{
    /// <summary>A visit's body may carry one photo (≤ 5 MB, base64).</summary>
    public const long MaxVisitBytes = 7_500_000;

    public const long MaxPatrolBytes = 2_000_000;

    public const int MaxBundleBuildings = 2_000;

    /// <summary>The grid's visit list (走访名单) on the phone: its special-group records, soonest due first.</summary>
    public const int MaxBundleVisits = 500;

    public static IEndpointRouteBuilder MapFieldApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/field").WithTags("Field app").RequireAuthorization();
        g.MapGet("/bundle", Bundle).WithSmallBody()
            .WithSummary("The own grid for offline work: outline, building cards (masked as everywhere), categories, households due for verification.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        g.MapPost("/visits", Visit).DisableAntiforgery().WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxVisitBytes))
            .WithSummary("Record a visit (走访) to a household: note, time, position, one photo.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(413);
        g.MapPost("/patrols", Patrol).DisableAntiforgery().WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxPatrolBytes))
            .WithSummary("Upload a finished patrol: its track ([lon, lat] points in order) and check-ins. Coverage = buildings passed within 50 m.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413);
        g.MapGet("/patrols", Patrols).WithSummary("The patrols of one day (China time) in an area you cover, with track length, time and coverage.")
            .ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/coverage", Coverage)
            .WithSummary("巡查覆盖率 of one day for an area you cover and each child unit: buildings within 50 m of that day's tracks / buildings.")
            .ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    public sealed record VisitRequest(long? HouseholdId, DateTimeOffset? VisitedAt, string? Note, double? Lon, double? Lat, string? Photo, string? PhotoType,
        string? IdempotencyKey);

    public sealed record CheckInRequest(DateTimeOffset? At, string? Label, string? BuildingCode, double? Lon, double? Lat);

    public sealed record PatrolRequest(string? GridCode, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, double[][]? Points, CheckInRequest[]? CheckIns,
        string? IdempotencyKey);

    public sealed record GridOutline(string Code, string Name, Geometry Outline);

    /// <summary>
    /// What the phone keeps of its grid. <c>Moves</c> are the move requests waiting for this grid's side: people another
    /// grid sends here (the manager chooses their house) and claims on this grid's residents by the grid they moved to.
    /// <c>Visits</c> is the visit list: the special-group records of the grid the manager may read, soonest due first.
    /// </summary>
    public sealed record FieldBundle(string Account, string Role, GridOutline Grid, IReadOnlyList<BuildingCard> Buildings,
        IReadOnlyList<EventCategoryInfo> Categories, IReadOnlyList<StaleHousehold> StaleHouseholds, DateTimeOffset SyncedAt, FieldTiles? Tiles,
        IReadOnlyList<EventSummary> Tasks, IReadOnlyList<MoveRequestView> Moves, IReadOnlyList<VisitDue> Visits, FieldCatalogue? Catalogue);

    /// <summary>The county's service catalogue as the phone needs it to take proxy requests (代办) offline.</summary>
    public sealed record FieldCatalogue(int Version, IReadOnlyList<FieldService> Services);

    /// <summary>A catalogue service: its key, where it is offered, the department, the documents and the working days given.</summary>
    public sealed record FieldService(int Key, string Level, string Department, string Name, IReadOnlyList<string> Documents, int WorkingDays);

    /// <summary>The grid's events whose handling was reported done and wait for the manager's on-site check (核查).</summary>
    private static readonly EventFilter ToVerify = new(States: ["FeedbackGiven"], Limit: 200);

    public static async Task<IResult> Bundle(string? grid, HttpContext http, FieldStore field, ResidentStore residents, RegisterStore register,
        EventStore events, Store.Proxy.CatalogueStore catalogues, TimeProvider clock, Microsoft.Extensions.Options.IOptions<FieldOptions> options,
        CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        var code = grid ?? (caller.Role == Role.GridManager ? caller.Scope.Value : null);
        if (code is null)
            return Refuse(Problem.InvalidField("grid", "Name the grid (15 digits) to take into the field."), http);
        if (code.Length != 15 || !code.All(char.IsAsciiDigit))
            return Refuse(Problem.InvalidField("grid", $"'{CodeRoute.Truncate(code)}' is not a grid code (15 digits)."), http);
        if (!caller.Holds(DataCategory.Buildings))
            return Refuse(Problem.Forbidden("Your role does not read the building register."), http);
        if (await field.GridAsync(caller, code, ct) is not var (name, outline))
            return Refuse(Problem.NotFound($"No grid {code} in your area."), http);
        var codes = await field.BuildingCodesAsync(caller, code, ct) ?? [];
        var cards = new List<BuildingCard>();
        foreach (var building in codes.Take(MaxBundleBuildings))
            if (await residents.GetBuildingAsync(caller, building, "field app sync", ct) is { } card)
                cards.Add(card);
        var stale = AdminCode.TryParse(code, out var unit, out _) ? await register.StaleHouseholdsAsync(caller, unit, 500, ct) ?? [] : [];
        return TypedResults.Ok(new FieldBundle(caller.Username, caller.Role.ToString(), new GridOutline(code, name, outline), cards,
            await events.CategoriesAsync(ct), stale, clock.GetUtcNow(), FieldTiles.For(options.Value.TilesUrl),
            await events.ListAsync(caller, AdminCode.Parse(code), ToVerify, ct),
            (await register.MovesAsync(caller, all: false, ct)).Where(m => m.AwaitingGrid == code).ToList(),
            await residents.ListSpecialGroupsAsync(caller, AdminCode.Parse(code), null, null, MaxBundleVisits, "field app sync", ct) ?? [],
            await catalogues.GetAsync(code[..6], null, ct) is { } catalogue
                ? new FieldCatalogue(catalogue.Version, [.. catalogue.Services.Select(s => new FieldService(s.Key, s.Level, s.Department, s.Name, s.Documents, s.WorkingDaysGiven))])
                : null));
    }

    public static async Task<IResult> Visit(VisitRequest? body, HttpContext http, FieldStore field, CancellationToken ct)
    {
        var key = body?.IdempotencyKey ?? http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (body is null)
            return Refuse(Problem.Invalid("Send the visit as JSON: householdId, visitedAt, note."), http);
        if (Key(key) is { } badKey)
            return Refuse(badKey, http);
        if (body.HouseholdId is not > 0)
            return Refuse(Problem.InvalidField("householdId", "Name the household visited."), http);
        if (body.VisitedAt is null)
            return Refuse(Problem.InvalidField("visitedAt", "Give the time of the visit."), http);
        var note = body.Note?.Trim() ?? "";
        if (note.Length is < 2 or > 2000 || note.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            return Refuse(Problem.InvalidField("note", "The note has 2–2,000 characters of text."), http);
        var position = Position(body.Lon, body.Lat, "lon");
        if (!position.Succeeded)
            return Refuse(position.Problem, http);
        byte[]? photo = null;
        if (body.Photo is not null)
        {
            if (body.PhotoType is not ("image/jpeg" or "image/png" or "image/webp"))
                return Refuse(Problem.InvalidField("photoType", "A photo is image/jpeg, image/png or image/webp."), http);
            try
            {
                photo = Convert.FromBase64String(body.Photo);
            }
            catch (FormatException)
            {
                return Refuse(Problem.InvalidField("photo", "The photo is not base64."), http);
            }
            if (photo.Length is 0 or > 5 * 1024 * 1024)
                return Refuse(Problem.InvalidField("photo", "A photo has at most 5 MB."), http);
        }
        var outcome = await field.RecordVisitAsync(RequestCaller.Get(http),
            new NewVisit(body.HouseholdId.Value, body.VisitedAt.Value, note, position.Value, photo, photo is null ? null : body.PhotoType), key!, ct);
        return outcome.Succeeded ? TypedResults.Ok(outcome.Value) : Refuse(outcome.Problem, http);
    }

    public static async Task<IResult> Patrol(PatrolRequest? body, HttpContext http, FieldStore field, CancellationToken ct)
    {
        var key = body?.IdempotencyKey ?? http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (body is null)
            return Refuse(Problem.Invalid("Send the patrol as JSON: startedAt, endedAt, points."), http);
        if (Key(key) is { } badKey)
            return Refuse(badKey, http);
        if (body.StartedAt is null || body.EndedAt is null)
            return Refuse(Problem.InvalidField(body.StartedAt is null ? "startedAt" : "endedAt", "Give the patrol's start and end."), http);
        if (body.GridCode is { } grid && (grid.Length != 15 || !grid.All(char.IsAsciiDigit)))
            return Refuse(Problem.InvalidField("gridCode", "A grid code has 15 digits."), http);
        if (body.Points is null || body.Points.Any(p => p is null || p.Length != 2))
            return Refuse(Problem.InvalidField("points", "points is a list of [longitude, latitude] pairs."), http);
        var checkIns = new List<NewCheckIn>();
        foreach (var c in body.CheckIns ?? [])
        {
            var label = c?.Label?.Trim() ?? "";
            if (c?.At is null || label.Length is < 1 or > 100 || label.Any(char.IsControl))
                return Refuse(Problem.InvalidField("checkIns", "Each check-in has a time and a label of 1–100 characters."), http);
            if (Position(c.Lon, c.Lat, "checkIns") is not { Value: { } at })
                return Refuse(Problem.InvalidField("checkIns", "Each check-in has a position in China."), http);
            checkIns.Add(new NewCheckIn(c.At.Value, label, c.BuildingCode, at));
        }
        var outcome = await field.RecordPatrolAsync(RequestCaller.Get(http), new NewPatrol(body.GridCode, body.StartedAt.Value, body.EndedAt.Value,
            body.Points.Select(p => new Coordinate(p[0], p[1])).ToArray(), checkIns), key!, ct);
        return outcome.Succeeded ? TypedResults.Ok(outcome.Value) : Refuse(outcome.Problem, http);
    }

    public static async Task<IResult> Patrols(string? area, DateOnly? day, HttpContext http, FieldStore field, TimeProvider clock, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        var code = area ?? caller.Scope.Value;
        if (code.Length is < 2 or > 15 || !code.All(char.IsAsciiDigit))
            return Refuse(Problem.InvalidField("area", "area is an area code of 2–15 digits."), http);
        var patrols = await field.PatrolsAsync(caller, code, day ?? ChinaTime.DateOf(clock.GetUtcNow()), ct);
        return patrols is null ? Refuse(Problem.NotFound($"No area {code} of yours."), http) : TypedResults.Ok(patrols);
    }

    public static async Task<IResult> Coverage(string? area, DateOnly? day, HttpContext http, FieldStore field, TimeProvider clock, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        var code = area ?? caller.Scope.Value;
        if (code.Length is not (2 or 4 or 6 or 9 or 12 or 15) || !code.All(char.IsAsciiDigit))
            return Refuse(Problem.InvalidField("area", "area is a unit code of 2, 4, 6, 9, 12 or 15 digits."), http);
        var rows = await field.CoverageAsync(caller, code, day ?? ChinaTime.DateOf(clock.GetUtcNow()), ct);
        return rows is null ? Refuse(Problem.NotFound($"No area {code} of yours."), http) : TypedResults.Ok(rows);
    }

    private static Problem? Key(string? key) =>
        key is null || !IdempotencyKeys.IsWellFormed(key)
            ? Problem.InvalidField("idempotencyKey", "Each upload carries an idempotency key of 8–100 characters without spaces.")
            : null;

    private static Outcome<Point?> Position(double? lon, double? lat, string field)
    {
        if (lon is null && lat is null)
            return Outcome.Ok<Point?>(null);
        if (lon is not { } x || lat is not { } y || !double.IsFinite(x) || !double.IsFinite(y) || x is < 73 or > 136 || y is < 3 or > 54)
            return Problem.InvalidField(field, "A position is a longitude and a latitude in China.");
        return Outcome.Ok<Point?>(new Point(x, y) { SRID = 4490 });
    }


    private static IResult Refuse(Problem problem, HttpContext http) => problem.ToProblem(http.Response);
}
