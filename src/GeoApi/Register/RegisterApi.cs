using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.People;
using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Register;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;

namespace GridMap.GeoApi.Register;

/// <summary>
/// The register's write path (实有人口 信息采集): grid managers in their grid, village, township and county staff in their
/// area add, move, verify and correct people, households, houses and buildings. Every change carries a reason and the
/// row version it was based on (409 with the current record when that is old), may carry an idempotency key (body
/// <c>idempotencyKey</c> or header <c>Idempotency-Key</c>: a repeat answers the first result), and is audited.
/// </summary>
public static class RegisterApi
{
    public static IEndpointRouteBuilder MapRegisterApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/register").WithTags("Register").RequireAuthorization().WithSmallBody();
        int[] writes = [400, 403, 404, 409];
        Produces(g.MapPost("/households/{id:long}/members", AddPerson).DisableAntiforgery()
            .WithSummary("Add a person to a household (GB 11643 ID). An ID already registered is never created twice: moved in, or 409 unless moveIfRegistered."), writes);
        Produces(g.MapPost("/households/{id:long}/births", Birth).DisableAntiforgery()
            .WithSummary("Record a birth into a household (born within the last year)."), writes);
        Produces(g.MapPost("/households/{id:long}/moves", Move).DisableAntiforgery()
            .WithSummary("Move the household or some members: to a house or household in your area (now), to another grid (202: waits for that grid), or away."), writes);
        Produces(g.MapPost("/households/{id:long}/verifications", Verify).DisableAntiforgery()
            .WithSummary("Verify a household on the spot: device position within 100 m of the building, or a reason."), writes);
        Produces(g.MapPost("/houses/{id:long}/households", StartHousehold).DisableAntiforgery()
            .WithSummary("Start a household in a house with a new person as head."), writes);
        Produces(g.MapPost("/houses/{id:long}/vacancy", MarkHouse).DisableAntiforgery()
            .WithSummary("Mark a house empty (no open household) or lived in."), writes);
        Produces(g.MapPost("/people/{id:long}/death", Death).DisableAntiforgery().WithSummary("Record a death."), writes);
        Produces(g.MapPatch("/people/{id:long}", UpdatePerson).DisableAntiforgery()
            .WithSummary("Update phone, political status or register type."), writes);
        Produces(g.MapPost("/people/{id:long}/corrections", CorrectPerson).DisableAntiforgery()
            .WithSummary("Correct name, sex, birth date or ID number, or revoke a death recorded by mistake (village and township staff)."), writes);
        Produces(g.MapPost("/buildings", AddBuilding).DisableAntiforgery()
            .WithSummary("Add a building in a grid of your area (a point or a GeoJSON footprint) with its houses; it gets the next 20-digit code."), writes);
        Produces(g.MapPost("/buildings/{code}/houses", AddHouses).DisableAntiforgery().WithSummary("Add houses to a building."), writes);
        Produces(g.MapPatch("/buildings/{code}", ChangeBuilding).DisableAntiforgery().WithSummary("Change a building's use or floors."), writes);
        g.MapGet("/moves", Moves).WithSummary("Move requests with either side in your area (pending; all=true for decided ones too).");
        Produces(g.MapPost("/moves/{id:long}/accept", (long id, DecisionRequest? body, HttpContext http, RegisterStore store, CancellationToken ct) =>
            Decide(id, true, body, http, store, ct)).DisableAntiforgery().WithSummary("Accept a move into (or a claim out of) your grid."), writes);
        Produces(g.MapPost("/moves/{id:long}/refuse", (long id, DecisionRequest? body, HttpContext http, RegisterStore store, CancellationToken ct) =>
            Decide(id, false, body, http, store, ct)).DisableAntiforgery().WithSummary("Refuse a move request waiting for your grid."), writes);
        g.MapGet("/reconciliation", Reconciliation)
            .WithSummary("Field changes that contradict a department list, for the department and the township (open; all=true for resolved too).")
            .ProducesProblem(403);
        Produces(g.MapPost("/reconciliation/{id:long}/resolve", Resolve).DisableAntiforgery().WithSummary("Resolve a reconciliation item with what was done."), writes);
        g.MapGet("/history", History).WithSummary("Every change of one record (person:ID, household:ID, house:ID, building:CODE, move:ID) with its reason.")
            .ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/freshness/{code}", Freshness)
            .WithSummary("Fresh households / households of a unit and its children (grids under a village), summed from the same grid rows at every level.")
            .ProducesProblem(400).ProducesProblem(404);
        g.MapGet("/stale-households", StaleHouseholds)
            .WithSummary("Households of an area due for verification (not verified or changed within the window), the longest first.")
            .ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    private static void Produces(RouteHandlerBuilder builder, int[] statuses)
    {
        foreach (var status in statuses)
            builder.ProducesProblem(status);
    }

