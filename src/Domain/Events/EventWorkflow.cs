using System.Collections.Immutable;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using static GridMap.Domain.Events.EventAction;
using static GridMap.Domain.Events.EventState;

namespace GridMap.Domain.Events;

/// <summary>
/// The closed loop as a pure function: report (上报) → accept (受理) → register (立案) → dispatch (派遣) → handle (处置)
/// → feedback → verify (核查) → close (结案), with the side paths escalate (上报上级), send back (回退), extension (延期),
/// suspend (挂账), void (作废), resolve on the spot (自处理), supervise (督办) and hold to account (问责).
/// </summary>
public static class EventWorkflow
{
    private static readonly EventState[] Open = [Accepted, Registered, Dispatched, Handling, FeedbackGiven, Verifying, Rework];
    private static readonly EventState[] WithHandler = [Dispatched, Handling, Rework];

    /// <summary>
    /// Which actions each state admits. Escalate, extension, suspend, void and supervision keep or restore the state;
    /// the target of the others is fixed in <see cref="Apply"/>.
    /// </summary>
    public static readonly IReadOnlyDictionary<EventAction, IReadOnlySet<EventState>> AllowedFrom = new Dictionary<EventAction, IReadOnlySet<EventState>>
    {
        [Accept] = Set(Reported),
        [Reject] = Set(Reported),
        [Register] = Set(Accepted),
        [Dispatch] = Set(Registered, Dispatched),
        [StartHandling] = Set(Dispatched, Rework),
        [Feedback] = Set(Handling),
        [Verify] = Set(FeedbackGiven),
        [Close] = Set(Verifying),
        [Escalate] = Set(WithHandler),
        [SendBack] = Set(Dispatched, Handling),
        [RequestExtension] = Set(WithHandler),
        [ApproveExtension] = Set(WithHandler),
        [Suspend] = Set(Registered, Dispatched, Handling, Rework),
        [Resume] = Set(Suspended),
        [RequestVoid] = Set(Accepted, Registered, Dispatched, Handling, Rework, Suspended),
        [ApproveVoid] = Set(Accepted, Registered, Dispatched, Handling, Rework, Suspended),
        [ResolveOnTheSpot] = Set(Reported),
        [Supervise] = Set([Reported, .. Open, Suspended]),
        [HoldToAccount] = Set(Enum.GetValues<EventState>()),
        // Verification (FeedbackGiven) is always the grid manager's own step; a handling step dispatched to a grid is too
        // (EventPermissions): neither is claimed or assigned.
        [AnswerSupervision] = Set([Reported, .. Open, Suspended]),
        [Claim] = Set([Reported, .. Open.Except([FeedbackGiven])]),
        [Assign] = Set([Reported, .. Open.Except([FeedbackGiven])]),
    };

    /// <summary>States whose step escalates one level up on its own when overdue (data; intake and verification only alert).</summary>
    public static readonly IReadOnlySet<EventState> AutoEscalating = Set(WithHandler);

    public const string SystemActor = "system";

    /// <summary>How long the step's holder has to answer a supervision that asks for an answer (working time).</summary>
    public static readonly TimeSpan SupervisionAnswerTime = TimeSpan.FromHours(4);

    /// <summary>The history action of a report, the first line of every history (no <see cref="EventAction"/>: nothing is applied).</summary>
    public const string ReportAction = "Report";

    /// <summary>
    /// A new event as a grid manager (or clerk) reports it; the intake clock starts now, owned by the grid's centre at
    /// <paramref name="intakeAt"/> (the township unless routing names the village as competent; never the grid itself).
    /// </summary>
    public static EventCase Report(string id, EventCategory category, AdminCode grid, bool urban, string reporter, DateTimeOffset now, WorkingCalendar calendar,
        TimeLimitTable? limits = null, AdminLevel intakeAt = AdminLevel.Township)
    {
        if (grid.Level != AdminLevel.Grid)
            throw new ArgumentException($"An event is reported in a grid, not a {grid.Level.Slug()}.", nameof(grid));
        if (intakeAt is < AdminLevel.County or > AdminLevel.Village)
            throw new ArgumentOutOfRangeException(nameof(intakeAt), intakeAt, "Intake is at the village, township or county centre.");
        var limit = (limits ?? TimeLimitTable.Taiyuan).For(EventStep.Intake, category, urban);
        return new EventCase(id, category, grid, urban, Reported, new StepOwner(UnitAt(grid, intakeAt)), limit, calendar.Due(now, limit), [])
        {
            ReportedAt = now,
            Reporter = reporter,
        };
    }

