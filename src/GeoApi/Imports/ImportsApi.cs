using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Imports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Imports;

/// <summary>
/// Department lists uploaded as CSV (text/csv body), merged onto people by ID number. Small files answer with the
/// finished report; large ones answer 202 with the import's URL, where progress and then the report can be read
/// (from any GeoApi instance: progress lives in the database).
/// </summary>
public static class ImportsApi
{
    public const long MaxUploadBytes = 512L * 1024 * 1024;

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/imports").WithTags("Imports").RequireAuthorization();
        group.MapPost("/{department}", Upload).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes))
            .WithSummary("Upload a department list (text/csv, header required) for your department; ?fileName= names it in the report.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{id:long}", Get).WithSummary("An import's status, progress and counts.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}/issues", Issues).WithSummary("The rows an import did not merge, in file order (paged by ?after=line).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<ImportReport>, Accepted<ImportStatus>, ProblemHttpResult>> Upload(
        string department, string? fileName, HttpContext http, ImportJobs jobs, DepartmentImporter importer, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        if (!Domain.People.Departments.All.Contains(department))
            return ApiProblems.NotFound($"No department '{CodeRoute.Truncate(department)}'; one of {string.Join(", ", Domain.People.Departments.All)}.");
        if (!caller.MayImport(department))
            return ApiProblems.Forbidden($"Only the {department} department's officers (or the administrator) import its lists.");
        var name = string.IsNullOrWhiteSpace(fileName) ? $"{department}.csv" : fileName.Trim();
        if (name.Length > 200 || name.Any(char.IsControl))
            return ApiProblems.BadRequest("fileName has at most 200 characters and no control characters.");
        var started = await jobs.StartAsync(department, http.Request.Body, name, caller.Username, ct);
        return started switch
        {
            { Rejected: { } reason } => ApiProblems.BadRequest(reason),
            { Report: { } report } => TypedResults.Ok(report),
            _ => TypedResults.Accepted($"/api/imports/{started.ImportId}", await importer.GetAsync(started.ImportId, ct)),
        };
    }

    public static async Task<Results<Ok<ImportStatus>, ProblemHttpResult>> Get(long id, HttpContext http, DepartmentImporter importer, CancellationToken ct) =>
        await VisibleAsync(id, http, importer, ct) is { } status ? TypedResults.Ok(status) : ApiProblems.NotFound($"No import {id} of yours.");

    public static async Task<Results<Ok<IReadOnlyList<ImportIssue>>, ProblemHttpResult>> Issues(
        long id, int? after, int? limit, HttpContext http, DepartmentImporter importer, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
            return ApiProblems.BadRequest("limit is between 1 and 1000.");
        if (await VisibleAsync(id, http, importer, ct) is null)
            return ApiProblems.NotFound($"No import {id} of yours.");
        return TypedResults.Ok(await importer.ListIssuesAsync(id, after ?? 0, limit ?? 100, ct));
    }

    /// <summary>An import is visible to the administrator and to officers of its department.</summary>
    private static async Task<ImportStatus?> VisibleAsync(long id, HttpContext http, DepartmentImporter importer, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        return await importer.GetAsync(id, ct) is { } status && caller.MayImport(status.Department) ? status : null;
    }
}