    public sealed record PersonBody(string? IdNumber, string? Name, string? Sex, DateOnly? BirthDate, string? Phone, string? PoliticalStatus,
        string? RegisterType);

    public sealed record AddPersonRequest(PersonBody? Person, string? Relation, int? RowVersion, bool? MoveIfRegistered, string? Reason, string? IdempotencyKey);

    public sealed record MoveRequest(long[]? PersonIds, long? ToHouseId, long? ToHouseholdId, string? ToGrid, bool? Away, string? Relation,
        int? RowVersion, string? Reason, string? IdempotencyKey);

    public sealed record VerifyRequest(int? RowVersion, double? Lon, double? Lat, string? Reason, string? IdempotencyKey);

    public sealed record StartHouseholdRequest(string? Type, PersonBody? Head, int? RowVersion, string? Reason, string? IdempotencyKey);

    public sealed record MarkHouseRequest(bool? Vacant, int? RowVersion, string? Reason, string? IdempotencyKey);

    public sealed record DeathRequest(DateOnly? DeathDate, int? RowVersion, string? Reason, string? IdempotencyKey);

    public sealed record UpdatePersonRequest(string? Phone, string? PoliticalStatus, string? RegisterType, int? RowVersion, string? Reason, string? IdempotencyKey);

    public sealed record CorrectionRequest(string? Name, string? Sex, DateOnly? BirthDate, string? IdNumber, bool? RevokeDeath, long? Corrects,
        int? RowVersion, string? Reason, string? IdempotencyKey);

    public sealed record HouseBody(int? Unit, string? Room, float? AreaM2);

    public sealed record AddBuildingRequest(string? Grid, double? Lon, double? Lat, Geometry? Footprint, string? Road, string? HouseNumber, string? Use,
        int? Floors, HouseBody[]? Houses, string? Reason, string? IdempotencyKey);

    public sealed record AddHousesRequest(HouseBody[]? Houses, string? Reason, string? IdempotencyKey);

    public sealed record ChangeBuildingRequest(string? Use, int? Floors, int? RowVersion, string? Reason, string? IdempotencyKey);

    public sealed record DecisionRequest(long? ToHouseId, long? ToHouseholdId, string? Relation, string? Reason, string? IdempotencyKey);

    public sealed record ResolveRequest(string? Resolution);

    // ---- helpers ----

    private static DateOnly Today(TimeProvider clock) => ChinaTime.DateOf(clock.GetUtcNow());

    private static Outcome<string?> Key(string? body, HttpContext http)
    {
        var key = body ?? http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (key is not null && !IdempotencyKeys.IsWellFormed(key))
            return RegisterRules.Field("idempotencyKey", "An idempotency key has 8–100 characters without spaces.");
        return Outcome.Ok(key);
    }

    private static Outcome<PersonFacts> Facts(PersonBody? body, TimeProvider clock, string field = "person")
    {
        if (body is null)
            return RegisterRules.Field(field, $"Send the person ({field}: idNumber, name, sex, birthDate …).");
        var today = Today(clock);
        if (body.BirthDate > today)
            return RegisterRules.Field("birthDate", "The birth date is in the future.");
        return RegisterRules.Person(body.IdNumber, body.Name, body.Sex, body.BirthDate, body.Phone, body.PoliticalStatus, body.RegisterType, today);
    }

