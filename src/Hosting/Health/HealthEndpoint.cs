using GridMap.Domain;
using GridMap.Hosting.Problems;
using GridMap.Store.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GridMap.Hosting.Health;

/// <summary><c>GET /health</c> for the hosts that read the database: 200 with the grid count (and each standby's lag), or 503 problem+json.</summary>
public static class HealthEndpoint
{
    /// <param name="Replicas">The hot standbys and their lag (absent without standbys).</param>
    public sealed record Health(string Service, string Status, int Grids, IReadOnlyList<StandbyState>? Replicas = null);

    public static IEndpointRouteBuilder MapDatabaseHealth(this IEndpointRouteBuilder app, string service)
    {
        app.MapGet("/health", async Task<Results<Ok<Health>, ProblemHttpResult>> (DatabaseHealth database, ReadReplicas replicas, CancellationToken ct) =>
        {
            var (reachable, grids, error) = await database.CheckAsync(ct);
            return reachable
                ? TypedResults.Ok(new Health(service, "healthy", grids, replicas.Enabled ? replicas.Current : null))
                : new Problem(ProblemKind.Unavailable, error ?? "") { Title = "Database unreachable" }.ToProblem();
        }).WithTags("Health").WithSummary("Liveness and database reachability.");
        return app;
    }
}
