namespace GridMap.Domain.Events;

/// <summary>
/// An event type and the time limits that go with it, whatever the channel: urgent types register and dispatch in
/// calendar minutes, the rest in working minutes; handling takes a number of working days by type.
/// </summary>
public sealed record EventCategory(string Code, string Name, bool Urgent, int HandleWorkingDays, bool MinorOnTheSpot, string? Department = null);

public enum EventStep
{
    Intake,
    Handle,
    Verify,
    Close,
}

/// <summary>
/// The time-limit table (Taiyuan figures: urgent register+dispatch ≤ 10 min, others ≤ 30 working minutes;
/// verify ≤ 1 working hour urban, 2 rural). Intake runs from report to dispatch as one clock.
/// </summary>
public sealed record TimeLimitTable(
    TimeLimit UrgentIntake,
    TimeLimit Intake,
    TimeLimit VerifyUrban,
    TimeLimit VerifyRural,
    TimeLimit Close)
{
    public static readonly TimeLimitTable Taiyuan = new(
        TimeLimit.CalendarMinutes(10),
        TimeLimit.WorkingMinutes(30),
        TimeLimit.WorkingMinutes(60),
        TimeLimit.WorkingMinutes(120),
        TimeLimit.WorkingMinutes(30));

    public TimeLimit For(EventStep step, EventCategory category, bool urban) => step switch
    {
        EventStep.Intake => category.Urgent ? UrgentIntake : Intake,
        EventStep.Handle => TimeLimit.WorkingDays(category.HandleWorkingDays),
        EventStep.Verify => urban ? VerifyUrban : VerifyRural,
        EventStep.Close => Close,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };
}

public static class EventCategories
{
    public static readonly EventCategory Dispute = new("0101", "矛盾纠纷", Urgent: false, HandleWorkingDays: 5, MinorOnTheSpot: true);
    public static readonly EventCategory Hazard = new("0201", "安全隐患", Urgent: true, HandleWorkingDays: 1, MinorOnTheSpot: false, Department: "emergency");
    public static readonly EventCategory StreetOrder = new("0301", "街面秩序", Urgent: false, HandleWorkingDays: 2, MinorOnTheSpot: true);
    public static readonly EventCategory PublicService = new("0401", "民生服务", Urgent: false, HandleWorkingDays: 3, MinorOnTheSpot: false);

    public static readonly IReadOnlyList<EventCategory> All = [Dispute, Hazard, StreetOrder, PublicService];
}
