using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using static GridMap.Domain.Events.EventAction;

namespace GridMap.Domain.Events;

/// <summary>Who may act on an event, by the kind of party each action needs.</summary>
public enum EventParty
{
    /// <summary>The grid manager of the event's own grid.</summary>
    GridManagerOfTheGrid,
    /// <summary>Village, township or county centre staff whose area holds the event's grid.</summary>
    CentreOfTheArea,
    /// <summary>Whoever owns the current step: centre staff of exactly that unit, the grid's manager, or an officer of that department.</summary>
    StepOwner,
    /// <summary>Centre staff of exactly the unit that owns the step (a re-dispatch, 转派, of an event they were sent).</summary>
    CentreOwningTheStep,
    /// <summary>Centre staff one level or more above the step's owner (for a department, its own county centre), covering it.</summary>
    LevelAbove,
    /// <summary>A member of the step's owner (a colleague hands it over) or centre staff above it (a supervisor directs it).</summary>
    OwnerOrAbove,
    /// <summary>Centre staff above the step's owner, or county, city and province centres whose area holds the event (督办).</summary>
    Supervisor,
}

public static class EventPermissions
{
    /// <summary>The authorisation table: which party may take each action.</summary>
    public static readonly IReadOnlyDictionary<EventAction, EventParty> Table = new Dictionary<EventAction, EventParty>
    {
        [Accept] = EventParty.CentreOfTheArea,
        [Reject] = EventParty.CentreOfTheArea,
        [Register] = EventParty.CentreOfTheArea,
        [Dispatch] = EventParty.CentreOfTheArea,
        [StartHandling] = EventParty.StepOwner,
        [Feedback] = EventParty.StepOwner,
        [Verify] = EventParty.GridManagerOfTheGrid,
        [Close] = EventParty.CentreOfTheArea,
        [Escalate] = EventParty.StepOwner,
        [SendBack] = EventParty.StepOwner,
        [RequestExtension] = EventParty.StepOwner,
        [ApproveExtension] = EventParty.LevelAbove,
        [Suspend] = EventParty.LevelAbove,
        [Resume] = EventParty.LevelAbove,
        [RequestVoid] = EventParty.CentreOfTheArea,
        [ApproveVoid] = EventParty.LevelAbove,
        [ResolveOnTheSpot] = EventParty.GridManagerOfTheGrid,
        [Supervise] = EventParty.Supervisor,
        [AnswerSupervision] = EventParty.StepOwner,
        [HoldToAccount] = EventParty.LevelAbove,
        [Claim] = EventParty.StepOwner,
        [Assign] = EventParty.OwnerOrAbove,
    };

    private static readonly Role[] CentreRoles = [Role.VillageStaff, Role.TownshipStaff, Role.CountyStaff];

    /// <summary>The centres that supervise (督办) any event of their area: county, city and province.</summary>
    private static readonly Role[] SupervisingRoles = [Role.CountyStaff, Role.CityStaff, Role.ProvinceStaff];

    private static readonly Role[] ReporterRoles =
        [Role.GridManager, Role.VillageStaff, Role.TownshipStaff, Role.CountyStaff, Role.CityStaff, Role.ProvinceStaff];

    /// <summary>Whether this account reports events: grid managers and centre staff (the hotline) do.</summary>
    public static bool MayReport(Caller caller) => ReporterRoles.Contains(caller.Role);

    /// <summary>
    /// Whether this reporter may report in <paramref name="grid"/>: a grid manager anywhere in their own village (a
    /// neighbour's grid included), centre staff within their area.
    /// </summary>
    public static bool MayReportIn(Caller caller, string grid) => caller.Role == Role.GridManager
        ? grid.StartsWith(caller.Scope.Value[..Math.Min(caller.Scope.Value.Length, 12)], StringComparison.Ordinal)
        : caller.Covers(grid);

    /// <summary>The party an action needs on this event: the table's, except that re-dispatching an already dispatched event is for its owner.</summary>
    public static EventParty PartyFor(EventCase c, EventAction action) =>
        action == Dispatch && c.State == EventState.Dispatched ? EventParty.CentreOwningTheStep : Table[action];

