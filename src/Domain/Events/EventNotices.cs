namespace GridMap.Domain.Events;

/// <summary>What a personal inbox item (and its text message) is about.</summary>
public enum NoticeKind
{
    /// <summary>A step was assigned to you.</summary>
    Assigned,
    /// <summary>A centre supervised (督办) a step you hold; it may ask for your answer.</summary>
    Supervised,
    /// <summary>Your handling failed verification and came back to you (返工).</summary>
    Returned,
    /// <summary>A step you hold passed its deadline.</summary>
    Overdue,
    /// <summary>A move into or out of your grid waits for your side to accept or refuse it.</summary>
    Move,
    /// <summary>A register change touches your department's list and waits for you to reconcile it (待核对).</summary>
    Reconciliation,
    /// <summary>A dispute came up to your level for mediation.</summary>
    Dispute,
    /// <summary>A contract of your village ends within 30 days.</summary>
    Contract,
    /// <summary>A proxy request (代办) came to your desk, or one you took came back or was finished.</summary>
    Proxy,
}

/// <summary>One notice for one person: whom, what kind, and the phrase the inbox and the text message show.</summary>
public sealed record PersonalNotice(string To, NoticeKind Kind, string Phrase);

/// <summary>
/// Who is told what when a step is taken: the person a step is assigned to, the holder of a supervised step, the person
/// a rework returns to, the holder of a step that went overdue. Nobody is told about their own action.
/// </summary>
public static class EventNotices
{
    public static IReadOnlyList<PersonalNotice> For(EventCase before, EventCase after, EventCommand? command, string actor)
    {
        PersonalNotice? notice = command switch
        {
            EventCommand.Assign when after.Holder is { } to => new(to, NoticeKind.Assigned, $"{actor} 将此事件指派给你办理"),
            EventCommand.Supervise s when after.Holder is { } holder => new(holder, NoticeKind.Supervised,
                $"{actor} 督办：{(string.IsNullOrWhiteSpace(s.Note) ? "请加快办理" : s.Note.Trim())}"
                + (s.NewDue is { } due ? $"；期限改为 {due.ToOffset(WorkingCalendar.ChinaStandardTime):MM-dd HH:mm}" : "")
                + (after.SupervisionAnswerDue is { } answer && s.AnswerRequired ? $"；请于 {answer.ToOffset(WorkingCalendar.ChinaStandardTime):MM-dd HH:mm} 前答复" : "")),
            EventCommand.Verify { Passed: false } v when after.Holder is { } holder => new(holder, NoticeKind.Returned,
                $"核查未通过，退回返工：{v.Note ?? "请重新办理"}"),
            null when EventAccountability.AnswerMissed(before, after) is { } answer && before.Holder is { } holder => new(holder, NoticeKind.Overdue,
                $"督办要求的答复已超期（期限 {answer.ToOffset(WorkingCalendar.ChinaStandardTime):MM-dd HH:mm}），已记录问责"),
            null or EventCommand.Escalate when actor == EventWorkflow.SystemActor && before.Holder is { } holder => new(holder, NoticeKind.Overdue,
                $"你承办的环节已超期（期限 {before.Due?.ToOffset(WorkingCalendar.ChinaStandardTime):MM-dd HH:mm}）"),
            _ => null,
        };
        return notice is { } n && n.To != actor ? [n] : [];
    }
}