    private static IResult Answer(Outcome<RegisterChangeResult> outcome, HttpContext http) => outcome switch
    {
        { Succeeded: false } => outcome.Problem.ToProblem(http.Response),
        { Value.Outcome: RegisterChangeResult.Pending, Value.Replayed: false } => TypedResults.Accepted($"/api/register/moves?all=true", outcome.Value),
        _ => TypedResults.Ok(outcome.Value),
    };

    private static IResult Refuse(Problem problem, HttpContext http) => problem.ToProblem(http.Response);

    /// <summary>Checks what every change carries (reason, key) and hands the checked values on.</summary>
    private static async Task<IResult> ChangeAsync(HttpContext http, string? reason, string? key,
        Func<Caller, string, string?, Task<Outcome<RegisterChangeResult>>> change)
    {
        var caller = RequestCaller.Get(http);
        if (!caller.MayWriteRegister())
            return Refuse(Problem.Forbidden("Your role does not change the population register."), http);
        var checkedReason = RegisterRules.Reason(reason);
        if (!checkedReason.Succeeded)
            return Refuse(checkedReason.Problem, http);
        var checkedKey = Key(key, http);
        if (!checkedKey.Succeeded)
            return Refuse(checkedKey.Problem, http);
        return Answer(await change(caller, checkedReason.Value, checkedKey.Value), http);
    }

    // ---- people and households ----

    public static Task<IResult> AddPerson(long id, AddPersonRequest? body, HttpContext http, RegisterStore store, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
        {
            var facts = Facts(body!.Person, clock);
            if (!facts.Succeeded)
                return facts.Problem;
            var relation = RegisterRules.Relation(body.Relation);
            if (!relation.Succeeded)
                return relation.Problem;
            return await store.AddPersonAsync(caller, id, body.RowVersion, facts.Value, relation.Value, body.MoveIfRegistered ?? false, birth: false,
                reason, key, ct);
        });

    public static Task<IResult> Birth(long id, AddPersonRequest? body, HttpContext http, RegisterStore store, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
        {
            var facts = Facts(body!.Person, clock);
            if (!facts.Succeeded)
                return facts.Problem;
            var relation = RegisterRules.Relation(body.Relation ?? "child");
            if (!relation.Succeeded)
                return relation.Problem;
            return await store.AddPersonAsync(caller, id, body.RowVersion, facts.Value, relation.Value, moveIfRegistered: false, birth: true,
                reason, key, ct);
        });

    public static Task<IResult> Move(long id, MoveRequest? body, HttpContext http, RegisterStore store, CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
        {
            if (body!.ToGrid is { } grid && (!AdminCode.TryParse(grid, out var code, out _) || code.Level != AdminLevel.Grid))
                return RegisterRules.Field("toGrid", $"'{CodeRoute.Truncate(grid)}' is not a 15-digit grid code.");
            if (body.Relation is not null && !RegisterRules.Relation(body.Relation).Succeeded)
                return RegisterRules.Relation(body.Relation).Problem!;
            if (body.PersonIds is { Length: > 50 })
                return RegisterRules.Field("personIds", "A move names at most 50 people.");
            return await store.MoveAsync(caller, id, body.RowVersion, body.PersonIds,
                new MoveDestination(body.ToHouseId, body.ToHouseholdId, body.ToGrid, body.Away ?? false), body.Relation, reason, key, ct);
        });

