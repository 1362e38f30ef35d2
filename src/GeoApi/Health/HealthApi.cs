using GridMap.Store.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Health;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", GetHealth).WithTags("Health").WithSummary("Liveness and database reachability.");
        return app;
    }

    public sealed record Health(string Service, string Status, int Grids);

    public static async Task<Results<Ok<Health>, ProblemHttpResult>> GetHealth(DatabaseHealth database, CancellationToken ct)
    {
        var (reachable, grids, error) = await database.CheckAsync(ct);
        return reachable
            ? TypedResults.Ok(new Health("geoapi", "healthy", grids))
            : TypedResults.Problem(title: "Database unreachable", detail: error, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
