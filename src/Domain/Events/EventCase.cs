using System.Collections.Immutable;
using GridMap.Domain.Codes;

namespace GridMap.Domain.Events;

/// <summary>
/// The states of an event (事件) in the closed loop. <see cref="FeedbackGiven"/> waits for the grid manager's on-site
/// check (核查); <see cref="Verifying"/> is a passed check waiting for the centre to close (结案); a failed check goes
/// to <see cref="Rework"/> (返工). <see cref="Suspended"/> is 挂账.
/// </summary>
public enum EventState
{
    Reported,
    Accepted,
    Rejected,
    Registered,
    Dispatched,
    Handling,
    FeedbackGiven,
    Verifying,
    Rework,
    Suspended,
    Voided,
    Closed,
}

/// <summary>Where the current step stands against its deadline.</summary>
public enum DeadlineState
{
    OnTime,
    DueSoon,
    Overdue,
    Paused,
    Finished,
}

public enum EventAction
{
    Accept,
    Reject,
    Register,
    Dispatch,
    StartHandling,
    Feedback,
    Verify,
    Close,
    Escalate,
    SendBack,
    RequestExtension,
    ApproveExtension,
    Suspend,
    Resume,
    RequestVoid,
    ApproveVoid,
    ResolveOnTheSpot,
    Supervise,
    HoldToAccount,
    Claim,
    Assign,
    AnswerSupervision,
}

/// <summary>Who owns the current step: a centre at one level (its unit code), or a department at that unit.</summary>
public sealed record StepOwner(AdminCode Unit, string? Department = null)
{
    public AdminLevel Level => Unit.Level;

    public override string ToString() => Department is null ? $"{Unit.Level.Slug()} {Unit.Value}" : $"{Department} at {Unit.Value}";
}

/// <summary>One append-only line of an event's history.</summary>
public sealed record HistoryEntry(int Sequence, DateTimeOffset At, string Actor, EventAction Action, EventState From, EventState To, string? Reason);

/// <summary>A 问责 record: who is held to account for what, by whom.</summary>
public sealed record Accountability(DateTimeOffset At, string By, string Person, string Reason);

/// <summary>
/// An event as the workflow sees it. <see cref="Due"/> is the current step's deadline; while suspended it is null and
/// <see cref="PausedRemaining"/> holds what was left, counted in the step's own kind of time.
/// </summary>
public sealed record EventCase(
    string Id,
    EventCategory Category,
    AdminCode Grid,
    bool Urban,
    EventState State,
    StepOwner Owner,
    TimeLimit StepLimit,
    DateTimeOffset? Due,
    ImmutableList<HistoryEntry> History)
{
    public DateTimeOffset ReportedAt { get; init; }

    public string Reporter { get; init; } = "";

    /// <summary>Who the event was last dispatched or escalated to; a failed verification sends it back to them.</summary>
    public StepOwner? Handler { get; init; }

    /// <summary>
    /// The person (account username) who holds the current step (承办人): claimed, assigned, or taken by acting on an
    /// unheld step; null while nobody of the owner has. A new owner starts unheld.
    /// </summary>
    public string? Holder { get; init; }

    /// <summary>Who held the handling step when feedback was given; a failed verification returns the step to them.</summary>
    public string? HandlerHolder { get; init; }

    public TimeSpan? PausedRemaining { get; init; }

    public EventState? SuspendedFrom { get; init; }

    /// <summary>When the event was suspended, while it is; resuming moves the closing deadline by the time since.</summary>
    public DateTimeOffset? SuspendedAt { get; init; }

    public TimeLimit? PendingExtension { get; init; }

    public string? PendingVoidReason { get; init; }

    public int Supervisions { get; init; }

    /// <summary>When a supervision (督办) asked for an answer: the answer's deadline, until the step's holder answers.</summary>
    public DateTimeOffset? SupervisionAnswerDue { get; init; }

    /// <summary>Who last supervised the event (account username).</summary>
    public string? SupervisedBy { get; init; }

    public ImmutableList<Accountability> Accountabilities { get; init; } = [];

    public EventIndicators Indicators { get; init; } = EventIndicators.None;

    public bool IsFinished => State.IsFinished();
}

public static class EventStates
{
    /// <summary>Rejected, voided and closed events take no further step (but for holding someone to account).</summary>
    public static bool IsFinished(this EventState state) => state is EventState.Rejected or EventState.Voided or EventState.Closed;
}
