using GridMap.Domain.Access;
using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Accounts;
using GridMap.Store.Residents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.People;

/// <summary>People (实有人口) and special-group records, inside the caller's area and categories only.</summary>
public static class PeopleApi
{
    public static IEndpointRouteBuilder MapPeopleApi(this IEndpointRouteBuilder app)
    {
        var people = app.MapGroup("/api/people").WithTags("People").RequireAuthorization().WithSmallBody();
        people.MapGet("/{id:long}", Get)
            .WithSummary("A person card: masked ID and phone, households over time, the special groups you may read (each read audited).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        people.MapPost("/{id:long}/unmask", Unmask).DisableAntiforgery()
            .WithSummary("The full ID number and phone, for accounts allowed to unmask and with a stated purpose; audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        var groups = app.MapGroup("/api/special-groups").WithTags("People").RequireAuthorization().WithSmallBody();
        groups.MapGet("/", List)
            .WithSummary("Special-group records in an area you cover (default: your whole area), soonest visit first; the read is audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        groups.MapPost("/{id:long}/visits", RecordVisit).DisableAntiforgery()
            .WithSummary("Record a visit (走访) and move the next due date; audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static bool ReadsPeople(Caller caller) => caller.Holds(DataCategory.Residents) || caller.ReadableGroups.Count > 0;

    public sealed record UnmaskRequest(string? Purpose);

    public sealed record VisitRequest(DateOnly? VisitedOn, string? Note);

    public static async Task<Results<Ok<PersonCard>, ProblemHttpResult>> Get(long id, string? purpose, HttpContext http, ResidentStore residents, CancellationToken ct)
    {
        if (!RequestCaller.TryPurpose(purpose, required: false, out var stated, out var problem))
            return problem!;
        var caller = RequestCaller.Get(http);
        if (!ReadsPeople(caller))
            return ApiProblems.Forbidden("Your role does not read personal data.");
        return await residents.GetPersonAsync(caller, id, stated, ct) is { } card
            ? TypedResults.Ok(card)
            : ApiProblems.NotFound($"No person {id} in your area.");
    }

    public static async Task<Results<Ok<Unmasked>, ProblemHttpResult>> Unmask(long id, UnmaskRequest? body, HttpContext http, ResidentStore residents, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        if (ReadsPeople(caller) && http.User.HasClaim(CallerClaims.NeedsSecondFactorType, "true"))
            return new Domain.Problem(Domain.ProblemKind.Forbidden,
                "Unmasking needs your second factor: enrol one (POST /api/auth/totp, then /api/auth/totp/confirm) or sign in with its code.")
            { Extensions = new Dictionary<string, object?> { ["code"] = "second_factor_required" } }.ToProblem(http.Response);
        if (!ReadsPeople(caller) || !caller.CanUnmask)
            return ApiProblems.Forbidden("Your account may not unmask ID numbers or phones.");
        if (!RequestCaller.TryPurpose(body?.Purpose, required: true, out var stated, out var problem))
            return problem!;
        return await residents.UnmaskAsync(caller, id, stated, ct) is { } unmasked
            ? TypedResults.Ok(unmasked)
            : ApiProblems.NotFound($"No person {id} in your area.");
    }

    public static async Task<Results<Ok<IReadOnlyList<VisitDue>>, ProblemHttpResult>> List(
        string? area, string? group, DateOnly? dueBefore, int? limit, string? purpose, HttpContext http, ResidentStore residents, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        if (caller.ReadableGroups.Count == 0)
            return ApiProblems.Forbidden("Your role reads no special-group records.");
        var unit = caller.Scope;
        if (area is not null && !CodeRoute.TryParse(area, out unit, out var codeProblem))
            return codeProblem!;
        if (group is not null && Domain.People.SpecialGroup.Find(group) is null)
            return ApiProblems.BadRequest($"Unknown group '{CodeRoute.Truncate(group)}': one of {string.Join(", ", Domain.People.SpecialGroup.All.Select(g => g.Code))}.");
        if (limit is < 1 or > 1000)
            return ApiProblems.BadRequest("limit is between 1 and 1000.");
        if (!RequestCaller.TryPurpose(purpose, required: false, out var stated, out var problem))
            return problem!;
        return await residents.ListSpecialGroupsAsync(caller, unit, group, dueBefore, limit ?? 200, stated, ct) is { } rows
            ? TypedResults.Ok(rows)
            : ApiProblems.NotFound($"{unit} is not in your area.");
    }

    public static async Task<Results<Ok<SpecialGroupRecord>, ProblemHttpResult>> RecordVisit(
        long id, VisitRequest? body, HttpContext http, ResidentStore residents, TimeProvider clock, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        if (!caller.MayRecordVisits)
            return ApiProblems.Forbidden("Your role does not record visits.");
        // The visit's date is China's (a phone's queued visit carries the date it was made there), whatever the server's zone.
        var today = Domain.ChinaTime.DateOf(clock.GetUtcNow());
        var on = body?.VisitedOn ?? today;
        if (on > today || on < today.AddDays(-60))
            return ApiProblems.BadRequest("visitedOn is today or within the last 60 days.");
        var note = body?.Note?.Trim() ?? "";
        if (note.Length is < 2 or > 2000)
            return ApiProblems.BadRequest("A visit note has 2–2,000 characters.");
        // The field app sends each queued visit with the key it gave it offline: sent again, it is recorded once.
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (key is not null && !IdempotencyKeys.IsWellFormed(key))
            return ApiProblems.BadRequest("Idempotency-Key has 8–100 characters without spaces.");
        return await residents.RecordVisitAsync(caller, id, on, note, key, ct) is { } record
            ? TypedResults.Ok(record)
            : ApiProblems.NotFound($"No special-group record {id} in your area and categories.");
    }
}
