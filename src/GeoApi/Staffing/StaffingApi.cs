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
        return app;
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