    /// <summary>
    /// The level the catalogue makes competent for a category, within the county's chain (a stored level outside it is
    /// read as the nearest end).
    /// </summary>
    public static AdminLevel CompetentLevel(int catalogueLevel) => (AdminLevel)Math.Clamp(catalogueLevel, (int)AdminLevel.County, (int)AdminLevel.Grid);

    /// <summary>The centre that takes a report in: the competent level's, but never the grid itself (its village instead).</summary>
    public static AdminLevel IntakeLevel(int catalogueLevel) => (AdminLevel)Math.Clamp(catalogueLevel, (int)AdminLevel.County, (int)AdminLevel.Village);

    public static bool Admits(EventState state, EventAction action) => AllowedFrom[action].Contains(state);

    /// <summary>The actions this caller may take on the event now (state admits them and the caller is the right party).</summary>
    public static IReadOnlyList<EventAction> ActionsFor(EventCase c, Caller caller) =>
        [.. Enum.GetValues<EventAction>().Where(a => Admits(c.State, a) && EventPermissions.May(caller, c, a))];

    /// <summary>How the current step stands against its deadline, for colouring maps and lists.</summary>
    public static DeadlineState Deadline(EventCase c, DateTimeOffset now) => Deadline(c.State, c.Due, now);

    public static DeadlineState Deadline(EventState state, DateTimeOffset? due, DateTimeOffset now) =>
        state.IsFinished() ? DeadlineState.Finished
        : state == Suspended || due is null ? DeadlineState.Paused
        : now > due ? DeadlineState.Overdue
        : due - now <= DueSoonWindow ? DeadlineState.DueSoon
        : DeadlineState.OnTime;

    /// <summary>A step due within this wall-clock time shows as due soon.</summary>
    public static readonly TimeSpan DueSoonWindow = TimeSpan.FromHours(2);

    /// <summary>Whether the current step is past its deadline (never while suspended or finished).</summary>
    public static bool Overdue(EventCase c, DateTimeOffset now) => !c.IsFinished && c.State != Suspended && c.Due is { } due && now > due;

    public static EventResult Apply(EventCase c, EventCommand command, Caller actor, DateTimeOffset now, WorkingCalendar calendar, TimeLimitTable? limits = null)
    {
        var table = limits ?? TimeLimitTable.Taiyuan;
        if (!Admits(c.State, command.Action))
            return EventResult.Refused(RefusalKind.NotInThisState, $"An event that is {Describe(c.State)} cannot be {Describe(command.Action)}.");
        if (Precondition(c, command, actor, now) is { } missing)
            return EventResult.Refused(RefusalKind.Precondition, missing);
        if (!EventPermissions.May(actor, c, command.Action))
            return EventResult.Refused(RefusalKind.NotAuthorised, EventPermissions.Explain(actor, c, command.Action));
        return Transition(c, command, actor.Username, now, calendar, table, EventPermissions.MayHold(actor, c.Owner));
    }

    /// <summary>
    /// What the overdue sweep does to one event: escalates the step when its state escalates automatically, else raises
    /// an alert that changes no state; null when the step is not overdue or was already alerted since its deadline.
    /// </summary>
    public static OverdueStep? Sweep(EventCase c, DateTimeOffset now, WorkingCalendar calendar, TimeLimitTable? limits = null)
    {
        // An answer a supervision asked for is a step of its own: missed, it is recorded once and the request lapses
        // (the centre may supervise again); the step's own deadline is judged on a later sweep.
        if (!c.IsFinished && c.SupervisionAnswerDue is { } answer && now > answer)
            return new OverdueStep(c with { SupervisionAnswerDue = null }, null,
                $"{SupervisionAnswerMissed} since {answer.ToOffset(WorkingCalendar.ChinaStandardTime):yyyy-MM-dd HH:mm}");
        if (!Overdue(c, now) || (c.Indicators.OverdueAlertedAt is { } alerted && alerted >= c.Due))
            return null;
        if (AutoEscalate(c, now, calendar, limits) is { Ok: true } escalated)
            return new OverdueStep(escalated.Case!, new EventCommand.Escalate(OverdueReason), escalated.Entry!.Reason!);
        return new OverdueStep(Settle(c, c, null, now), null, $"overdue since {c.Due!.Value.ToOffset(WorkingCalendar.ChinaStandardTime):yyyy-MM-dd HH:mm}");
    }

