using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using NetTopologySuite.Geometries;

namespace GridMap.Synthetic.EventHistory;

/// <summary>One line of a generated event's history, before it is chained (the chain needs the event's id).</summary>
public sealed record GeneratedHistoryRow(
    DateTimeOffset At, string Actor, string? ActorUnit, string? ActorDepartment, string Action, string FromState, string ToState,
    string? Reason, string OwnerUnit, string? OwnerDepartment, DateTimeOffset? Due);

/// <summary>A generated event as it stands at the end of the history: the workflow's case, the indicator columns and its history.</summary>
public sealed record GeneratedEvent(
    string TrackingNo,
    string CategoryCode,
    string GridCode,
    bool Urban,
    Point Geometry,
    string Description,
    string Reporter,
    EventCase Case,
    DateTimeOffset? SuspendedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? RegisteredAt,
    bool? RegisteredOnTime,
    DateTimeOffset? DispatchedAt,
    DateTimeOffset? HandledAt,
    DateTimeOffset? CloseDue,
    DateTimeOffset? FinishedAt,
    bool? ClosedOnTime,
    int ReworkCount,
    int ExtensionCount,
    int EscalationCount,
    short? ResolutionLevel,
    IReadOnlyList<GeneratedHistoryRow> History)
{
    public DateTimeOffset UpdatedAt => History[^1].At;
}

/// <summary>
/// Plays one event's plan through <see cref="EventWorkflow.Apply"/>, step by step, as the people who would take each step;
/// a refused step is a bug in the plan and throws. Indicator columns follow the live store's rules (see 0009/0010).
/// </summary>
internal sealed class WorkflowRun
{
    private static readonly IReadOnlySet<DataCategory> NoCategories = new HashSet<DataCategory>();

    private readonly EventHistoryGenerator generator;
    private readonly EventDraft draft;
    private readonly HistoryGrid grid;
    private readonly EventCategory category;
    private readonly string trackingNo;
    private readonly Point point;
    private readonly string reporter;
    private readonly List<GeneratedHistoryRow> rows = new(10);
    private readonly AdminCode gridCode;
    private EventCase c;
    private DateTimeOffset? suspendedAt, acceptedAt, registeredAt, dispatchedAt, handledAt, closeDue, finishedAt;
    private bool? registeredOnTime, closedOnTime;
    private int reworks, extensions, escalations;
    private short? resolutionLevel;
    private bool stopped;

