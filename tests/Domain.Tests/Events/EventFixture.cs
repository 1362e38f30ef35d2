using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;

namespace GridMap.Domain.Tests.Events;

/// <summary>One grid in 140428 and the people around it; every case starts on Monday 2 March 2026 at 09:00 CST.</summary>
internal static class EventFixture
{
    public static readonly AdminCode Grid = AdminCode.Parse("140428203211006");
    public static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-03-02T09:00:00+08:00");
    public static readonly WorkingCalendar Calendar = WorkingCalendar.Default;

    public static readonly Caller GridManager = Person("gm", Role.GridManager, "140428203211006");
    public static readonly Caller OtherGridManager = Person("gm5", Role.GridManager, "140428203211005");
    public static readonly Caller Village = Person("village", Role.VillageStaff, "140428203211");
    public static readonly Caller Township = Person("township", Role.TownshipStaff, "140428203");
    public static readonly Caller OtherTownship = Person("township100", Role.TownshipStaff, "140428100");
    public static readonly Caller County = Person("county", Role.CountyStaff, "140428");
    public static readonly Caller Emergency = Person("emergency", Role.DepartmentOfficer, "140428", "emergency");
    public static readonly Caller Health = Person("health", Role.DepartmentOfficer, "140428", "health");
    public static readonly Caller Planner = Person("planner", Role.Planner, "140428");

    public static readonly IReadOnlyDictionary<string, Caller> ByName =
        new[] { GridManager, OtherGridManager, Village, Township, OtherTownship, County, Emergency, Health, Planner }.ToDictionary(c => c.Username);

    /// <summary>Another member of the current step's owner, as the store would find the account, and the command giving it the step.</summary>
    public static EventCommand.Assign AssignToColleague(EventCase c)
    {
        var colleague = Colleague(c.Owner);
        return new EventCommand.Assign(colleague.Username, colleague);
    }

    public static Caller Colleague(StepOwner owner, string name = "colleague") => owner.Department is { } department
        ? Person(name, Role.DepartmentOfficer, owner.Unit.Value, department)
        : Person(name, owner.Level switch
        {
            AdminLevel.Grid => Role.GridManager,
            AdminLevel.Village => Role.VillageStaff,
            AdminLevel.Township => Role.TownshipStaff,
            _ => Role.CountyStaff,
        }, owner.Unit.Value);

    public static Caller Person(string name, Role role, string scope, string? department = null) =>
        new(name, role, AdminCode.Parse(scope), role.DefaultCategories(department).ToHashSet(), true, department);

    public static EventCase Report(EventCategory? category = null, bool urban = true, DateTimeOffset? at = null) =>
        EventWorkflow.Report("E1", category ?? EventCategories.Dispute, Grid, urban, GridManager.Username, at ?? Monday, Calendar);

    public static EventCase Do(this EventCase c, EventCommand command, Caller actor, DateTimeOffset? at = null)
    {
        var result = EventWorkflow.Apply(c, command, actor, at ?? Monday, Calendar);
        Assert.True(result.Ok, result.Refusal?.Message);
        return result.Case!;
    }

    public static Refusal Refused(this EventCase c, EventCommand command, Caller actor, DateTimeOffset? at = null)
    {
        var result = EventWorkflow.Apply(c, command, actor, at ?? Monday, Calendar);
        Assert.False(result.Ok, $"{command.Action} by {actor.Username} should have been refused");
        return result.Refusal!;
    }

    /// <summary>A Dispute event brought to the given state along the main path; handling is dispatched to the village.</summary>
    public static EventCase Reach(EventState state, EventCategory? category = null) => state switch
    {
        EventState.Reported => Report(category),
        EventState.Accepted => Report(category).Do(new EventCommand.Accept(), Township),
        EventState.Rejected => Report(category).Do(new EventCommand.Reject(RejectReason.Duplicate), Township),
        EventState.Registered => Reach(EventState.Accepted, category).Do(new EventCommand.Register(), Township),
        EventState.Dispatched => Reach(EventState.Registered, category).Do(new EventCommand.Dispatch(DispatchTarget.ToLevel(AdminLevel.Village)), Township),
        EventState.Handling => Reach(EventState.Dispatched, category).Do(new EventCommand.StartHandling(), Village),
        EventState.FeedbackGiven => Reach(EventState.Handling, category).Do(new EventCommand.Feedback("mediated"), Village),
        EventState.Verifying => Reach(EventState.FeedbackGiven, category).Do(new EventCommand.Verify(true), GridManager),
        EventState.Rework => Reach(EventState.FeedbackGiven, category).Do(new EventCommand.Verify(false, "still arguing"), GridManager),
        EventState.Closed => Reach(EventState.Verifying, category).Do(new EventCommand.Close(), Township),
        EventState.Voided => Reach(EventState.Accepted, category).Do(new EventCommand.RequestVoid("test report"), Township).Do(new EventCommand.ApproveVoid(), County),
        EventState.Suspended => Reach(EventState.Handling, category).Do(new EventCommand.Suspend("parties abroad until April"), Township),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static EventCommand Sample(EventAction action) => action switch
    {
        EventAction.Accept => new EventCommand.Accept(),
        EventAction.Reject => new EventCommand.Reject(RejectReason.Invalid),
        EventAction.Register => new EventCommand.Register(),
        EventAction.Dispatch => new EventCommand.Dispatch(DispatchTarget.ToLevel(AdminLevel.Village)),
        EventAction.StartHandling => new EventCommand.StartHandling(),
        EventAction.Feedback => new EventCommand.Feedback("done"),
        EventAction.Verify => new EventCommand.Verify(true),
        EventAction.Close => new EventCommand.Close(),
        EventAction.Escalate => new EventCommand.Escalate("beyond the village"),
        EventAction.SendBack => new EventCommand.SendBack("not ours"),
        EventAction.RequestExtension => new EventCommand.RequestExtension(TimeLimit.WorkingDays(2), "waiting for a surveyor"),
        EventAction.ApproveExtension => new EventCommand.ApproveExtension(),
        EventAction.Suspend => new EventCommand.Suspend("court case pending"),
        EventAction.Resume => new EventCommand.Resume(),
        EventAction.RequestVoid => new EventCommand.RequestVoid("entered twice"),
        EventAction.ApproveVoid => new EventCommand.ApproveVoid(),
        EventAction.ResolveOnTheSpot => new EventCommand.ResolveOnTheSpot("talked it through"),
        EventAction.Supervise => new EventCommand.Supervise("please hurry"),
        EventAction.HoldToAccount => new EventCommand.HoldToAccount("village head", "ignored two reminders"),
        EventAction.Claim => new EventCommand.Claim(),
        EventAction.Assign => new EventCommand.Assign("nobody", null),
        EventAction.AnswerSupervision => new EventCommand.AnswerSupervision("done as asked"),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