    private const string OverdueReason = "overdue";

    /// <summary>The reason's start on the history line of a missed supervision answer.</summary>
    public const string SupervisionAnswerMissed = "supervision answer overdue";

    /// <summary>The history action of an overdue alert, which is no <see cref="EventAction"/>: it changes no state.</summary>
    public const string OverdueAlertAction = "OverdueAlert";

    /// <summary>Escalates an overdue step whose state escalates automatically; null when the rule does not fire.</summary>
    public static EventResult? AutoEscalate(EventCase c, DateTimeOffset now, WorkingCalendar calendar, TimeLimitTable? limits = null)
    {
        if (!Overdue(c, now) || !AutoEscalating.Contains(c.State) || c.Owner.Level <= AdminLevel.County)
            return null;
        return Transition(c, new EventCommand.Escalate(OverdueReason), SystemActor, now, calendar, limits ?? TimeLimitTable.Taiyuan);
    }

    private static string? Precondition(EventCase c, EventCommand command, Caller actor, DateTimeOffset now) => command switch
    {
        EventCommand.Escalate when c.Owner.Level <= AdminLevel.County =>
            "The county is the top of the event chain; an event owned at county level cannot be escalated further.",
        EventCommand.Suspend s when string.IsNullOrWhiteSpace(s.Reason) => "Suspending an event needs a reason.",
        EventCommand.RequestVoid v when string.IsNullOrWhiteSpace(v.Reason) => "Voiding an event needs a reason.",
        EventCommand.RequestExtension e when string.IsNullOrWhiteSpace(e.Reason) => "An extension request needs a reason.",
        EventCommand.RequestExtension e when e.Extra.Amount <= 0 => "An extension must add some time.",
        EventCommand.RequestExtension when c.PendingExtension is not null => "An extension request is already waiting for approval.",
        EventCommand.ApproveExtension when c.PendingExtension is null => "There is no extension request to approve.",
        EventCommand.RequestVoid when c.PendingVoidReason is not null => "A void request is already waiting for approval.",
        EventCommand.ApproveVoid when c.PendingVoidReason is null => "There is no void request to approve.",
        EventCommand.ResolveOnTheSpot when !c.Category.MinorOnTheSpot => $"A {c.Category.Name} event cannot be resolved on the spot.",
        EventCommand.HoldToAccount h when string.IsNullOrWhiteSpace(h.Person) || string.IsNullOrWhiteSpace(h.Reason) =>
            "Holding someone to account needs the person and a reason.",
        EventCommand.Dispatch { Target: { Level: null, Department: null } } => "A dispatch needs a level or a department.",
        EventCommand.Dispatch { Target.Level: { } level } when level < AdminLevel.County =>
            "Events are dispatched within the county: to the grid, village, township or county.",
        EventCommand.Assign { Account: null } a => $"There is no active account {a.Person}.",
        EventCommand.Assign { Account: { } account } when !EventPermissions.MayHold(account, c.Owner) =>
            $"{account.Username} is not a member of the step's owner ({c.Owner}).",
        EventCommand.Assign { Account: { } account } when account.Username == c.Holder => $"{account.Username} already holds this step.",
        EventCommand.Claim when c.Holder == actor.Username => "You already hold this step.",
        EventCommand.Supervise s when string.IsNullOrWhiteSpace(s.Note) && s.NewDue is null && !s.AnswerRequired =>
            "A supervision says something: a note, a new deadline or a required answer.",
        EventCommand.Supervise { NewDue: not null } when c.Due is null => "The step's deadline is paused; it cannot be moved now.",
        EventCommand.Supervise { NewDue: { } due } when due <= now => "A new deadline lies in the future.",
        EventCommand.AnswerSupervision when c.SupervisionAnswerDue is null => "No supervision is waiting for an answer.",
        EventCommand.AnswerSupervision a when string.IsNullOrWhiteSpace(a.Note) => "An answer to a supervision says what was done.",
        _ => null,
    };