    public static async Task<IResult> Verify(long id, VerifyRequest? body, HttpContext http, RegisterStore store, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        if (!caller.MayWriteRegister())
            return Refuse(Problem.Forbidden("Your role does not change the population register."), http);
        if (body?.Lon is < 73 or > 136 || body?.Lat is < 3 or > 54 || (body?.Lon is null) != (body?.Lat is null))
            return Refuse(RegisterRules.Field("position", "lon and lat go together, inside China (73–136 E, 3–54 N)."), http);
        string? reason = null;
        if (body?.Reason is not null)
        {
            var checkedReason = RegisterRules.Reason(body.Reason);
            if (!checkedReason.Succeeded)
                return Refuse(checkedReason.Problem, http);
            reason = checkedReason.Value;
        }
        var key = Key(body?.IdempotencyKey, http);
        if (!key.Succeeded)
            return Refuse(key.Problem, http);
        return Answer(await store.VerifyHouseholdAsync(caller, id, body?.RowVersion, body?.Lon, body?.Lat, reason, key.Value, ct), http);
    }

    public static Task<IResult> StartHousehold(long id, StartHouseholdRequest? body, HttpContext http, RegisterStore store, TimeProvider clock,
        CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
        {
            var type = RegisterTypes.Find(body!.Type ?? RegisterTypes.Registered);
            if (type is null)
                return RegisterRules.Field("type", $"type is one of {string.Join(", ", RegisterTypes.All)}.");
            var facts = Facts(body.Head, clock, "head");
            if (!facts.Succeeded)
                return facts.Problem;
            return await store.StartHouseholdAsync(caller, id, body.RowVersion, type, facts.Value, reason, key, ct);
        });

    public static Task<IResult> MarkHouse(long id, MarkHouseRequest? body, HttpContext http, RegisterStore store, CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
            body!.Vacant is not { } vacant
                ? RegisterRules.Field("vacant", "Say vacant: true (empty) or false (lived in).")
                : await store.MarkHouseAsync(caller, id, body.RowVersion, vacant, reason, key, ct));

    public static Task<IResult> Death(long id, DeathRequest? body, HttpContext http, RegisterStore store, CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
            body!.DeathDate is not { } date
                ? RegisterRules.Field("deathDate", "Send the date of death (deathDate, yyyy-MM-dd).")
                : await store.RecordDeathAsync(caller, id, body.RowVersion, date, reason, key, ct));

    public static Task<IResult> UpdatePerson(long id, UpdatePersonRequest? body, HttpContext http, RegisterStore store, CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
        {
            if (body!.Phone is { } phone && !(phone.Length == 11 && phone[0] == '1' && phone.All(char.IsAsciiDigit)))
                return RegisterRules.Field("phone", "A phone is an 11-digit mobile number starting with 1.");
            if (body.PoliticalStatus is { } status && !RegisterRules.PoliticalStatuses.Contains(status))
                return RegisterRules.Field("politicalStatus", $"politicalStatus is one of {string.Join(", ", RegisterRules.PoliticalStatuses)}.");
            if (body.RegisterType is { } type && RegisterTypes.Find(type) is null)
                return RegisterRules.Field("registerType", $"registerType is one of {string.Join(", ", RegisterTypes.All)}.");
            if (body.Phone is null && body.PoliticalStatus is null && body.RegisterType is null)
                return RegisterRules.Field("phone", "Nothing to change: send phone, politicalStatus or registerType.");
            return await store.UpdatePersonAsync(caller, id, body.RowVersion, body.Phone, body.PoliticalStatus, body.RegisterType, reason, key, ct);
        });

    public static Task<IResult> CorrectPerson(long id, CorrectionRequest? body, HttpContext http, RegisterStore store, TimeProvider clock,
        CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
        {
            if (body!.BirthDate > Today(clock))
                return RegisterRules.Field("birthDate", "The birth date is in the future.");
            if (body.Name is null && body.Sex is null && body.BirthDate is null && body.IdNumber is null && body.RevokeDeath is not true)
                return RegisterRules.Field("name", "Nothing to correct: send name, sex, birthDate, idNumber or revokeDeath.");
            return await store.CorrectPersonAsync(caller, id, body.RowVersion, body.Name, body.Sex, body.BirthDate, body.IdNumber,
                body.RevokeDeath ?? false, body.Corrects, reason, key, ct);
        });

    // ---- buildings and houses ----

