using System.Collections.Immutable;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;

namespace GridMap.Domain.Proxy;

/// <summary>Who took the request: the resident's grid manager (网格员代办) or the village centre (村便民服务站).</summary>
public enum ProxyChannel
{
    Grid,
    Village,
}

/// <summary>
/// Where a proxy request stands: received and being prepared, handed to the deciding level's desk, returned for
/// missing documents (补正), done with a result, refused with the reason, or withdrawn by the resident.
/// </summary>
public enum ProxyState
{
    Received,
    Handed,
    Returned,
    Done,
    Refused,
    Withdrawn,
}

/// <summary>One line of the documents checklist: the document and whether the resident has handed it in.</summary>
public sealed record ProxyDocument(string Name, bool Received);

/// <summary>One line of a request's history: when, who, what, at which level, and the note.</summary>
public sealed record ProxyStep(DateTimeOffset At, string Actor, string Action, AdminLevel Level, string? Note);

/// <summary>
/// A resident's request for a catalogue service made through the grid manager or the village centre: the service as
/// the catalogue version it started under has it, the documents checklist, the level and department desk that holds it
/// now, the deadline there, and the result the resident sees.
/// </summary>
public sealed record ProxyRequest
{
    public required AdminCode Grid { get; init; }
    public required CatalogueService Service { get; init; }
    public required int CatalogueVersion { get; init; }
    public required ProxyChannel Channel { get; init; }
    public long? PersonId { get; init; }
    public required string ResidentName { get; init; }
    public required ImmutableList<ProxyDocument> Documents { get; init; }
    public string? Note { get; init; }
    public ProxyState State { get; init; } = ProxyState.Received;
    public required AdminLevel Level { get; init; }
    public string? Department { get; init; }
    public DateTimeOffset? Due { get; init; }
    public DateTimeOffset? HandedAt { get; init; }
    public string? Result { get; init; }
    public ImmutableList<ProxyStep> History { get; init; } = [];

    /// <summary>The unit that holds it: the grid, its village, township or county.</summary>
    public AdminCode Unit => AdminCode.Parse(Grid.Value[..Level.CodeLength()]);

    public bool IsFinished => State is ProxyState.Done or ProxyState.Refused or ProxyState.Withdrawn;

    public IEnumerable<string> Missing => Documents.Where(d => !d.Received).Select(d => d.Name);
}

/// <summary>What a desk or the taker does to a request.</summary>
public abstract record ProxyCommand(string Action)
{
    /// <summary>The taker hands it up to the deciding level's desk, with the documents now received.</summary>
    public sealed record HandOver(IReadOnlyList<string> Received) : ProxyCommand(nameof(HandOver));

    /// <summary>The desk sends it back for missing or wrong documents (补正), saying which.</summary>
    public sealed record Return(string Note) : ProxyCommand(nameof(Return));

    /// <summary>The offering centre's desk, having accepted it (受理), passes it to the deciding level's desk (上报审批).</summary>
    public sealed record Forward(string? Note) : ProxyCommand(nameof(Forward));

    /// <summary>The deciding desk finishes it: the result the resident sees.</summary>
    public sealed record Complete(string Result) : ProxyCommand(nameof(Complete));

    /// <summary>The deciding desk refuses it (不予办理), with the reason the resident sees.</summary>
    public sealed record Refuse(string Result) : ProxyCommand(nameof(Refuse));

    /// <summary>The resident withdraws it, through the taker.</summary>
    public sealed record Withdraw(string Note) : ProxyCommand(nameof(Withdraw));
}

/// <summary>A new request as taken: where, which service of which catalogue version, for whom, what was handed in.</summary>
public sealed record NewProxyRequest(AdminCode Grid, CatalogueService Service, int CatalogueVersion, long? PersonId, string ResidentName,
    IReadOnlyList<string> Received, string? Note);

/// <summary>
/// Proxy services (民事代办): the grid manager or the village centre takes a resident's request for a catalogue service
/// with its documents checklist; once every document is in, it goes to the desk of the centre that offers the service —
/// the village centre, or the township's desk of the service's department (or the township centre) — which accepts it
/// (受理): the catalogue's time limit in working days runs from there, on the calendar events use. That desk decides it
/// or forwards it to the deciding level's desk (the county's department); a desk returns it for documents (补正, the
/// clock starts again when it comes back complete) or finishes it with a result the resident follows by the public number.
/// </summary>
public static class ProxyWorkflow
{
    /// <summary>The channel a role takes requests through, or null.</summary>
    public static ProxyChannel? TakesAs(Caller caller) => caller.Role switch
    {
        Role.GridManager => ProxyChannel.Grid,
        Role.VillageStaff => ProxyChannel.Village,
        _ => null,
    };