    /// <summary>
    /// Whether the caller is the right party for the action now. A step someone holds is not claimed (it is assigned), a
    /// grid's step is not handed over at all, and a supervision is answered only when it asked for an answer.
    /// </summary>
    public static bool May(Caller caller, EventCase c, EventAction action) => !IsGridStepHandOver(c, action) && !(action == Claim && c.Holder is not null)
        && !(action == AnswerSupervision && c.SupervisionAnswerDue is null)
        && PartyFor(c, action) switch
        {
            EventParty.GridManagerOfTheGrid => caller.Role == Role.GridManager && caller.Scope == c.Grid,
            EventParty.CentreOfTheArea => IsCentre(caller) && caller.Covers(c.Grid.Value),
            EventParty.StepOwner => IsOwner(caller, c.Owner) && (c.Holder is null || c.Holder == caller.Username),
            EventParty.CentreOwningTheStep => c.Owner.Department is null && IsCentre(caller) && caller.Scope == c.Owner.Unit,
            EventParty.LevelAbove => IsAbove(caller, c.Owner),
            EventParty.OwnerOrAbove => IsOwner(caller, c.Owner) || IsAbove(caller, c.Owner),
            EventParty.Supervisor => IsAbove(caller, c.Owner) || (SupervisingRoles.Contains(caller.Role) && caller.Covers(c.Grid.Value)),
            _ => false,
        };

    /// <summary>
    /// Whether this account reviews and closes accountability records of <paramref name="unit"/> for an event in
    /// <paramref name="grid"/>: the supervising centres — above the unit, or county, city and province centres of the area.
    /// </summary>
    public static bool MayReviewAccountability(Caller caller, StepOwner unit, string grid) =>
        IsAbove(caller, unit) || (SupervisingRoles.Contains(caller.Role) && caller.Covers(grid));

    /// <summary>Whether this account reads accountability records of an area: centre staff of every level (and auditors).</summary>
    public static bool MayReadAccountability(Caller caller) =>
        CentreRoles.Contains(caller.Role) || SupervisingRoles.Contains(caller.Role) || caller.Role == Role.Auditor;

    /// <summary>Whether this account may hold a step of <paramref name="owner"/>: a member of exactly that unit or department.</summary>
    public static bool MayHold(Caller account, StepOwner owner) => IsOwner(account, owner);

    private static bool IsAbove(Caller caller, StepOwner owner) => IsCentre(caller) && caller.Covers(owner.Unit.Value) &&
        (owner.Department is not null ? caller.Scope.Level <= owner.Level : caller.Scope.Level < owner.Level);

    /// <summary>A grid's step (verification) is its one grid manager's: it is not claimed or assigned.</summary>
    private static bool IsGridStepHandOver(EventCase c, EventAction action) => action is Claim or Assign && c.Owner.Level == AdminLevel.Grid;

    public static string Explain(Caller caller, EventCase c, EventAction action) => IsGridStepHandOver(c, action)
        ? $"A grid's step belongs to the grid manager of {c.Owner.Unit.Value}; it is not claimed or assigned."
        : PartyFor(c, action) switch
        {
            EventParty.GridManagerOfTheGrid => $"Only the grid manager of grid {c.Grid.Value} may do this; {caller.Username} is {Who(caller)}.",
            EventParty.CentreOfTheArea => $"Only village, township or county centre staff whose area holds grid {c.Grid.Value} may do this; {caller.Username} is {Who(caller)}.",
            EventParty.StepOwner when c.Holder is { } holder && holder != caller.Username && IsOwner(caller, c.Owner) =>
                $"{holder} holds this step: they act on it, or it is assigned to someone else first.",
            EventParty.StepOwner => $"Only the current owner of this step ({c.Owner}) may do this; {caller.Username} is {Who(caller)}.",
            EventParty.CentreOwningTheStep => $"Only the centre that was sent this event ({c.Owner}) may dispatch it on; {caller.Username} is {Who(caller)}.",
            EventParty.LevelAbove => $"This needs approval from a centre above the step's owner ({c.Owner}); {caller.Username} is {Who(caller)}.",
            EventParty.OwnerOrAbove => $"Only a member of the step's owner ({c.Owner}) or a centre above it may assign it; {caller.Username} is {Who(caller)}.",
            EventParty.Supervisor => $"Only a centre above the step's owner ({c.Owner}), or a county, city or province centre whose area holds the event, supervises it; {caller.Username} is {Who(caller)}.",
            _ => "Not allowed.",
        };

    private static bool IsCentre(Caller caller) => CentreRoles.Contains(caller.Role);

    private static bool IsOwner(Caller caller, StepOwner owner) => owner.Department is { } department
        ? caller.Role == Role.DepartmentOfficer && caller.Department == department && caller.Covers(owner.Unit.Value)
        : caller.Scope == owner.Unit && (owner.Level == AdminLevel.Grid ? caller.Role == Role.GridManager : IsCentre(caller));

    private static string Who(Caller caller) => $"{caller.Role.Slug()} for {caller.Scope.Value}" + (caller.Department is { } d ? $" ({d})" : "");
}
