using GridMap.Domain.Access;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Residents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Buildings;

/// <summary>Locating buildings (楼宇) and their cards, inside the caller's area only.</summary>
public static class BuildingsApi
{
    public const int MaxQueryLength = 60;

    public static IEndpointRouteBuilder MapBuildingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/buildings").WithTags("Buildings").RequireAuthorization();
        group.MapGet("/search", Search)
            .WithSummary("Buildings in your area by address fragment, 20-digit building code, resident name or exact ID number.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{code}", Get)
            .WithSummary("A building card: houses, households and residents (ID numbers and phones masked). 404 outside your area.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<BuildingHit>>, ProblemHttpResult>> Search(
        string? q, int? limit, HttpContext http, ResidentStore residents, CancellationToken ct)
    {
        var query = q?.Trim() ?? "";
        if (query.Length is < 2 or > MaxQueryLength)
            return ApiProblems.BadRequest($"Search with 2–{MaxQueryLength} characters: part of an address, a building code, a name or an ID number.");
        if (query.Any(char.IsControl))
            return ApiProblems.BadRequest("The search text has control characters.");
        if (limit is < 1 or > ResidentStore.MaxSearchResults)
            return ApiProblems.BadRequest($"limit is between 1 and {ResidentStore.MaxSearchResults}.");
        var caller = RequestCaller.Get(http);
        if (!caller.Holds(DataCategory.Buildings))
            return ApiProblems.Forbidden("Your role does not read the building register.");
        return TypedResults.Ok(await residents.SearchAsync(caller, query, limit ?? 20, ct));
    }

    public static async Task<Results<Ok<BuildingCard>, ProblemHttpResult>> Get(
        string code, string? purpose, HttpContext http, ResidentStore residents, CancellationToken ct)
    {
        if (code.Length != 20 || !code.All(char.IsAsciiDigit))
            return ApiProblems.BadRequest($"'{CodeRoute.Truncate(code)}' is not a building code: 20 digits, the grid code and a 5-digit sequence.");
        if (!RequestCaller.TryPurpose(purpose, required: false, out var stated, out var problem))
            return problem!;
        var caller = RequestCaller.Get(http);
        if (!caller.Holds(DataCategory.Buildings))
            return ApiProblems.Forbidden("Your role does not read the building register.");
        return await residents.GetBuildingAsync(caller, code, stated, ct) is { } card
            ? TypedResults.Ok(card)
            : ApiProblems.NotFound($"No building {code} in your area.");
    }
}