    /// <summary>Whether the caller is the desk of <paramref name="level"/> for the department's service in the grid's area.</summary>
    public static bool IsDesk(Caller caller, AdminLevel level, string department, AdminCode grid) =>
        caller.Covers(grid.Value) && (caller.Role, level) switch
        {
            (Role.VillageStaff, AdminLevel.Village) or (Role.TownshipStaff, AdminLevel.Township) or (Role.CountyStaff, AdminLevel.County) => true,
            (Role.DepartmentOfficer, AdminLevel.Township or AdminLevel.County) => caller.Department == department && caller.Scope.Level == level,
            _ => false,
        };

    /// <summary>Null when the caller may take requests in the grid, else the refusal.</summary>
    public static Problem? MayTake(Caller caller, AdminCode grid) =>
        TakesAs(caller) is null || !caller.Covers(grid.Value)
            ? Problem.Forbidden("Proxy requests are taken by the grid's manager or its village centre.")
            : null;

    public static Outcome<ProxyRequest> Take(NewProxyRequest r, Caller caller, DateTimeOffset now, WorkingCalendar calendar)
    {
        if (MayTake(caller, r.Grid) is { } refused)
            return refused;
        var channel = TakesAs(caller)!.Value;
        if (r.Grid.Level != AdminLevel.Grid)
            return Problem.InvalidField("grid", "A request belongs to the resident's grid (15 digits).");
        if (string.IsNullOrWhiteSpace(r.ResidentName) || r.ResidentName.Trim().Length > 50)
            return Problem.InvalidField("resident", "Name the resident (1–50 characters) or give their register id.");
        if (r.Note is { Length: > 1000 })
            return Problem.InvalidField("note", "The note has at most 1000 characters.");
        if (r.Received.Except(r.Service.Documents).FirstOrDefault() is { } unknown)
            return Problem.InvalidField("documents", $"'{unknown}' is not on the service's list.");
        var level = channel == ProxyChannel.Grid ? AdminLevel.Grid : AdminLevel.Village;
        var request = new ProxyRequest
        {
            Grid = r.Grid,
            Service = r.Service,
            CatalogueVersion = r.CatalogueVersion,
            Channel = channel,
            PersonId = r.PersonId,
            ResidentName = r.ResidentName.Trim(),
            Documents = [.. r.Service.Documents.Select(d => new ProxyDocument(d, r.Received.Contains(d)))],
            Note = string.IsNullOrWhiteSpace(r.Note) ? null : r.Note.Trim(),
            Level = level,
            History = [new ProxyStep(now, caller.Username, "Take", level, null)],
        };
        // Taken by the centre that offers the service (a village service at the village centre) with every document in:
        // accepted on the spot, its time runs from now. With one missing it waits, like any other, for the hand-over.
        return Outcome.Ok(level == r.Service.Level && !request.Missing.Any()
            ? AtDesk(request with { State = ProxyState.Handed, HandedAt = now }, now, calendar)
            : request);
    }

