using GridMap.Domain.Codes;
using GridMap.Domain.Proxy;
using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Proxy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Proxy;

/// <summary>
/// Proxy services (民事代办, issue 18): each county's devolved-service catalogue in versions (public to read, edited by the
/// county's admin), requests taken by grid managers and village centres, the desks' steps, and the public tracker.
/// </summary>
public static class ProxyApi
{
    public static IEndpointRouteBuilder MapProxyApi(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/api/catalogue").WithTags("Proxy services");
        open.MapGet("/{county}", Catalogue).AllowAnonymous()
            .WithSummary("A county's devolved-service catalogue (current, or ?version=): every service with its department, deciding level, time limit, documents and source.")
            .ProducesProblem(400).ProducesProblem(404);
        open.MapGet("/{county}/versions", Versions).AllowAnonymous().WithSummary("The catalogue's versions, newest first, with who made each and what changed.");
        var edit = app.MapGroup("/api/catalogue/{county}/services").WithTags("Proxy services").RequireAuthorization().WithSmallBody();
        edit.MapPost("/", AddService).DisableAntiforgery()
            .WithSummary("Add a service ({expectedVersion, level, department, name, kind, competentLevel, timeLimitDays?, documents, source, sourceLocality?, note?}): the next version. The county's admin only.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        edit.MapPut("/{key:int}", ReplaceService).DisableAntiforgery().WithSummary("Change a service (same body; it keeps its key): the next version.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        edit.MapDelete("/{key:int}", RetireService).WithSummary("Retire a service (?expectedVersion=): the next version without it.")
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        var requests = app.MapGroup("/api/proxy").WithTags("Proxy services").RequireAuthorization().WithSmallBody();
        requests.MapPost("/", Take).DisableAntiforgery()
            .WithSummary("Take a resident's request ({grid, serviceKey, catalogueVersion?, personId? | resident, documents: [names handed in], note?, idempotencyKey?}); grid managers and village centres.")
            .ProducesProblem(400).ProducesProblem(403);
        requests.MapGet("/", List).WithSummary("Requests under an area (?area=, default yours; ?open=false for finished ones too); a department officer sees its department's.");
        requests.MapGet("/{id:long}", Get).WithSummary("A request with its checklist, history and the actions open to you.").ProducesProblem(404);
        requests.MapPost("/{id:long}/actions/{action}", Act).DisableAntiforgery()
            .WithSummary("handOver {documents}, return {note}, forward {note?}, complete {result}, refuse {result}, withdraw {note}; {version} guards against a stale read.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        app.MapGet("/api/track/services/{trackingNo}", Track).WithTags("Public").AllowAnonymous()
            .WithSummary("A proxy request's public progress by its DB- number: the service, the village, the deadline, the steps by level and the result.")
            .ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    public sealed record ServiceRequest(int? ExpectedVersion, string? Level, string? Department, string? Name, string? Kind, string? CompetentLevel,
        int? TimeLimitDays, string? TimeLimitNote, List<string>? Documents, string? Source, string? SourceLocality, string? Note);

    public sealed record TakeRequest(string? Grid, int? ServiceKey, int? CatalogueVersion, long? PersonId, string? Resident, List<string>? Documents,
        string? Note, string? IdempotencyKey);

    public sealed record ActRequest(List<string>? Documents, string? Note, string? Result, int? Version);

    public static async Task<Results<Ok<CatalogueView>, ProblemHttpResult>> Catalogue(string county, int? version, HttpContext http, CatalogueStore store,
        CancellationToken ct)
    {
        if (!IsCounty(county))
            return ApiProblems.InvalidField("county", "county is a 6-digit county code, e.g. 140428.");
        return await store.GetAsync(county, version, ct) is { } view
            ? TypedResults.Ok(Public(view, http))
            : ApiProblems.NotFound(version is null ? $"County {county} has no catalogue yet." : $"County {county} has no catalogue version {version}.");
    }

    public static async Task<Results<Ok<IReadOnlyList<CatalogueVersionView>>, ProblemHttpResult>> Versions(string county, HttpContext http,
        CatalogueStore store, CancellationToken ct)
    {
        if (!IsCounty(county))
            return ApiProblems.InvalidField("county", "county is a 6-digit county code.");
        var versions = await store.VersionsAsync(county, ct);
        return TypedResults.Ok(Signed(http) ? versions : [.. versions.Select(v => v with { CreatedBy = Anonymous })]);
    }

    /// <summary>Who made a version is staff's business: the public reads "county administrator" (县管理员).</summary>
    private const string Anonymous = "县管理员";

    private static bool Signed(HttpContext http) => http.User.Identity?.IsAuthenticated == true;

    private static CatalogueView Public(CatalogueView view, HttpContext http) => Signed(http) ? view : view with { CreatedBy = Anonymous };

    public static Task<Results<Created<CatalogueView>, ProblemHttpResult>> AddService(string county, ServiceRequest? body, HttpContext http,
        CatalogueStore store, CancellationToken ct) =>
        EditAsync(county, body, null, http, store, ct);

    public static Task<Results<Created<CatalogueView>, ProblemHttpResult>> ReplaceService(string county, int key, ServiceRequest? body, HttpContext http,
        CatalogueStore store, CancellationToken ct) =>
        EditAsync(county, body, key, http, store, ct);

    public static async Task<Results<Created<CatalogueView>, ProblemHttpResult>> RetireService(string county, int key, int? expectedVersion, string? note,
        HttpContext http, CatalogueStore store, CancellationToken ct)
    {
        if (!IsCounty(county))
            return ApiProblems.InvalidField("county", "county is a 6-digit county code.");
        if (expectedVersion is not { } expected)
            return ApiProblems.InvalidField("expectedVersion", "Say which version you are editing (?expectedVersion=).");
        return Created(await store.EditAsync(RequestCaller.Get(http), county, expected, new CatalogueEdit.Retire(key), note, ct), http);
    }

    private static async Task<Results<Created<CatalogueView>, ProblemHttpResult>> EditAsync(string county, ServiceRequest? body, int? key, HttpContext http,
        CatalogueStore store, CancellationToken ct)
    {
        if (!IsCounty(county))
            return ApiProblems.InvalidField("county", "county is a 6-digit county code.");
        if (body is null)
            return ApiProblems.BadRequest("Send JSON {expectedVersion, level, department, name, kind, competentLevel, timeLimitDays, documents, source}.");
        if (body.ExpectedVersion is not { } expected)
            return ApiProblems.InvalidField("expectedVersion", "Say which version you are editing.");
        if (Level(body.Level, AdminLevel.Township, AdminLevel.Village) is not { } level)
            return ApiProblems.InvalidField("level", "level is township or village.");
        if (!RequestEnum.TryParse<ServiceKind>(body.Kind, out var kind))
            return ApiProblems.InvalidField("kind", "kind is accept (受理), handle (办理) or proxy (代办).");
        if (Level(body.CompetentLevel, AdminLevel.County, AdminLevel.Township, AdminLevel.Village) is not { } competent)
            return ApiProblems.InvalidField("competentLevel", "competentLevel is village, township or county.");
        var service = new CatalogueService(level, body.Department ?? "", body.Name ?? "", kind, competent, body.TimeLimitDays, body.TimeLimitNote,
            body.Documents ?? [], body.Source ?? "", body.SourceLocality);
        CatalogueEdit edit = key is { } k ? new CatalogueEdit.Replace(k, service) : new CatalogueEdit.Add(service);
        return Created(await store.EditAsync(RequestCaller.Get(http), county, expected, edit, body.Note, ct), http);
    }

    private static Results<Created<CatalogueView>, ProblemHttpResult> Created(Domain.Outcome<CatalogueView> edited, HttpContext http) =>
        edited.Succeeded
            ? TypedResults.Created($"/api/catalogue/{edited.Value!.County}?version={edited.Value.Version}", edited.Value)
            : edited.Problem!.ToProblem(http.Response);

    public static async Task<Results<Created<ProxyRequestView>, Ok<ProxyRequestView>, ProblemHttpResult>> Take(TakeRequest? body, HttpContext http,
        ProxyStore store, CancellationToken ct)
    {
        if (body is null)
            return ApiProblems.BadRequest("Send JSON {grid, serviceKey, resident or personId, documents}.");
        if (!AdminCode.TryParse(body.Grid ?? "", out var grid, out _) || grid.Level != AdminLevel.Grid)
            return ApiProblems.InvalidField("grid", "grid is the resident's 15-digit grid code.");
        if (body.ServiceKey is not { } key)
            return ApiProblems.InvalidField("serviceKey", "Choose a service of the county's catalogue (serviceKey).");
        if (body.Documents is { Count: > CatalogueRules.MaxDocuments })
            return ApiProblems.InvalidField("documents", $"At most {CatalogueRules.MaxDocuments} documents.");
        // The field app's queue sends its key as the Idempotency-Key header, as for every action it retries.
        var idempotencyKey = body.IdempotencyKey ?? (http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } header ? header : null);
        var taken = await store.TakeAsync(RequestCaller.Get(http), grid, key, body.CatalogueVersion, body.PersonId, body.Resident, body.Documents ?? [],
            body.Note, idempotencyKey, ct: ct);
        if (!taken.Succeeded)
            return taken.Problem!.ToProblem(http.Response);
        var view = taken.Value!.Request;
        return taken.Value.Created ? TypedResults.Created($"/api/proxy/{view.Id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Ok<IReadOnlyList<ProxyRequestView>>> List(string? area, bool? open, HttpContext http, ProxyStore store, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        return TypedResults.Ok(await store.ListAsync(caller, area is { Length: > 0 and <= 15 } && area.All(char.IsAsciiDigit) ? area : caller.Scope.Value,
            open ?? true, ct));
    }

    public static async Task<Results<Ok<ProxyRequestView>, ProblemHttpResult>> Get(long id, HttpContext http, ProxyStore store, CancellationToken ct) =>
        await store.GetAsync(RequestCaller.Get(http), id, ct) is { } view ? TypedResults.Ok(view) : ApiProblems.NotFound($"No proxy request {id} in your area.");

    public static async Task<Results<Ok<ProxyRequestView>, ProblemHttpResult>> Act(long id, string action, ActRequest? body, HttpContext http,
        ProxyStore store, CancellationToken ct)
    {
        ProxyCommand? command = action.ToLowerInvariant() switch
        {
            "handover" => new ProxyCommand.HandOver(body?.Documents ?? []),
            "return" => new ProxyCommand.Return(body?.Note ?? ""),
            "forward" => new ProxyCommand.Forward(body?.Note),
            "complete" => new ProxyCommand.Complete(body?.Result ?? ""),
            "refuse" => new ProxyCommand.Refuse(body?.Result ?? ""),
            "withdraw" => new ProxyCommand.Withdraw(body?.Note ?? ""),
            _ => null,
        };
        if (command is null)
            return ApiProblems.NotFound($"No action '{CodeRoute.Truncate(action)}': handOver, return, forward, complete, refuse, withdraw.");
        return (await store.ActAsync(RequestCaller.Get(http), id, command, body?.Version, ct)).ToResult(http.Response);
    }

    public static async Task<Results<Ok<ProxyTrackingView>, ProblemHttpResult>> Track(string trackingNo, ProxyStore store, CancellationToken ct)
    {
        if (!TrackingNumbers.IsWellFormed(trackingNo, "DB"))
            return ApiProblems.BadRequest($"'{CodeRoute.Truncate(trackingNo)}' is not a proxy request number: DB- and two groups of 4 letters or digits, e.g. DB-7K2P-Q9XD.");
        return await store.TrackAsync(trackingNo.ToUpperInvariant(), ct) is { } view
            ? TypedResults.Ok(view)
            : ApiProblems.NotFound($"No proxy request with number {trackingNo.ToUpperInvariant()}.");
    }

    private static bool IsCounty(string county) => county is { Length: 6 } && county.All(char.IsAsciiDigit);

    private static AdminLevel? Level(string? slug, params AdminLevel[] allowed) =>
        allowed.Cast<AdminLevel?>().FirstOrDefault(l => string.Equals(l!.Value.Slug(), slug?.Trim(), StringComparison.OrdinalIgnoreCase));
}
