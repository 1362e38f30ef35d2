using GridMap.Domain.Access;
using GridMap.Domain.Codes;

namespace GridMap.Domain.Events;

public enum RejectReason
{
    Invalid,
    Duplicate,
}

/// <summary>Where a dispatch sends the event: a centre at a level of the event's own chain, or a department at the county.</summary>
public sealed record DispatchTarget(AdminLevel? Level, string? Department)
{
    public static DispatchTarget ToLevel(AdminLevel level) => new(level, null);

    public static DispatchTarget ToDepartment(string department) => new(null, department);
}

public abstract record EventCommand(EventAction Action)
{
    public sealed record Accept() : EventCommand(EventAction.Accept);
    public sealed record Reject(RejectReason Reason) : EventCommand(EventAction.Reject);
    public sealed record Register() : EventCommand(EventAction.Register);
    public sealed record Dispatch(DispatchTarget Target) : EventCommand(EventAction.Dispatch);
    public sealed record StartHandling() : EventCommand(EventAction.StartHandling);
    public sealed record Feedback(string Note) : EventCommand(EventAction.Feedback);
    public sealed record Verify(bool Passed, string? Note = null) : EventCommand(EventAction.Verify);
    public sealed record Close() : EventCommand(EventAction.Close);
    public sealed record Escalate(string Reason) : EventCommand(EventAction.Escalate);
    public sealed record SendBack(string Reason) : EventCommand(EventAction.SendBack);
    public sealed record RequestExtension(TimeLimit Extra, string Reason) : EventCommand(EventAction.RequestExtension);
    public sealed record ApproveExtension() : EventCommand(EventAction.ApproveExtension);
    public sealed record Suspend(string Reason) : EventCommand(EventAction.Suspend);
    public sealed record Resume() : EventCommand(EventAction.Resume);
    public sealed record RequestVoid(string Reason) : EventCommand(EventAction.RequestVoid);
    public sealed record ApproveVoid() : EventCommand(EventAction.ApproveVoid);
    public sealed record ResolveOnTheSpot(string Note) : EventCommand(EventAction.ResolveOnTheSpot);
    /// <summary>
    /// 督办: a note, optionally a new deadline for the current step, optionally a required answer — which the step's
    /// holder gives (<see cref="AnswerSupervision"/>) within <see cref="EventWorkflow.SupervisionAnswerTime"/>.
    /// </summary>
    public sealed record Supervise(string Note, DateTimeOffset? NewDue = null, bool AnswerRequired = false) : EventCommand(EventAction.Supervise);

    public sealed record AnswerSupervision(string Note) : EventCommand(EventAction.AnswerSupervision);
    public sealed record HoldToAccount(string Person, string Reason) : EventCommand(EventAction.HoldToAccount);

    /// <summary>A member of the step's owner takes the step: they hold it from now on.</summary>
    public sealed record Claim() : EventCommand(EventAction.Claim);

    /// <summary>
    /// The step is given to <paramref name="Person"/> (a username); <paramref name="Account"/> is that account as the
    /// store found it (null when there is no such active account), so the rule can check they belong to the owner.
    /// </summary>
    public sealed record Assign(string Person, Caller? Account) : EventCommand(EventAction.Assign);
}

public enum RefusalKind
{
    /// <summary>The action does not apply to the event's current state.</summary>
    NotInThisState,
    /// <summary>The action applies but something it needs is missing (a reason, a pending request, a level to go up to).</summary>
    Precondition,
    /// <summary>The caller's role or area does not allow it.</summary>
    NotAuthorised,
}

public sealed record Refusal(RefusalKind Kind, string Message);

/// <summary>The outcome of applying a command: the new case and its history entry, or a refusal a person can read.</summary>
public sealed record EventResult(EventCase? Case, HistoryEntry? Entry, Refusal? Refusal)
{
    public bool Ok => Refusal is null;

    public static EventResult Refused(RefusalKind kind, string message) => new(null, null, new Refusal(kind, message));
}

/// <summary>
/// A step of the overdue sweep: the case after it, the command it took (an automatic escalation) or null for an alert
/// that changes no state (<see cref="EventWorkflow.OverdueAlertAction"/> in the history), and the history line's reason.
/// </summary>
public sealed record OverdueStep(EventCase Case, EventCommand? Command, string Reason);