    private static Outcome<IReadOnlyList<NewHouse>> Houses(HouseBody[]? houses)
    {
        if (houses is { Length: > 500 })
            return RegisterRules.Field("houses", "At most 500 houses at a time.");
        var list = new List<NewHouse>();
        foreach (var h in houses ?? [])
        {
            var room = h.Room?.Trim() ?? "";
            if (h.Unit is not (>= 1 and <= 99) || room.Length is < 1 or > 20 || room.Any(char.IsControl) || h.AreaM2 is <= 0 or > 100_000)
                return RegisterRules.Field("houses", "Each house has a unit 1–99, a room of 1–20 characters and, if given, a positive area.");
            list.Add(new NewHouse(h.Unit.Value, room, h.AreaM2));
        }
        if (list.DistinctBy(h => (h.Unit, h.Room)).Count() != list.Count)
            return RegisterRules.Field("houses", "The same unit and room are listed twice.");
        return Outcome.Ok<IReadOnlyList<NewHouse>>(list);
    }

    private static Problem? Text(string? value, string field, int max) =>
        value is null || value.Trim().Length < 1 || value.Trim().Length > max || value.Any(char.IsControl)
            ? RegisterRules.Field(field, $"{field} has 1–{max} characters.")
            : null;

    public static Task<IResult> AddBuilding(AddBuildingRequest? body, HttpContext http, RegisterStore store, CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
        {
            if (body!.Grid is not { } grid || !AdminCode.TryParse(grid, out var code, out _) || code.Level != AdminLevel.Grid)
                return RegisterRules.Field("grid", "grid is the 15-digit code of the grid the building stands in.");
            Geometry shape;
            if (body.Footprint is { } footprint)
            {
                if (body.Lon is not null || body.Lat is not null)
                    return RegisterRules.Field("footprint", "Send a point (lon, lat) or a footprint, not both.");
                if (footprint is not Polygon polygon || polygon.NumPoints > 1000 || polygon.IsEmpty)
                    return RegisterRules.Field("footprint", "A footprint is one GeoJSON Polygon of at most 1,000 points.");
                shape = footprint;
            }
            else if (body.Lon is { } lon && body.Lat is { } lat && lon is >= 73 and <= 136 && lat is >= 3 and <= 54)
                shape = Store.Boundaries.Geo.Factory.CreatePoint(new Coordinate(lon, lat));
            else
                return RegisterRules.Field("footprint", "Send the building's point (lon, lat in China) or its footprint polygon.");
            shape.SRID = Domain.Srids.Cgcs2000;
            if ((Text(body.Road, "road", 50) ?? Text(body.HouseNumber, "houseNumber", 20)) is { } bad)
                return bad;
            var use = body.Use ?? "residential";
            if (!RegisterRules.BuildingUses.Contains(use))
                return RegisterRules.Field("use", $"use is one of {string.Join(", ", RegisterRules.BuildingUses)}.");
            if (body.Floors is not (>= 1 and <= 200) && body.Floors is not null)
                return RegisterRules.Field("floors", "floors is 1–200.");
            var houses = Houses(body.Houses);
            if (!houses.Succeeded)
                return houses.Problem;
            return await store.AddBuildingAsync(caller, grid, shape, body.Road!.Trim(), body.HouseNumber!.Trim(), use, body.Floors ?? 1, houses.Value,
                reason, key, ct);
        });

    public static Task<IResult> AddHouses(string code, AddHousesRequest? body, HttpContext http, RegisterStore store, CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
        {
            var houses = Houses(body!.Houses);
            if (!houses.Succeeded)
                return houses.Problem;
            if (houses.Value.Count == 0)
                return RegisterRules.Field("houses", "Name at least one house (unit, room).");
            return await store.AddHousesAsync(caller, code, houses.Value, reason, key, ct);
        });