    public static Outcome<ProxyRequest> Apply(ProxyRequest r, ProxyCommand command, Caller actor, DateTimeOffset now, WorkingCalendar calendar)
    {
        if (!actor.Covers(r.Grid.Value))
            return Problem.NotFound("No such request in your area.");
        var taker = TakesAs(actor) == r.Channel && r.Level == TakerLevel(r);
        var desk = r.Level <= r.Service.Level && IsDesk(actor, r.Level, r.Service.Department, r.Grid);
        // Accepted by a desk (受理) is "handed": received and returned requests are with whoever took them.
        var atDesk = r.State == ProxyState.Handed;
        var deciding = $"It is decided by the {r.Service.Department} desk at {r.Service.CompetentLevel.Slug()} level.";
        Problem? refusal = command switch
        {
            _ when r.IsFinished => Problem.Conflict($"The request is {r.State.ToString().ToLowerInvariant()}: nothing more is done to it."),
            ProxyCommand.Withdraw when r.State == ProxyState.Handed => Problem.Conflict("It is with a desk: the desk returns it first."),
            ProxyCommand.HandOver or ProxyCommand.Withdraw when !taker => Problem.Forbidden("Only whoever took the request (the grid manager or the village centre) does that."),
            ProxyCommand.HandOver when r.State is not (ProxyState.Received or ProxyState.Returned) => Problem.Conflict("It was handed over already."),
            ProxyCommand.Return or ProxyCommand.Forward or ProxyCommand.Complete or ProxyCommand.Refuse when !atDesk => Problem.Conflict("It is not with a desk."),
            ProxyCommand.Return or ProxyCommand.Forward or ProxyCommand.Complete or ProxyCommand.Refuse when !desk => Problem.Forbidden(deciding),
            ProxyCommand.Return when r.State != ProxyState.Handed => Problem.Conflict("Only a handed-over request is returned."),
            ProxyCommand.Forward when r.Level <= r.Service.CompetentLevel => Problem.Conflict("It is at the deciding level: complete or refuse it."),
            ProxyCommand.Complete or ProxyCommand.Refuse when r.Level != r.Service.CompetentLevel => Problem.Conflict($"Forward it: {deciding}"),
            _ => null,
        };
        if (refusal is not null)
            return refusal;
        var text = command switch
        {
            ProxyCommand.Return x => x.Note,
            ProxyCommand.Forward x => x.Note,
            ProxyCommand.Complete x => x.Result,
            ProxyCommand.Refuse x => x.Result,
            ProxyCommand.Withdraw x => x.Note,
            _ => null,
        };
        if (command is not (ProxyCommand.HandOver or ProxyCommand.Forward) && (string.IsNullOrWhiteSpace(text) || text.Trim().Length is < 2 or > 1000))
            return Problem.InvalidField(command is ProxyCommand.Complete or ProxyCommand.Refuse ? "result" : "note", "Write 2–1000 characters.");
        if (text is { Length: > 1000 })
            return Problem.InvalidField("note", "Write at most 1000 characters.");
        ProxyRequest next;
        switch (command)
        {
            case ProxyCommand.HandOver h:
                if (h.Received.Except(r.Service.Documents).FirstOrDefault() is { } unknown)
                    return Problem.InvalidField("documents", $"'{unknown}' is not on the service's list.");
                var documents = r.Documents.Select(d => d with { Received = d.Received || h.Received.Contains(d.Name) }).ToImmutableList();
                if (documents.Where(d => !d.Received).Select(d => d.Name).ToList() is { Count: > 0 } missing)
                    return Problem.InvalidField("documents", $"Still missing: {string.Join("、", missing)}. Collect them before handing it over.");
                // The offering centre accepts it (受理): the time limit runs from here, through any forwarding, to the decision.
                next = AtDesk(r with { Documents = documents, Level = r.Service.Level, State = ProxyState.Handed, HandedAt = now }, now, calendar);
                text = $"{r.Service.Level.Slug()} {r.Service.Department}";
                break;
            case ProxyCommand.Forward:
                next = r with { Level = r.Service.CompetentLevel, State = ProxyState.Handed };
                text = string.IsNullOrWhiteSpace(text) ? $"{r.Service.CompetentLevel.Slug()} {r.Service.Department}" : text;
                break;
            case ProxyCommand.Return:
                next = r with { State = ProxyState.Returned, Level = TakerLevel(r), Due = null };
                break;
            case ProxyCommand.Complete:
                next = r with { State = ProxyState.Done, Result = text!.Trim() };
                break;
            case ProxyCommand.Refuse:
                next = r with { State = ProxyState.Refused, Result = text!.Trim() };
                break;
            case ProxyCommand.Withdraw:
                next = r with { State = ProxyState.Withdrawn, Due = null };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command, null);
        }
        return Outcome.Ok(next with { History = r.History.Add(new ProxyStep(now, actor.Username, command.Action, r.Level, text?.Trim())) });
    }

    /// <summary>The actions the caller may take now (what a page offers), by the same rule <see cref="Apply"/> judges.</summary>
    public static IReadOnlyList<string> Actions(ProxyRequest r, Caller caller, DateTimeOffset now, WorkingCalendar calendar)
    {
        const string note = "--";
        ProxyCommand[] all =
        [
            new ProxyCommand.HandOver(r.Service.Documents), new ProxyCommand.Return(note), new ProxyCommand.Forward(null), new ProxyCommand.Complete(note),
            new ProxyCommand.Refuse(note), new ProxyCommand.Withdraw(note),
        ];
        return [.. all.Where(a => Apply(r, a, caller, now, calendar).Succeeded).Select(a => a.Action)];
    }

    /// <summary>Whether a finished request was finished by its deadline (null while open or when it had none).</summary>
    public static bool? OnTime(ProxyRequest r, DateTimeOffset? finishedAt) =>
        r.State is ProxyState.Done or ProxyState.Refused && r.Due is { } due && finishedAt is { } at ? at <= due : null;

    private static AdminLevel TakerLevel(ProxyRequest r) => r.Channel == ProxyChannel.Grid ? AdminLevel.Grid : AdminLevel.Village;

    private static ProxyRequest AtDesk(ProxyRequest r, DateTimeOffset now, WorkingCalendar calendar) => r with
    {
        Department = r.Service.Department,
        Due = calendar.Due(now, TimeLimit.WorkingDays(CatalogueRules.WorkingDaysFor(r.Service))),
    };
}
