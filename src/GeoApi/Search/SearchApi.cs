using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Search;

public static class SearchApi
{
    public const int MaxQueryLength = 50;
    public const int MaxLimit = 50;

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search", Search).WithTags("Search")
            .WithSummary("Units and grids by code prefix (digits) or Chinese name fragment.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public sealed record SearchResult(string Query, IReadOnlyList<SearchHit> Results);

    public static async Task<Results<Ok<SearchResult>, ProblemHttpResult>> Search(string? q, string? limit, SearchStore search, CancellationToken ct)
    {
        var query = q?.Trim() ?? "";
        if (query.Length == 0)
            return ApiProblems.BadRequest("q is required: a code prefix such as 140428 or a name fragment such as 长子.");
        if (query.Length > MaxQueryLength)
            return ApiProblems.BadRequest($"q may have at most {MaxQueryLength} characters.");
        if (query.Any(char.IsControl))
            return ApiProblems.BadRequest("q must not contain control characters.");
        var take = 10;
        if (limit is not null && (!int.TryParse(limit, out take) || take is < 1 or > MaxLimit))
            return ApiProblems.BadRequest($"limit must be a whole number from 1 to {MaxLimit}.");
        return TypedResults.Ok(new SearchResult(query, await search.SearchAsync(query, take, ct)));
    }
}