    public static Task<IResult> ChangeBuilding(string code, ChangeBuildingRequest? body, HttpContext http, RegisterStore store, CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
        {
            if (body!.Use is { } use && !RegisterRules.BuildingUses.Contains(use))
                return RegisterRules.Field("use", $"use is one of {string.Join(", ", RegisterRules.BuildingUses)}.");
            if (body.Floors is not null and not (>= 1 and <= 200))
                return RegisterRules.Field("floors", "floors is 1–200.");
            if (body.Use is null && body.Floors is null)
                return RegisterRules.Field("use", "Nothing to change: send use or floors.");
            return await store.ChangeBuildingAsync(caller, code, body.RowVersion, body.Use, body.Floors, reason, key, ct);
        });

    // ---- moves, reconciliation, history, freshness ----

    public static async Task<Ok<IReadOnlyList<MoveRequestView>>> Moves(bool? all, HttpContext http, RegisterStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.MovesAsync(RequestCaller.Get(http), all ?? false, ct));

    public static Task<IResult> Decide(long id, bool accept, DecisionRequest? body, HttpContext http, RegisterStore store, CancellationToken ct) =>
        ChangeAsync(http, body?.Reason, body?.IdempotencyKey, async (caller, reason, key) =>
        {
            if (body!.Relation is not null && !RegisterRules.Relation(body.Relation).Succeeded)
                return RegisterRules.Relation(body.Relation).Problem!;
            var to = body.ToHouseId is null && body.ToHouseholdId is null ? null : new MoveDestination(body.ToHouseId, body.ToHouseholdId, null, false);
            return await store.DecideMoveAsync(caller, id, accept, to, body.Relation, reason, key, ct);
        });

    public static async Task<IResult> Reconciliation(bool? all, HttpContext http, RegisterStore store, CancellationToken ct) =>
        await store.ReconciliationAsync(RequestCaller.Get(http), all ?? false, ct) is { } items
            ? TypedResults.Ok(items)
            : Refuse(Problem.Forbidden("Reconciliation items go to departments and township (or higher) centres."), http);

    public static async Task<IResult> Resolve(long id, ResolveRequest? body, HttpContext http, RegisterStore store, CancellationToken ct)
    {
        var resolution = RegisterRules.Reason(body?.Resolution);
        if (!resolution.Succeeded)
            return Refuse(RegisterRules.Field("resolution", "Say what was done (2–500 characters)."), http);
        var outcome = await store.ResolveAsync(RequestCaller.Get(http), id, resolution.Value, ct);
        return outcome.Succeeded ? TypedResults.Ok(outcome.Value) : Refuse(outcome.Problem, http);
    }

    public static async Task<IResult> History(string? subject, HttpContext http, RegisterStore store, CancellationToken ct)
    {
        if (subject is null || !System.Text.RegularExpressions.Regex.IsMatch(subject, "^(person|household|house|move):[0-9]{1,18}$|^building:[0-9]{20}$"))
            return Refuse(RegisterRules.Field("subject", "subject is person:ID, household:ID, house:ID, move:ID or building:CODE."), http);
        return await store.HistoryAsync(RequestCaller.Get(http), subject, ct) is { } changes
            ? TypedResults.Ok(changes)
            : Refuse(Problem.NotFound($"No {CodeRoute.Truncate(subject)} in your area."), http);
    }

    public static async Task<IResult> Freshness(string code, HttpContext http, RegisterStore store, CancellationToken ct)
    {
        if (!CodeRoute.TryParse(code, out var unit, out var problem))
            return problem!;
        return await store.FreshnessAsync(RequestCaller.Get(http), unit, ct) is { } view
            ? TypedResults.Ok(view)
            : Refuse(Problem.NotFound($"{unit} is not in your area."), http);
    }

    public static async Task<IResult> StaleHouseholds(string? area, int? limit, HttpContext http, RegisterStore store, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        var unit = caller.Scope;
        if (area is not null && !CodeRoute.TryParse(area, out unit, out var problem))
            return problem!;
        if (limit is < 1 or > 500)
            return Refuse(RegisterRules.Field("limit", "limit is between 1 and 500."), http);
        return await store.StaleHouseholdsAsync(caller, unit, limit ?? 100, ct) is { } rows
            ? TypedResults.Ok(rows)
            : Refuse(Problem.NotFound($"{unit} is not in your area."), http);
    }
}
