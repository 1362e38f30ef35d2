using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Tracking;

/// <summary>The public tracker: an event's progress by tracking number, without names, description or exact point.</summary>
public static class TrackingApi
{
    public static IEndpointRouteBuilder MapTrackingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/track/{trackingNo}", Track).WithTags("Public").AllowAnonymous()
            .WithSummary("An event's public progress: category, village, state and the steps by the unit that took them.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<TrackingView>, ProblemHttpResult>> Track(string trackingNo, EventStore events, CancellationToken ct)
    {
        if (!TrackingNumbers.IsWellFormed(trackingNo))
            return ApiProblems.BadRequest($"'{CodeRoute.Truncate(trackingNo)}' is not a tracking number: GM- and two groups of 4 letters or digits, e.g. GM-7K2P-Q9XD.");
        return await events.TrackAsync(trackingNo.ToUpperInvariant(), ct) is { } view
            ? TypedResults.Ok(view)
            : ApiProblems.NotFound($"No report with tracking number {trackingNo.ToUpperInvariant()}.");
    }
}