    public WorkflowRun(EventHistoryGenerator generator, EventDraft draft, HistoryGrid grid, EventCategory category, string trackingNo, Point point,
        string reporter, string? reporterUnit)
    {
        this.generator = generator;
        this.draft = draft;
        this.grid = grid;
        this.category = category;
        this.trackingNo = trackingNo;
        this.point = point;
        this.reporter = reporter;
        gridCode = AdminCode.Parse(grid.Code);
        c = EventWorkflow.Report(draft.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), category, gridCode, grid.Urban, reporter,
            draft.ReportedAt, generator.Calendar, generator.Limits);
        rows.Add(new GeneratedHistoryRow(draft.ReportedAt, reporter, reporterUnit, null, "Report", nameof(EventState.Reported), nameof(EventState.Reported),
            null, c.Owner.Unit.Value, c.Owner.Department, c.Due));
    }

    private WorkingCalendar Calendar => generator.Calendar;

    private TimeSpan HandleSpan => Calendar.WorkingDayLength * category.HandleWorkingDays;

    public void Play(Random random)
    {
        var t = draft.ReportedAt;
        var township = Centre(Role.TownshipStaff, AdminLevel.Township);
        switch (draft.Kind)
        {
            case PlanKind.Rejected:
                Step(new EventCommand.Reject(random.NextDouble() < 0.6 ? RejectReason.Invalid : RejectReason.Duplicate), township, t.AddMinutes(random.Next(5, 60)));
                return;
            case PlanKind.OnTheSpot:
                Step(new EventCommand.ResolveOnTheSpot("当场处置"), GridManager(), t.AddMinutes(random.Next(2, 40)));
                return;
        }

        t = t.AddMinutes(random.Next(1, 20));
        Step(new EventCommand.Accept(), township, t);
        if (draft.Kind == PlanKind.VoidBeforeRegister)
        {
            t = t.AddMinutes(random.Next(5, 60));
            Step(new EventCommand.RequestVoid("重复上报"), township, t);
            Step(new EventCommand.ApproveVoid(), Approver(), t.AddMinutes(random.Next(10, 120)));
            return;
        }

        var registerAt = t.AddMinutes(random.Next(1, 15));
        if (draft.LateRegistration && c.Due is { } intakeDue)
        {
            var late = Calendar.AddWorkingTime(intakeDue, TimeSpan.FromMinutes(random.Next(5, 90)));
            if (late < generator.Cutoff.AddHours(-1))
                registerAt = late;
        }
        Step(new EventCommand.Register(), township, registerAt);
        t = registerAt;
        if (draft.Kind == PlanKind.VoidAfterRegister)
        {
            t = t.AddMinutes(random.Next(10, 240));
            Step(new EventCommand.RequestVoid(random.NextDouble() < 0.5 ? "重复立案" : "不属于受理范围"), township, t);
            Step(new EventCommand.ApproveVoid(), Approver(), t.AddMinutes(random.Next(30, 600)));
            return;
        }

        t = t.AddMinutes(random.Next(1, 10));
        Step(new EventCommand.Dispatch(Target()), township, t);
        t = Work(t, Fraction(HandleSpan, random, 0.01, 0.08));
        Step(new EventCommand.StartHandling(), Owner(), t);

        // An escalated event may end with a county centre, above which no centre approves a suspension or an extension.
        if (draft.Escalate && !draft.Suspend && !draft.Extend && draft.Kind != PlanKind.SuspendedAtYearEnd
            && c.Owner.Department is null && c.Owner.Level > AdminLevel.County)
        {
            t = Work(t, Fraction(HandleSpan, random, 0.05, 0.3));
            Step(new EventCommand.Escalate("超出本级处置能力"), Owner(), t);
            t = Work(t, Fraction(HandleSpan, random, 0.01, 0.05));
            Step(new EventCommand.StartHandling(), Owner(), t);
        }
        if (draft.Kind == PlanKind.SuspendedAtYearEnd)
        {
            Step(new EventCommand.Suspend("等待相关方答复"), Approver(), Work(t, Fraction(HandleSpan, random, 0.05, 0.2)));
            return;
        }
        if (draft.Suspend)
        {
            t = Work(t, Fraction(HandleSpan, random, 0.1, 0.3));
            Step(new EventCommand.Suspend("等待相关方答复"), Approver(), t);
            t = t.AddDays(random.Next(1, 6)).AddMinutes(random.Next(0, 600));
            Step(new EventCommand.Resume(), Approver(), t);
        }
        if (draft.Extend)
        {
            t = Work(t, Fraction(HandleSpan, random, 0.3, 0.6));
            Step(new EventCommand.RequestExtension(TimeLimit.WorkingDays(random.Next(1, 4)), "需协调多部门"), Owner(), t);
            t = Work(t, TimeSpan.FromMinutes(random.Next(10, 180)));
            Step(new EventCommand.ApproveExtension(), Approver(), t);
        }
        t = Feedback(t, random, draft.Late);
        if (draft.Rework)
        {
            t = Work(t, TimeSpan.FromMinutes(random.Next(10, 60)));
            Step(new EventCommand.Verify(false, "现场核查未处置到位"), GridManager(), t);
            t = Work(t, TimeSpan.FromMinutes(random.Next(10, 90)));
            Step(new EventCommand.StartHandling(), Owner(), t);
            t = Feedback(t, random, late: false);
        }
        t = Work(t, TimeSpan.FromMinutes(random.Next(10, 50)));
        Step(new EventCommand.Verify(true, "现场核查通过"), GridManager(), t);
        Step(new EventCommand.Close(), township, Work(t, TimeSpan.FromMinutes(random.Next(5, 25))));
    }

    /// <summary>Feedback within the step's deadline, or after it for a late event (with a supervision from above when one may).</summary>
    private DateTimeOffset Feedback(DateTimeOffset t, Random random, bool late)
    {
        var due = c.Due ?? t;
        DateTimeOffset at;
        if (late)
        {
            if (Supervisor() is { } supervisor && due > t)
                Step(new EventCommand.Supervise("督办：即将超期"), supervisor, Work(t, Calendar.WorkingTimeBetween(t, due) * 0.9));
            at = Work(due, Fraction(HandleSpan, random, 0.05, 0.6));
        }
        else
        {
            at = Work(t, Calendar.WorkingTimeBetween(t, due) * (0.1 + 0.6 * random.NextDouble()));
        }
        Step(new EventCommand.Feedback("已处置"), Owner(), at);
        return at;
    }

    private void Step(EventCommand command, Caller actor, DateTimeOffset at)
    {
        // Whole seconds: what is stored is what was hashed, with nothing for the database to round.
        at = new DateTimeOffset(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, at.Offset);
        if (stopped || at >= generator.Cutoff)
        {
            stopped = true;
            return;
        }
        var before = c;
        var result = EventWorkflow.Apply(c, command, actor, at, Calendar, generator.Limits);
        if (!result.Ok)
            throw new InvalidOperationException(
                $"The history plan of event {draft.Index} took a step the workflow refuses ({command.Action} from {before.State} by {actor.Username}): {result.Refusal!.Message}");
        c = result.Case!;
        switch (command.Action)
        {
            case EventAction.Accept:
                acceptedAt = at;
                break;
            case EventAction.Register:
                registeredAt = at;
                registeredOnTime = before.Due is not { } due || at <= due;
                break;
            case EventAction.Dispatch when dispatchedAt is null:
                dispatchedAt = at;
                closeDue = c.Due;
                break;
            case EventAction.Feedback:
                handledAt ??= at;
                break;
            case EventAction.Verify when c.State == EventState.Rework:
                reworks++;
                break;
            case EventAction.ApproveExtension:
                extensions++;
                closeDue = closeDue is { } d ? Calendar.Due(d, before.PendingExtension!) : closeDue;
                break;
            case EventAction.Escalate:
                escalations++;
                break;
            case EventAction.Suspend:
                suspendedAt = at;
                break;
            case EventAction.Resume:
                closeDue += at - suspendedAt!.Value;
                suspendedAt = null;
                break;
            case EventAction.Reject or EventAction.ApproveVoid:
                finishedAt = at;
                break;
            case EventAction.Close:
                finishedAt = at;
                closedOnTime = closeDue is { } limit && at <= limit;
                resolutionLevel = c.Handler is { } handler ? (short)(handler.Department is null ? (int)handler.Level : (int)AdminLevel.County) : null;
                break;
            case EventAction.ResolveOnTheSpot:
                acceptedAt = registeredAt = dispatchedAt = handledAt = finishedAt = closeDue = at;
                registeredOnTime = closedOnTime = true;
                resolutionLevel = (short)AdminLevel.Grid;
                break;
        }
        rows.Add(new GeneratedHistoryRow(at, actor.Username, actor.Scope.Value, actor.Department, command.Action.ToString(),
            before.State.ToString(), c.State.ToString(), result.Entry!.Reason, c.Owner.Unit.Value, c.Owner.Department, c.Due));
    }

    public GeneratedEvent ToEvent() => new(
        trackingNo, category.Code, grid.Code, grid.Urban, point, $"{category.Name}（{draft.ReportedAt.Year}年历史事件，合成数据）", reporter, c,
        suspendedAt, acceptedAt, registeredAt, registeredOnTime, dispatchedAt, handledAt, closeDue, finishedAt,
        c.State == EventState.Closed ? closedOnTime : null, reworks, extensions, escalations, c.State == EventState.Closed ? resolutionLevel : null, rows);

    private DispatchTarget Target() => draft.Target switch
    {
        HandlerTarget.Grid => DispatchTarget.ToLevel(AdminLevel.Grid),
        HandlerTarget.Village => DispatchTarget.ToLevel(AdminLevel.Village),
        HandlerTarget.Township => DispatchTarget.ToLevel(AdminLevel.Township),
        HandlerTarget.County => DispatchTarget.ToLevel(AdminLevel.County),
        _ => DispatchTarget.ToDepartment(category.Department!),
    };

    private DateTimeOffset Work(DateTimeOffset from, TimeSpan working) => Calendar.AddWorkingTime(from, working < TimeSpan.Zero ? TimeSpan.Zero : working);

    private static TimeSpan Fraction(TimeSpan span, Random random, double min, double max) => span * (min + (max - min) * random.NextDouble());

    private Caller GridManager() => new($"gm.{grid.Code}", Role.GridManager, gridCode, NoCategories, false, null);

    private Caller Centre(Role role, AdminLevel level)
    {
        var unit = gridCode.Chain.Single(u => u.Level == level);
        return new Caller($"centre.{unit.Value}", role, unit, NoCategories, false, null);
    }

    private static Role CentreRole(AdminLevel level) => level switch
    {
        AdminLevel.Village => Role.VillageStaff,
        AdminLevel.Township => Role.TownshipStaff,
        _ => Role.CountyStaff,
    };

    /// <summary>Whoever owns the current step: the grid manager, a centre of that level, or the department's officer.</summary>
    private Caller Owner()
    {
        var owner = c.Owner;
        if (owner.Department is { } department)
            return new Caller($"{department}.{owner.Unit.Value}", Role.DepartmentOfficer, owner.Unit, NoCategories, false, department);
        return owner.Level == AdminLevel.Grid ? GridManager() : Centre(CentreRole(owner.Level), owner.Level);
    }

    /// <summary>The centre one level above the step's owner (the county centre for a department), who approves.</summary>
    private Caller Approver()
    {
        var owner = c.Owner;
        var level = owner.Department is not null ? AdminLevel.County : owner.Level - 1;
        return Centre(CentreRole(level), level);
    }

    /// <summary>The county centre supervises (督办) a step owned below it or by a department; none above a county centre.</summary>
    private Caller? Supervisor() =>
        c.Owner.Department is not null || c.Owner.Level > AdminLevel.County ? Centre(Role.CountyStaff, AdminLevel.County) : null;
}
