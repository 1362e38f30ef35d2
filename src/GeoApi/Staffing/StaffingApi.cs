using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Staffing;

/// <summary>Staffing grids: a grid's manager and post account; appoint, replace, vacate (township and above, audited).</summary>
public static class StaffingApi
{
    public static IEndpointRouteBuilder MapStaffingApi(this IEndpointRouteBuilder app)
    {
        var grids = app.MapGroup("/api/staffing/grids/{grid}").WithTags("Staffing").RequireAuthorization().WithSmallBody();
        grids.MapGet("/", Get).WithSummary("The grid's manager (name, phone, appointed on) and its post account (gm + grid code).").ProducesProblem(404);
        grids.MapPost("/manager", Appoint).DisableAntiforgery()
            .WithSummary("Appoint or replace the grid's manager ({name, phone}): the post account is (re)issued with a new password, shown once; the vacancy figures follow at once.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        grids.MapPost("/vacate", Vacate).DisableAntiforgery()
            .WithSummary("Release the grid's manager ({reason}): the post account is disabled and its tokens revoked.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        var flags = app.MapGroup("/api/staffing/flags").WithTags("Staffing").RequireAuthorization().WithSmallBody();
        flags.MapGet("/", Flags)
            .WithSummary("Managers and grid manager accounts a boundary publish left on retired grids, under an area (?area=, default yours; ?open=false for resolved ones too).")
            .ProducesProblem(404);
        flags.MapPost("/{id:long}/resolve", ResolveFlag).DisableAntiforgery()
            .WithSummary("Resolve a flag ({grid?, note}): with a grid, the manager is appointed there (one-time password in the answer) or the account moved there; without, closed with the note.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return app;
    }

    public sealed record ResolveRequest(string? Grid, string? Note);

    public static async Task<Results<Ok<IReadOnlyList<ManagerFlag>>, ProblemHttpResult>> Flags(string? area, bool? open, HttpContext http, StaffingStore store,
        CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        if (!GridMap.Domain.Access.Staffing.MayStaff(caller, caller.Scope.Value))
            return ApiProblems.Forbidden("Staffing flags are for township, county, city and province centres.");
        if (area is not null && !GridMap.Domain.Codes.AdminCode.TryParse(area, out _, out _))
            return ApiProblems.BadRequest($"'{CodeRoute.Truncate(area)}' is not a unit or grid code.");
        return await store.FlagsAsync(caller, area ?? caller.Scope.Value, open ?? true, ct) is { } flags
            ? TypedResults.Ok(flags)
            : ApiProblems.NotFound($"No unit {CodeRoute.Truncate(area ?? "")} in your area.");
    }

    public static async Task<Results<Ok<FlagResolution>, ProblemHttpResult>> ResolveFlag(long id, ResolveRequest? body, HttpContext http, StaffingStore store,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Note) || body.Note.Trim().Length > 200)
            return ApiProblems.InvalidField("note", "Say how the flag is resolved (1–200 characters).");
        var grid = string.IsNullOrWhiteSpace(body.Grid) ? null : body.Grid.Trim();
        if (grid is not null && !WellFormed(grid))
            return ApiProblems.InvalidField("grid", $"'{CodeRoute.Truncate(grid)}' is not a grid code (15 digits).");
        var resolved = await store.ResolveFlagAsync(RequestCaller.Get(http), id, grid, body.Note.Trim(), ct);
        if (resolved.Succeeded && (resolved.Value!.Appointment?.Username ?? resolved.Value.Flag.Username) is { } moved)
            GridMap.Hosting.Authentication.TokenAuthenticationHandler.ForgetAccount(moved);
        return resolved.ToResult(http.Response);
    }

    public sealed record AppointRequest(string? Name, string? Phone);

    public sealed record VacateRequest(string? Reason);

    private static bool WellFormed(string grid) => grid.Length == 15 && grid.All(char.IsAsciiDigit);

    public static async Task<Results<Ok<GridPost>, ProblemHttpResult>> Get(string grid, HttpContext http, StaffingStore store, CancellationToken ct) =>
        WellFormed(grid) && await store.GetAsync(RequestCaller.Get(http), grid, ct) is { } post
            ? TypedResults.Ok(post)
            : ApiProblems.NotFound($"No grid {CodeRoute.Truncate(grid)} in your area.");

    public static async Task<Results<Ok<Appointment>, ProblemHttpResult>> Appoint(string grid, AppointRequest? body, HttpContext http, StaffingStore store,
        CancellationToken ct)
    {
        if (!WellFormed(grid))
            return ApiProblems.NotFound($"No grid {CodeRoute.Truncate(grid)} in your area.");
        if (body is null)
            return ApiProblems.BadRequest("Send JSON {\"name\": …, \"phone\": …}.");
        var appointed = await store.AppointAsync(RequestCaller.Get(http), grid, body.Name ?? "", body.Phone ?? "", ct);
        if (appointed.Succeeded)
            GridMap.Hosting.Authentication.TokenAuthenticationHandler.ForgetAccount(appointed.Value!.Username);
        return appointed.ToResult(http.Response);
    }

    public static async Task<Results<Ok<GridPost>, ProblemHttpResult>> Vacate(string grid, VacateRequest? body, HttpContext http, StaffingStore store,
        CancellationToken ct)
    {
        if (!WellFormed(grid))
            return ApiProblems.NotFound($"No grid {CodeRoute.Truncate(grid)} in your area.");
        if (string.IsNullOrWhiteSpace(body?.Reason) || body.Reason.Length > 200)
            return ApiProblems.BadRequest("Send JSON {\"reason\": …}: why the grid is left vacant (1–200 characters).");
        var vacated = await store.VacateAsync(RequestCaller.Get(http), grid, body.Reason.Trim(), ct);
        if (vacated.Succeeded)
            GridMap.Hosting.Authentication.TokenAuthenticationHandler.ForgetAccount(vacated.Value!.Username);
        return vacated.ToResult(http.Response);
    }
}
