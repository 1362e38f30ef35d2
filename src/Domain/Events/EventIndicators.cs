using GridMap.Domain.Codes;

namespace GridMap.Domain.Events;

/// <summary>
/// What the KPIs count of one event (DOMAIN.md §6), moved by every step of the workflow: when each stage was first
/// reached, the closing deadline (应结案) and whether it was met, the rework, extension and escalation counters, the
/// level that resolved it, and when an overdue alert was last raised for the current step.
/// </summary>
public sealed record EventIndicators
{
    public static readonly EventIndicators None = new();

    public DateTimeOffset? AcceptedAt { get; init; }

    public DateTimeOffset? RegisteredAt { get; init; }

    /// <summary>Whether registration came within the intake step's deadline.</summary>
    public bool? RegisteredOnTime { get; init; }

    public DateTimeOffset? DispatchedAt { get; init; }

    public DateTimeOffset? HandledAt { get; init; }

    /// <summary>The handling deadline of the first dispatch, moved by approved extensions and suspensions.</summary>
    public DateTimeOffset? CloseDue { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Whether the event closed by <see cref="CloseDue"/>; null until it closes.</summary>
    public bool? ClosedOnTime { get; init; }

    public int ReworkCount { get; init; }

    public int ExtensionCount { get; init; }

    public int EscalationCount { get; init; }

    /// <summary>The level of the unit that handled the event when it closed (a department counts at the county).</summary>
    public AdminLevel? ResolutionLevel { get; init; }

    public DateTimeOffset? OverdueAlertedAt { get; init; }

    /// <summary>
    /// The indicators after one step from <paramref name="before"/> to <paramref name="after"/>: a command, or, when
    /// <paramref name="command"/> is null, an overdue alert that changes no state. A stage's first time is kept.
    /// </summary>
    public static EventIndicators Step(EventCase before, EventCase after, EventCommand? command, DateTimeOffset now)
    {
        var i = before.Indicators;
        var onTheSpot = command is EventCommand.ResolveOnTheSpot;
        var closeDue = command switch
        {
            EventCommand.ResolveOnTheSpot => now,
            EventCommand.Dispatch when i.CloseDue is null => after.Due,
            EventCommand.ApproveExtension when i.CloseDue is { } due && before.Due is { } from && after.Due is { } to => due + (to - from),
            EventCommand.Resume when i.CloseDue is { } due && before.SuspendedAt is { } since => due + (now - since),
            _ => i.CloseDue,
        };
        return new EventIndicators
        {
            AcceptedAt = i.AcceptedAt ?? (command is EventCommand.Accept || onTheSpot ? now : null),
            RegisteredAt = i.RegisteredAt ?? (command is EventCommand.Register || onTheSpot ? now : null),
            RegisteredOnTime = i.RegisteredOnTime
                ?? (command is EventCommand.Register ? before.Due is null || now <= before.Due : onTheSpot ? true : null),
            DispatchedAt = i.DispatchedAt ?? (command is EventCommand.Dispatch || onTheSpot ? now : null),
            HandledAt = i.HandledAt ?? (command is EventCommand.Feedback || onTheSpot ? now : null),
            CloseDue = closeDue,
            FinishedAt = after.IsFinished ? now : null,
            ClosedOnTime = after.State == EventState.Closed ? closeDue is null || now <= closeDue : null,
            ReworkCount = i.ReworkCount + (command is EventCommand.Verify { Passed: false } ? 1 : 0),
            ExtensionCount = i.ExtensionCount + (command is EventCommand.ApproveExtension ? 1 : 0),
            EscalationCount = i.EscalationCount + (command is EventCommand.Escalate ? 1 : 0),
            ResolutionLevel = command switch
            {
                EventCommand.ResolveOnTheSpot => AdminLevel.Grid,
                EventCommand.Close => ResolvedAt(before),
                _ => i.ResolutionLevel,
            },
            OverdueAlertedAt = command is null ? now : after.Due == before.Due ? i.OverdueAlertedAt : null,
        };
    }

    private static AdminLevel ResolvedAt(EventCase c) =>
        c.Handler is not { } handler ? c.Owner.Level : handler.Department is null ? handler.Level : AdminLevel.County;
}
