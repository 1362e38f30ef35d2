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
        [Supervise] = EventParty.LevelAbove,
        [HoldToAccount] = EventParty.LevelAbove,
    };

    private static readonly Role[] CentreRoles = [Role.VillageStaff, Role.TownshipStaff, Role.CountyStaff];

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

    public static bool May(Caller caller, EventCase c, EventAction action) => PartyFor(c, action) switch
    {
        EventParty.GridManagerOfTheGrid => caller.Role == Role.GridManager && caller.Scope == c.Grid,
        EventParty.CentreOfTheArea => IsCentre(caller) && caller.Covers(c.Grid.Value),
        EventParty.StepOwner => IsOwner(caller, c.Owner),
        EventParty.CentreOwningTheStep => c.Owner.Department is null && IsCentre(caller) && caller.Scope == c.Owner.Unit,
        EventParty.LevelAbove => IsCentre(caller) && caller.Covers(c.Owner.Unit.Value) &&
            (c.Owner.Department is not null ? caller.Scope.Level <= c.Owner.Level : caller.Scope.Level < c.Owner.Level),
        _ => false,
    };

    public static string Explain(Caller caller, EventCase c, EventAction action) => PartyFor(c, action) switch
    {
        EventParty.GridManagerOfTheGrid => $"Only the grid manager of grid {c.Grid.Value} may do this; {caller.Username} is {Who(caller)}.",
        EventParty.CentreOfTheArea => $"Only village, township or county centre staff whose area holds grid {c.Grid.Value} may do this; {caller.Username} is {Who(caller)}.",
        EventParty.StepOwner => $"Only the current owner of this step ({c.Owner}) may do this; {caller.Username} is {Who(caller)}.",
        EventParty.CentreOwningTheStep => $"Only the centre that was sent this event ({c.Owner}) may dispatch it on; {caller.Username} is {Who(caller)}.",
        EventParty.LevelAbove => $"This needs approval from a centre above the step's owner ({c.Owner}); {caller.Username} is {Who(caller)}.",
        _ => "Not allowed.",
    };

    private static bool IsCentre(Caller caller) => CentreRoles.Contains(caller.Role);

    private static bool IsOwner(Caller caller, StepOwner owner) => owner.Department is { } department
        ? caller.Role == Role.DepartmentOfficer && caller.Department == department && caller.Covers(owner.Unit.Value)
        : caller.Scope == owner.Unit && (owner.Level == AdminLevel.Grid ? caller.Role == Role.GridManager : IsCentre(caller));

    private static string Who(Caller caller) => $"{caller.Role.Slug()} for {caller.Scope.Value}" + (caller.Department is { } d ? $" ({d})" : "");
}
