using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;

namespace GridMap.Domain.Disputes;

/// <summary>What a mediator does to a dispute.</summary>
public abstract record DisputeCommand(string Action)
{
    /// <summary>A mediator of the current level takes the case (接手调解).</summary>
    public sealed record TakeUp() : DisputeCommand(nameof(TakeUp));

    /// <summary>A mediation session with its note.</summary>
    public sealed record Session(string Note) : DisputeCommand(nameof(Session));

    /// <summary>The parties agree: the agreement's terms (调解协议).</summary>
    public sealed record Settle(string Terms) : DisputeCommand(nameof(Settle));

    /// <summary>Mediation failed or the case is beyond this level: up to the next level.</summary>
    public sealed record Escalate(string Reason) : DisputeCommand(nameof(Escalate));

    /// <summary>Mediation failed for good: to the courts or the petition office (township or county only).</summary>
    public sealed record Refer(ReferralTarget To, string Reason) : DisputeCommand(nameof(Refer));

    /// <summary>A follow-up visit after the agreement (回访).</summary>
    public sealed record FollowUp(string Note) : DisputeCommand(nameof(FollowUp));

    /// <summary>Closes a settled case after at least one follow-up.</summary>
    public sealed record Close(string? Note) : DisputeCommand(nameof(Close));
}

/// <summary>A new dispute as recorded: where, what, who.</summary>
public sealed record NewDispute(AdminCode Grid, DisputeSeverity Severity, string Kind, string Summary, DisputeSource Source, IReadOnlyList<DisputeParty> Parties);

/// <summary>
/// The mediation workflow (矛盾纠纷调处): a dispute starts at the level of whoever records it (a grid manager's grid, a
/// village committee, a township centre, the county), is taken up by a mediator of that level, mediated in sessions,
/// settled by an agreement and followed up, or escalated level by level — by hand, or by the sweep when the level's
/// time limit passes, on the same working-time calendar as events — and at township or county referred to the courts
/// or the petition office.
/// </summary>
public static class DisputeWorkflow
{
    public const string SystemActor = "system";
    public const int MaxParties = 20;

    /// <summary>
    /// Each level's time to mediate, in working days (chosen: the People's Mediation Law sets none; the grid manager
    /// talks to the parties within days, the county's mediation takes a month).
    /// </summary>
    public static TimeLimit LimitAt(AdminLevel level) => level switch
    {
        AdminLevel.Grid => TimeLimit.WorkingDays(3),
        AdminLevel.Village => TimeLimit.WorkingDays(10),
        AdminLevel.Township => TimeLimit.WorkingDays(15),
        _ => TimeLimit.WorkingDays(30),
    };

    /// <summary>The level a role mediates at, or null: grid managers, village and township staff, the county centre and its justice bureau.</summary>
    public static AdminLevel? MediatesAt(Caller caller) => caller.Role switch
    {
        Role.GridManager => AdminLevel.Grid,
        Role.VillageStaff => AdminLevel.Village,
        Role.TownshipStaff => AdminLevel.Township,
        Role.CountyStaff => AdminLevel.County,
        Role.DepartmentOfficer when caller.Department == People.Departments.Justice && caller.Scope.Level == AdminLevel.County => AdminLevel.County,
        _ => null,
    };

    /// <summary>Whether the caller mediates at the case's current level and place.</summary>
    public static bool MayMediate(DisputeCase c, Caller caller) => MediatesAt(caller) == c.Level && caller.Covers(c.Unit.Value);

    public static Outcome<DisputeCase> Record(NewDispute d, Caller caller, DateTimeOffset now, WorkingCalendar calendar)
    {
        if (MediatesAt(caller) is not { } level || !caller.Covers(d.Grid.Value))
            return Problem.Forbidden("Disputes are recorded by the grid's manager and the village, township and county centres of its area.");
        if (Check(d) is { } bad)
            return Problem.InvalidField(bad.Field, bad.Message);
        var due = calendar.Due(now, LimitAt(level));
        return Outcome.Ok(new DisputeCase
        {
            Grid = d.Grid,
            Severity = d.Severity,
            Kind = d.Kind.Trim(),
            Summary = d.Summary.Trim(),
            Source = d.Source,
            Parties = [.. d.Parties.Select(p => p with { Name = p.Name.Trim() })],
            Level = level,
            Due = due,
            History = [new DisputeStep(now, caller.Username, "Record", level, null)],
        });
    }

    /// <summary>Null when the new dispute is acceptable, else the field and what is wrong.</summary>
    public static (string Field, string Message)? Check(NewDispute d) =>
        d.Grid.Level != AdminLevel.Grid ? ("grid", "A dispute belongs to a grid (15 digits).")
        : string.IsNullOrWhiteSpace(d.Kind) || d.Kind.Trim().Length > 50 ? ("kind", "The kind of dispute has 1–50 characters (e.g. 邻里纠纷).")
        : string.IsNullOrWhiteSpace(d.Summary) || d.Summary.Trim().Length is < 2 or > 2000 ? ("summary", "Describe the dispute in 2–2000 characters.")
        : d.Parties.Count == 0 ? ("parties", "A dispute has at least one party.")
        : d.Parties.Count > MaxParties ? ("parties", $"At most {MaxParties} parties.")
        : d.Parties.Any(p => string.IsNullOrWhiteSpace(p.Name) || p.Name.Trim().Length > 50) ? ("parties", "Every party has a name of 1–50 characters.")
        : null;