    private static EventResult Transition(EventCase c, EventCommand command, string actor, DateTimeOffset now, WorkingCalendar calendar, TimeLimitTable limits,
        bool actorMayHold = false)
    {
        EventCase StartStep(EventCase next, EventStep step, StepOwner? owner = null)
        {
            var limit = limits.For(step, c.Category, c.Urban);
            return next with { Owner = owner ?? next.Owner, StepLimit = limit, Due = calendar.Due(now, limit), PendingExtension = null };
        }

        EventCase Handle(EventCase next, StepOwner handler) => StartStep(next with { State = Dispatched, Handler = handler }, EventStep.Handle, handler);

        var verifier = new StepOwner(c.Grid);
        var centre = new StepOwner(UnitAt(c.Grid, AdminLevel.Township));
        var (next, reason) = command switch
        {
            EventCommand.Accept => (c with { State = Accepted }, null),
            EventCommand.Reject r => (Finish(c, Rejected), r.Reason.ToString()),
            EventCommand.Register => (c with { State = Registered }, null),
            EventCommand.Dispatch d => (Handle(c, OwnerFor(c.Grid, d.Target)), null),
            EventCommand.StartHandling when c.State == Rework => (StartStep(c with { State = Handling }, EventStep.Handle), null),
            EventCommand.StartHandling => (c with { State = Handling }, null),
            EventCommand.Feedback f => (StartStep(c with { State = FeedbackGiven, HandlerHolder = c.Holder ?? actor }, EventStep.Verify, verifier), f.Note),
            EventCommand.Verify { Passed: true } v => (StartStep(c with { State = Verifying }, EventStep.Close, centre), v.Note),
            EventCommand.Verify v => (StartStep(c with { State = Rework }, EventStep.Handle, c.Handler ?? centre), v.Note ?? "verification failed"),
            EventCommand.Close => (Finish(c, Closed), null),
            EventCommand.Escalate e => (Handle(c, new StepOwner(c.Owner.Unit.Parent!.Value)), e.Reason),
            EventCommand.SendBack s => (StartStep(c with { State = Registered, Handler = null }, EventStep.Intake, centre), s.Reason),
            EventCommand.RequestExtension e => (c with { PendingExtension = e.Extra }, $"{e.Reason} (+{e.Extra.Amount} {e.Extra.Kind})"),
            EventCommand.ApproveExtension => (c with { Due = calendar.Due(c.Due ?? now, c.PendingExtension!), PendingExtension = null }, null),
            EventCommand.Suspend s => (Pause(c, now, calendar), s.Reason),
            EventCommand.Resume => (Unpause(c, now, calendar), null),
            EventCommand.RequestVoid v => (c with { PendingVoidReason = v.Reason }, v.Reason),
            EventCommand.ApproveVoid => (Finish(c, Voided), c.PendingVoidReason),
            EventCommand.ResolveOnTheSpot r => (Finish(c with { Owner = verifier }, Closed), r.Note),
            EventCommand.Supervise s => (c with
            {
                Supervisions = c.Supervisions + 1,
                SupervisedBy = actor,
                Due = s.NewDue ?? c.Due,
                SupervisionAnswerDue = s.AnswerRequired ? calendar.AddWorkingTime(now, SupervisionAnswerTime) : c.SupervisionAnswerDue,
            }, SupervisionReason(s)),
            EventCommand.AnswerSupervision a => (c with { SupervisionAnswerDue = null }, a.Note),
            EventCommand.HoldToAccount h => (c with { Accountabilities = c.Accountabilities.Add(new Accountability(now, actor, h.Person, h.Reason)) }, $"{h.Person}: {h.Reason}"),
            EventCommand.Claim => (c with { Holder = actor }, $"→ {actor}"),
            EventCommand.Assign a => (c with { Holder = a.Account!.Username }, c.Holder is { } from ? $"{from} → {a.Account.Username}" : $"→ {a.Account.Username}"),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };
        next = next with { Holder = HolderAfter(c, next, command, actor, actorMayHold) };
        var entry = new HistoryEntry(c.History.Count + 1, now, actor, command.Action, c.State, next.State, reason);
        return new EventResult(Settle(c, next, command, now) with { History = c.History.Add(entry) }, entry, null);
    }

