using GridMap.Domain.Audit;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Audit;

/// <summary>The audit trail, for auditors only: entries newest first, and a check of the whole hash chain.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(p => p.RequireRole("auditor"));
        group.MapGet("/", List).WithSummary("Audit entries newest first, by actor or subject, paged with ?before=seq.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/verify", Verify).WithSummary("Recompute the hash chain; reports the first broken entry.");
        return app;
    }

    public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? Next);

    public static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> List(string? actor, string? subject, long? before, int? limit, AuditLog audit, CancellationToken ct)
    {
        if (limit is < 1 or > 500)
            return ApiProblems.BadRequest("limit is between 1 and 500.");
        if (actor?.Length > 100 || subject?.Length > 200)
            return ApiProblems.BadRequest("actor has at most 100 and subject 200 characters.");
        var take = limit ?? 100;
        var entries = await audit.ListAsync(actor, subject, before, take, ct);
        return TypedResults.Ok(new AuditPage(entries, entries.Count == take ? entries[^1].Seq : null));
    }

    public static async Task<Ok<AuditVerification>> Verify(AuditLog audit, CancellationToken ct) =>
        TypedResults.Ok(await audit.VerifyAsync(ct));
}
