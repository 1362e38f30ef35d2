using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.PublicReports;

/// <summary>
/// The public web form's report (anonymous, limited per IP address): answered with the tracking number only, never
/// the internal id. Every field is checked before anything is written.
/// </summary>
public static class PublicReportsApi
{
    public static IEndpointRouteBuilder MapPublicReportsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/public/reports", Report).WithTags("Public").AllowAnonymous().DisableAntiforgery().WithSmallBody()
            .RequireRateLimiting(PublicRateLimits.ReportsPolicy)
            .WithSummary("Report a problem as a member of the public; 201 with the tracking number (200 with the same one on a retry with the same key).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public sealed record PublicReport(string? Category, string? Description, double? Lon, double? Lat, string? Address, string? ContactName,
        string? ContactPhone, string? IdempotencyKey);

    public sealed record PublicReceipt(string TrackingNo);

    public static async Task<Results<Created<PublicReceipt>, Ok<PublicReceipt>, ProblemHttpResult>> Report(PublicReport? body, HttpResponse response,
        EventStore events, CancellationToken ct)
    {
        if (body is null)
            return ApiProblems.BadRequest("Send JSON {category, description, lon, lat, address?, contactName?, contactPhone?, idempotencyKey}.");
        if (ReportRules.Check(body.Category, body.Description, body.Lon, body.Lat, body.Address, body.ContactName, body.ContactPhone,
                body.IdempotencyKey, keyRequired: true) is { } invalid)
            return ApiProblems.BadRequest(invalid);
        var report = new NewReport(body.Category!, body.Description!.Trim(), body.Lon, body.Lat, EventChannels.Web, $"web:{body.IdempotencyKey}",
            Address: ReportRules.Clean(body.Address), ContactName: ReportRules.Clean(body.ContactName), ContactPhone: ReportRules.Clean(body.ContactPhone));
        var receipt = await events.IntakeAsync(null, "public", report, ct);
        // The form answers every refusal but a full queue as a bad request: its reporter can only change what they sent.
        if (receipt.Problem is { Code: IntakeProblem.Busy } busy)
            return busy.ToProblem(response);
        if (receipt.Problem is { } problem)
            return ApiProblems.BadRequest(problem.Code == IntakeProblem.UnknownCategory
                ? $"Unknown category '{CodeRoute.Truncate(report.Category)}'; GET /open311/v2/services.json lists the categories."
                : problem.Message);
        var taken = receipt.Value!;
        var answer = new PublicReceipt(taken.TrackingNo);
        return taken.Created ? TypedResults.Created($"/api/track/{taken.TrackingNo}", answer) : TypedResults.Ok(answer);
    }
}