    /// <summary>
    /// Who holds the step after a command: a new owner starts unheld — but a failed verification returns the step to
    /// the person who gave the feedback; a member of the owner acting on an unheld step it keeps takes it.
    /// </summary>
    private static string? HolderAfter(EventCase before, EventCase after, EventCommand command, string actor, bool actorMayHold)
    {
        if (after.IsFinished)
            return null;
        if (after.Owner != before.Owner)
            return command is EventCommand.Verify { Passed: false } ? before.HandlerHolder : null;
        return after.Holder ?? (actorMayHold ? actor : null);
    }

    /// <summary>The bookkeeping every step ends with (a null command is an overdue alert): suspension time and indicators.</summary>
    private static EventCase Settle(EventCase before, EventCase after, EventCommand? command, DateTimeOffset now) => after with
    {
        SuspendedAt = after.State == Suspended ? (before.State == Suspended ? before.SuspendedAt : now) : null,
        Indicators = EventIndicators.Step(before, after, command, now),
    };

    private static EventCase Finish(EventCase c, EventState state) => c with
    {
        State = state, Due = null, PausedRemaining = null, SuspendedFrom = null, PendingExtension = null, PendingVoidReason = null,
        SupervisionAnswerDue = null,
    };

    private static string SupervisionReason(EventCommand.Supervise s) => string.Join(" · ", new[]
    {
        string.IsNullOrWhiteSpace(s.Note) ? null : s.Note.Trim(),
        s.NewDue is { } due ? $"new deadline {due.ToOffset(WorkingCalendar.ChinaStandardTime):yyyy-MM-dd HH:mm}" : null,
        s.AnswerRequired ? "answer required" : null,
    }.OfType<string>());

    private static EventCase Pause(EventCase c, DateTimeOffset now, WorkingCalendar calendar)
    {
        var due = c.Due ?? now;
        var remaining = c.StepLimit.CountsWorkingTime ? calendar.WorkingTimeBetween(now, due) : (due > now ? due - now : TimeSpan.Zero);
        return c with { State = Suspended, SuspendedFrom = c.State, Due = null, PausedRemaining = remaining };
    }

    private static EventCase Unpause(EventCase c, DateTimeOffset now, WorkingCalendar calendar)
    {
        var remaining = c.PausedRemaining ?? TimeSpan.Zero;
        var due = c.StepLimit.CountsWorkingTime ? calendar.AddWorkingTime(now, remaining) : now + remaining;
        return c with { State = c.SuspendedFrom ?? Registered, SuspendedFrom = null, PausedRemaining = null, Due = due };
    }

    private static StepOwner OwnerFor(AdminCode grid, DispatchTarget target) => target.Department is { } department
        ? new StepOwner(UnitAt(grid, AdminLevel.County), department)
        : new StepOwner(UnitAt(grid, target.Level!.Value));

    private static AdminCode UnitAt(AdminCode grid, AdminLevel level) => grid.Chain.Single(u => u.Level == level);

    private static ImmutableHashSet<EventState> Set(params EventState[] states) => [.. states];

    private static string Describe(EventState state) => state switch
    {
        FeedbackGiven => "waiting for verification",
        Verifying => "verified and waiting to be closed",
        Rework => "sent back for rework",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static string Describe(EventAction action) => action switch
    {
        Accept => "accepted",
        Reject => "rejected",
        Register => "registered",
        Dispatch => "dispatched",
        StartHandling => "taken up for handling",
        Feedback => "given feedback",
        Verify => "verified",
        Close => "closed",
        Escalate => "escalated",
        SendBack => "sent back",
        RequestExtension => "given an extension request",
        ApproveExtension => "given an approved extension",
        Suspend => "suspended",
        Resume => "resumed",
        RequestVoid => "put up for voiding",
        ApproveVoid => "voided",
        ResolveOnTheSpot => "resolved on the spot",
        Supervise => "supervised",
        HoldToAccount => "the subject of accountability",
        Claim => "claimed",
        Assign => "assigned",
        AnswerSupervision => "given an answer to a supervision",
        _ => action.ToString(),
    };
}
