using GridMap.Domain;
using GridMap.Domain.Events;

namespace GridMap.Store.Events;

/// <summary>The problems the event store answers with: which kind each refusal is, worded once.</summary>
internal static class EventProblems
{
    /// <summary>Intake's refusal with its <see cref="IntakeProblem"/> code; a full queue says when to retry.</summary>
    public static Problem Intake(string code, string message) => new(code switch
    {
        IntakeProblem.NotAReporter or IntakeProblem.OutsideArea => ProblemKind.Forbidden,
        IntakeProblem.UnknownBuilding => ProblemKind.NotFound,
        IntakeProblem.Busy => ProblemKind.Unavailable,
        _ => ProblemKind.Unprocessable,
    }, message)
    {
        Code = code,
        RetryAfter = code == IntakeProblem.Busy ? EventStore.BusyRetryAfter : null,
    };

    public static Problem NoEvent(long id) => Problem.NotFound($"No event {id} in your area.");

    /// <summary>Someone acted on the event since the caller read it: the caller reloads and decides again.</summary>
    public static Problem Stale(int expected, int current) => Problem.Conflict(
        $"The event changed since version {expected}; it is at version {current}. Reload it and decide again.",
        new Dictionary<string, object?> { ["currentVersion"] = current });

    public static Problem Refused(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.NotAuthorised => Problem.Forbidden(refusal.Message),
        RefusalKind.NotInThisState => Problem.Conflict(refusal.Message),
        _ => Problem.Unprocessable(refusal.Message),
    };
}