    public static Outcome<DisputeCase> Apply(DisputeCase c, DisputeCommand command, Caller actor, DateTimeOffset now, WorkingCalendar calendar)
    {
        // The unit is a prefix of the grid: whoever covers it covers the grid.
        if (!actor.Covers(c.Grid.Value))
            return Problem.NotFound("No such dispute in your area.");
        var mediator = MayMediate(c, actor);
        var follower = mediator || actor.Role == Role.GridManager && actor.Covers(c.Grid.Value);
        var held = c.Mediator is not null && c.Mediator != actor.Username;
        var elsewhere = $"It is mediated at {c.Level.Slug()} level; you mediate elsewhere.";
        Problem? refusal = command switch
        {
            _ when c.IsFinished => Problem.Conflict($"The dispute is {c.State.ToString().ToLowerInvariant()}: nothing more is done to it."),
            DisputeCommand.TakeUp when c.State != DisputeState.Open => Problem.Conflict("Only an open dispute is taken up."),
            DisputeCommand.TakeUp when !mediator => Problem.Forbidden(elsewhere),
            DisputeCommand.Session or DisputeCommand.Settle when c.State != DisputeState.Mediating => Problem.Conflict("Take the dispute up first."),
            DisputeCommand.Escalate or DisputeCommand.Refer when c.State is not (DisputeState.Open or DisputeState.Mediating) =>
                Problem.Conflict("Only a dispute under mediation is escalated or referred."),
            DisputeCommand.Session or DisputeCommand.Settle or DisputeCommand.Escalate or DisputeCommand.Refer when held =>
                Problem.Forbidden($"{c.Mediator} is mediating it."),
            DisputeCommand.Session or DisputeCommand.Settle or DisputeCommand.Escalate or DisputeCommand.Refer when !mediator => Problem.Forbidden(elsewhere),
            DisputeCommand.Escalate when c.Level == AdminLevel.County =>
                Problem.Conflict("The county is the last level of mediation: refer it to the courts or the petition office."),
            DisputeCommand.Refer when c.Level > AdminLevel.Township =>
                Problem.Conflict("Only the township or the county refers a dispute beyond mediation; escalate it first."),
            DisputeCommand.FollowUp or DisputeCommand.Close when c.State != DisputeState.Settled => Problem.Conflict("Only a settled dispute is followed up and closed."),
            DisputeCommand.FollowUp or DisputeCommand.Close when !follower => Problem.Forbidden("Follow-ups are made by the mediator or the grid's manager."),
            DisputeCommand.Close when c.FollowUps == 0 => Problem.Conflict("Visit the parties at least once after the agreement before closing it."),
            _ => null,
        };
        if (refusal is not null)
            return refusal;
        var text = command switch
        {
            DisputeCommand.Session s => s.Note,
            DisputeCommand.Settle s => s.Terms,
            DisputeCommand.Escalate e => e.Reason,
            DisputeCommand.Refer r => r.Reason,
            DisputeCommand.FollowUp f => f.Note,
            _ => null,
        };
        if (command is not (DisputeCommand.TakeUp or DisputeCommand.Close) && (string.IsNullOrWhiteSpace(text) || text.Trim().Length is < 2 or > 4000))
            return Problem.InvalidField(command is DisputeCommand.Settle ? "terms" : "note", "Write 2–4000 characters.");
        var next = command switch
        {
            DisputeCommand.TakeUp => c with { State = DisputeState.Mediating, Mediator = actor.Username },
            DisputeCommand.Session => c with { Sessions = c.Sessions + 1 },
            DisputeCommand.Settle s => c with { State = DisputeState.Settled, AgreementTerms = s.Terms.Trim(), SettledAt = c.Level, Due = null },
            DisputeCommand.Escalate => Up(c, now, calendar),
            DisputeCommand.Refer r => c with { State = DisputeState.Referred, ReferredTo = r.To, Due = null },
            DisputeCommand.FollowUp => c with { FollowUps = c.FollowUps + 1 },
            DisputeCommand.Close => c with { State = DisputeState.Closed },
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };
        return Outcome.Ok(next with { History = c.History.Add(new DisputeStep(now, actor.Username, command.Action, c.Level, text?.Trim())) });
    }

    /// <summary>The actions the caller may take on the dispute now (what a page offers), by the same rule <see cref="Apply"/> judges.</summary>
    public static IReadOnlyList<string> Actions(DisputeCase c, Caller caller, DateTimeOffset now, WorkingCalendar calendar)
    {
        const string note = "--";
        DisputeCommand[] all =
        [
            new DisputeCommand.TakeUp(), new DisputeCommand.Session(note), new DisputeCommand.Settle(note), new DisputeCommand.Escalate(note),
            new DisputeCommand.Refer(ReferralTarget.Court, note), new DisputeCommand.FollowUp(note), new DisputeCommand.Close(null),
        ];
        return [.. all.Where(a => Apply(c, a, caller, now, calendar).Succeeded).Select(a => a.Action)];
    }

    /// <summary>
    /// An open or mediated dispute past its level's deadline goes up a level, unheld, with the next level's time — as an
    /// overdue event does; at the county it stays (null), for the county to refer.
    /// </summary>
    public static DisputeCase? Sweep(DisputeCase c, DateTimeOffset now, WorkingCalendar calendar)
    {
        if (c.State is not (DisputeState.Open or DisputeState.Mediating) || c.Due is not { } due || now <= due || c.Level == AdminLevel.County)
            return null;
        return Up(c, now, calendar) with
        {
            History = c.History.Add(new DisputeStep(now, SystemActor, "Escalate", c.Level, $"overdue since {ChinaTime.Format(due)}")),
        };
    }

    private static DisputeCase Up(DisputeCase c, DateTimeOffset now, WorkingCalendar calendar)
    {
        var level = c.Level - 1;
        return c with { Level = level, State = DisputeState.Open, Mediator = null, Due = calendar.Due(now, LimitAt(level)) };
    }
}
