using GridMap.Domain.Codes;
using GridMap.Domain.Disputes;
using GridMap.GeoApi.Infrastructure;
using GridMap.GeoApi.Kpi;
using GridMap.Hosting.Problems;
using GridMap.Store.Disputes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Disputes;

/// <summary>
/// Disputes (矛盾纠纷, issue 18): record, read, list, the mediators' steps, and the three-level containment figure.
/// Parties who are residents are shown masked; who may do what is <see cref="DisputeWorkflow"/>'s rule.
/// </summary>
public static class DisputesApi
{
    public static IEndpointRouteBuilder MapDisputesApi(this IEndpointRouteBuilder app)
    {
        var disputes = app.MapGroup("/api/disputes").WithTags("Disputes").RequireAuthorization().WithSmallBody();
        disputes.MapPost("/", Record).DisableAntiforgery()
            .WithSummary("Record a dispute of a grid ({grid, severity: general|large|major, kind, summary, source: patrol|resident|event, eventId?, parties: [{personId?} | {name}]}); it starts at your level.")
            .ProducesProblem(400).ProducesProblem(403);
        disputes.MapGet("/", List).WithSummary("Disputes under an area (?area=, default yours; ?open=false for finished ones too), open first.");
        disputes.MapGet("/{id:long}", Get).WithSummary("A dispute with its parties (residents masked), history and the actions open to you.").ProducesProblem(404);
        disputes.MapPost("/{id:long}/actions/{action}", Act).DisableAntiforgery()
            .WithSummary("takeUp, session {note}, settle {terms}, escalate {note}, refer {to: court|petition, note}, followUp {note}, close; {version} guards against a stale read.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        disputes.MapGet("/containment/{unit}", ContainmentFigure)
            .WithSummary("The three-level containment figure of a unit and its children: finished disputes by severity and where they ended, the share within the rule with its denominator.")
            .ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    public sealed record PartyRequest(long? PersonId, string? Name);

    public sealed record RecordRequest(string? Grid, string? Severity, string? Kind, string? Summary, string? Source, long? EventId, List<PartyRequest>? Parties);

    public sealed record ActRequest(string? Note, string? Terms, string? To, int? Version);

    public static async Task<Results<Created<DisputeView>, ProblemHttpResult>> Record(RecordRequest? body, HttpContext http, DisputeStore store, CancellationToken ct)
    {
        if (body is null)
            return ApiProblems.BadRequest("Send JSON {grid, severity, kind, summary, source, parties}.");
        if (!AdminCode.TryParse(body.Grid ?? "", out var grid, out _) || grid.Level != AdminLevel.Grid)
            return ApiProblems.InvalidField("grid", "grid is a 15-digit grid code.");
        if (!RequestEnum.TryParse<DisputeSeverity>(body.Severity, out var severity))
            return ApiProblems.InvalidField("severity", "severity is general, large or major (一般、较大、重大).");
        if (!RequestEnum.TryParse<DisputeSource>(body.Source ?? "resident", out var source))
            return ApiProblems.InvalidField("source", "source is patrol, resident or event.");
        var parties = (body.Parties ?? []).Select(p => new DisputeParty(p.PersonId, p.PersonId is null ? p.Name ?? "" : p.Name ?? "(登记人口)")).ToList();
        var recorded = await store.RecordAsync(RequestCaller.Get(http), new NewDispute(grid, severity, body.Kind ?? "", body.Summary ?? "", source, parties), body.EventId, ct);
        return recorded.Succeeded
            ? TypedResults.Created($"/api/disputes/{recorded.Value!.Id}", recorded.Value)
            : recorded.Problem!.ToProblem(http.Response);
    }

    public static async Task<Ok<IReadOnlyList<DisputeView>>> List(string? area, bool? open, HttpContext http, DisputeStore store, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        return TypedResults.Ok(await store.ListAsync(caller, area is { Length: > 0 and <= 15 } && area.All(char.IsAsciiDigit) ? area : caller.Scope.Value, open ?? true, ct));
    }

    public static async Task<Results<Ok<DisputeView>, ProblemHttpResult>> Get(long id, HttpContext http, DisputeStore store, CancellationToken ct) =>
        await store.GetAsync(RequestCaller.Get(http), id, ct) is { } view ? TypedResults.Ok(view) : ApiProblems.NotFound($"No dispute {id} in your area.");

    public static async Task<Results<Ok<DisputeView>, ProblemHttpResult>> Act(long id, string action, ActRequest? body, HttpContext http, DisputeStore store,
        CancellationToken ct)
    {
        var note = body?.Note ?? "";
        DisputeCommand? command = action.ToLowerInvariant() switch
        {
            "takeup" => new DisputeCommand.TakeUp(),
            "session" => new DisputeCommand.Session(note),
            "settle" => new DisputeCommand.Settle(body?.Terms ?? ""),
            "escalate" => new DisputeCommand.Escalate(note),
            "refer" when RequestEnum.TryParse<ReferralTarget>(body?.To, out var to) => new DisputeCommand.Refer(to, note),
            "refer" => null,
            "followup" => new DisputeCommand.FollowUp(note),
            "close" => new DisputeCommand.Close(body?.Note),
            _ => null,
        };
        if (command is null)
            return action.Equals("refer", StringComparison.OrdinalIgnoreCase)
                ? ApiProblems.InvalidField("to", "to is court or petition.")
                : ApiProblems.NotFound($"No action '{CodeRoute.Truncate(action)}': takeUp, session, settle, escalate, refer, followUp, close.");
        var done = await store.ActAsync(RequestCaller.Get(http), id, command, body?.Version, ct);
        return done.ToResult(http.Response);
    }

    public static async Task<Results<Ok<ContainmentReport>, ProblemHttpResult>> ContainmentFigure(string unit, string? from, string? to, HttpContext http,
        DisputeStore store, TimeProvider time, CancellationToken ct)
    {
        if (!CodeRoute.TryParse(unit, out var code, out var problem))
            return problem!;
        if (!KpiApi.TryPeriod(from, to, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), out var period, out problem))
            return problem!;
        return await store.ContainmentAsync(RequestCaller.Get(http), code, period.From, period.To, ct) is { } report
            ? TypedResults.Ok(report)
            : ApiProblems.NotFound($"No unit {code.Value} in your area.");
    }

}
