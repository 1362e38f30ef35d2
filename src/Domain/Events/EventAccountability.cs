namespace GridMap.Domain.Events;

/// <summary>Why a person is held to account (问责) for a step.</summary>
public enum AccountabilityKind
{
    /// <summary>The step passed its deadline while they held it (or while nobody of the owner had taken it).</summary>
    Overdue,
    /// <summary>Their handling failed verification and went back for rework.</summary>
    Rework,
    /// <summary>A supervising centre named them.</summary>
    Named,
}

/// <summary>An accountability record a transition creates: against a person (null: nobody held the step) of a unit.</summary>
public sealed record AccountabilityCause(AccountabilityKind Kind, string? Person, StepOwner Unit, string Reason);

/// <summary>
/// Which accountability records a step creates — exactly when a step goes overdue (the sweep's alert or automatic
/// escalation) or an answer a supervision asked for is missed, when handling is reworked after a failed verification, or when a centre holds someone to account.
/// </summary>
public static class EventAccountability
{
    public static IReadOnlyList<AccountabilityCause> Created(EventCase before, EventCommand? command, string actor, string? reason, EventCase? after = null) => command switch
    {
        null when AnswerMissed(before, after) is { } answer => [new AccountabilityCause(AccountabilityKind.Overdue, before.Holder, before.Owner,
            $"supervision answer overdue since {answer.ToOffset(WorkingCalendar.ChinaStandardTime):yyyy-MM-dd HH:mm}")],
        null when before.Due is { } due => [Overdue(before, due)],
        EventCommand.Escalate when actor == EventWorkflow.SystemActor && before.Due is { } due => [Overdue(before, due)],
        EventCommand.Verify { Passed: false } v when before.Handler is { } handler =>
            [new AccountabilityCause(AccountabilityKind.Rework, before.HandlerHolder, handler, v.Note ?? reason ?? "verification failed")],
        EventCommand.HoldToAccount h => [new AccountabilityCause(AccountabilityKind.Named, h.Person, before.Owner, h.Reason)],
        _ => [],
    };

    /// <summary>The answer deadline a sweep found missed (it clears the request), or null.</summary>
    public static DateTimeOffset? AnswerMissed(EventCase before, EventCase? after) =>
        after is not null && before.SupervisionAnswerDue is { } answer && after.SupervisionAnswerDue is null ? answer : null;

    private static AccountabilityCause Overdue(EventCase before, DateTimeOffset due) => new(AccountabilityKind.Overdue, before.Holder, before.Owner,
        $"{before.State} step overdue since {due.ToOffset(WorkingCalendar.ChinaStandardTime):yyyy-MM-dd HH:mm}");
}
