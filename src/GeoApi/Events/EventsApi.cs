using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using GridMap.GeoApi.Infrastructure;
using GridMap.Hosting.Problems;
using GridMap.Store.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Events;

/// <summary>Events (事件): intake from the field and the hotline, the card with its history, workflow actions, lists, the day replay and the catalogue.</summary>
public static class EventsApi
{
    public const int MaxDescription = 2000;
    public const long MaxPhotoBytes = 5 * 1024 * 1024;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/api/events").WithTags("Events");
        open.MapGet("/categories", Categories).WithSummary("The event taxonomy with time limits and the level the catalogue makes competent.");
        open.MapGet("/catalogue", Catalogue).WithSummary("The devolved-function catalogue (下放职能): functions per level and department.");

        var events = app.MapGroup("/api/events").WithTags("Events").RequireAuthorization().WithSmallBody();
        events.MapPost("/", Report).DisableAntiforgery()
            .WithSummary("Report an event (grid managers; centre staff for the hotline). A repeated idempotency key returns the first event with 200.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(422).ProducesProblem(503);
        events.MapGet("/", List).WithSummary("Events in an area you cover, most recently changed first.").ProducesProblem(400).ProducesProblem(404);
        events.MapGet("/replay", Replay).WithSummary("Every step taken on one day in an area, oldest first.").ProducesProblem(400).ProducesProblem(404);
        events.MapGet("/{id:long}", Get).WithSummary("The event card: owner, deadline, your allowed actions, history.").ProducesProblem(404);
        events.MapGet("/{id:long}/chain", VerifyChain).WithSummary("Recomputes the event's history hash chain.").ProducesProblem(404);
        events.MapPost("/{id:long}/actions/{action}", Act).DisableAntiforgery()
            .WithSummary("Take a workflow action (accept, reject, register, dispatch, startHandling, feedback, verify, close, escalate, sendBack, requestExtension, approveExtension, suspend, resume, requestVoid, approveVoid, resolveOnTheSpot, supervise {note, newDue, answerRequired}, answerSupervision {note}, holdToAccount, claim, assign {person}). Claiming or being assigned makes a person the step's holder (承办人).")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        app.MapPost("/api/events/{id:long}/photos", AddPhoto).WithTags("Events").RequireAuthorization().DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxPhotoBytes))
            .WithSummary("Attach a photo (JPEG, PNG or WebP body, ≤ 5 MB). With an Idempotency-Key header a repeated upload stores nothing new.").ProducesProblem(400).ProducesProblem(404).ProducesProblem(413);
        events.MapGet("/{id:long}/photos", ListPhotos).WithSummary("The ids of the event's photos, oldest first.").ProducesProblem(404);
        events.MapGet("/{id:long}/photos/{photoId:long}", GetPhoto).WithSummary("A photo of the event.").ProducesProblem(404);
        var accountability = app.MapGroup("/api/accountability").WithTags("Events").RequireAuthorization().WithSmallBody();
        accountability.MapGet("/", Accountability)
            .WithSummary("Accountability records (问责) of an area, newest first: overdue steps, reworked handling, named persons; ?person=&open=.")
            .ProducesProblem(400).ProducesProblem(404);
        accountability.MapGet("/people", AccountabilityPeople).WithSummary("Accountability records counted per person in an area.")
            .ProducesProblem(400).ProducesProblem(404);
        accountability.MapPost("/{id:long}/close", CloseAccountability).DisableAntiforgery()
            .WithSummary("Close a record with an outcome ({\"outcome\": …}): the supervising centre (above the unit, or county, city, province).")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        events.MapPost("/catalogue", AddFunction).DisableAntiforgery().WithSummary("Add a devolved function (province or county staff, admin).")
            .ProducesProblem(400).ProducesProblem(403);
        events.MapDelete("/catalogue/{id:int}", RemoveFunction).WithSummary("Remove a devolved function (province or county staff, admin).")
            .ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    public sealed record ReportRequest(string? Category, string? Description, double? Lon, double? Lat, string? BuildingCode, string? Address,
        string? IdempotencyKey, string? Channel, string? ContactName, string? ContactPhone);

    public sealed record ActionRequest(int? Version, string? Reason, string? Note, bool? Passed, string? Level, string? Department, string? Person,
        int? ExtraWorkingDays, int? ExtraWorkingMinutes, DateTimeOffset? NewDue = null, bool? AnswerRequired = null);

    public sealed record FunctionRequest(int? Level, string? Department, string? Name, string? Category, bool? Proxy);

    public static async Task<Ok<IReadOnlyList<EventCategoryInfo>>> Categories(EventStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.CategoriesAsync(ct));

    public static async Task<Ok<IReadOnlyList<DevolvedFunction>>> Catalogue(EventStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.CatalogueAsync(ct));

    public static async Task<Results<Created<EventCard>, Ok<EventCard>, ProblemHttpResult>> Report(
        ReportRequest? body, HttpContext http, EventStore store, CancellationToken ct)
    {
        var caller = RequestCaller.Get(http);
        var key = body?.IdempotencyKey ?? http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (Validate(body, key) is { } invalid)
            return ApiProblems.BadRequest(invalid);
        var channel = body!.Channel ?? (caller.Role == Role.GridManager ? EventChannels.Grid : EventChannels.Hotline);
        if (channel is not (EventChannels.Grid or EventChannels.Hotline or EventChannels.Referral))
            return ApiProblems.BadRequest("channel is grid, hotline or referral here; the public form and Open311 have their own endpoints.");
        if (channel == EventChannels.Grid && caller.Role != Role.GridManager)
            return ApiProblems.BadRequest("Only grid managers report on the grid channel; centre staff use hotline or referral.");
        var report = new NewReport(body.Category!.Trim(), body.Description!.Trim(), body.Lon, body.Lat, channel, key, body.BuildingCode, body.Address?.Trim(),
            body.ContactName?.Trim(), body.ContactPhone?.Trim());
        var result = await store.ReportAsync(caller, caller.Username, report, ct);
        return result.Value switch
        {
            { Created: true } taken => TypedResults.Created($"/api/events/{taken.Event.Id}", taken.Event),
            { } taken => TypedResults.Ok(taken.Event),
            null => result.Problem!.ToProblem(http.Response),
        };
    }

    /// <summary>Checks a report's fields; the message names the field and what it needs.</summary>
    public static string? Validate(ReportRequest? body, string? key)
    {
        if (body is null)
            return "A JSON body is required: category, description, and lon/lat or buildingCode.";
        if (string.IsNullOrWhiteSpace(body.Category) || body.Category.Trim().Length != 4 || !body.Category.Trim().All(char.IsAsciiDigit))
            return "category is a 4-digit event category code (GET /api/events/categories).";
        if (string.IsNullOrWhiteSpace(body.Description) || body.Description.Trim().Length > MaxDescription)
            return $"description is required, at most {MaxDescription} characters.";
        if ((body.Lon is null) != (body.Lat is null))
            return "lon and lat come together.";
        if (body.Lon is { } lon && (double.IsNaN(lon) || lon is < 73 or > 136) || body.Lat is { } lat && (double.IsNaN(lat) || lat is < 3 or > 54))
            return "lon/lat are CGCS2000 degrees inside China (lon 73–136, lat 3–54).";
        if (body.Lon is null && body.BuildingCode is null)
            return "A report needs lon/lat or a buildingCode.";
        if (body.BuildingCode is { } b && (b.Length != 20 || !b.All(char.IsAsciiDigit)))
            return "buildingCode is the 20-digit building code.";
        if (body.Address is { Length: > 200 })
            return "address is at most 200 characters.";
        if (key is not null && (key.Length is < 8 or > 100))
            return "The idempotency key is 8 to 100 characters (a UUID is ideal).";
        if (body.ContactName is { Length: > 50 })
            return "contactName is at most 50 characters.";
        if (body.ContactPhone is { } phone && !System.Text.RegularExpressions.Regex.IsMatch(phone.Trim(), "^[0-9+\\- ]{5,20}$"))
            return "contactPhone is 5 to 20 digits (spaces, + and - allowed).";
        return null;
    }

    public static async Task<Results<Ok<EventCard>, ProblemHttpResult>> Get(long id, HttpContext http, EventStore store, CancellationToken ct) =>
        await store.GetAsync(RequestCaller.Get(http), id, ct) is { } card ? TypedResults.Ok(card) : ApiProblems.NotFound($"No event {id} in your area.");

    public static async Task<Results<Ok<ChainCheck>, ProblemHttpResult>> VerifyChain(long id, HttpContext http, EventStore store, CancellationToken ct)
    {
        if (await store.GetAsync(RequestCaller.Get(http), id, ct) is null)
            return ApiProblems.NotFound($"No event {id} in your area.");
        var broken = await store.VerifyChainAsync(id, ct);
        return TypedResults.Ok(new ChainCheck(broken is null, broken?.Seq, broken?.Reason));
    }

    public sealed record ChainCheck(bool Intact, long? BrokenAt, string? Reason);

    public sealed record CloseRequest(string? Outcome);

    public static async Task<Results<Ok<IReadOnlyList<AccountabilityView>>, ProblemHttpResult>> Accountability(string? area, string? person, bool? open,
        HttpContext http, EventStore store, CancellationToken ct)
    {
        if (!TryArea(http, area, out var caller, out var unit, out var problem))
            return problem;
        if (!EventPermissions.MayReadAccountability(caller))
            return ApiProblems.Forbidden("Accountability records are read by centre staff and auditors.");
        if (person is { Length: > 100 })
            return ApiProblems.BadRequest("person is a username (at most 100 characters).");
        return TypedResults.Ok(await store.AccountabilityAsync(caller, unit, person, open ?? false, ct: ct));
    }

    public static async Task<Results<Ok<IReadOnlyList<AccountabilityCount>>, ProblemHttpResult>> AccountabilityPeople(string? area, HttpContext http,
        EventStore store, CancellationToken ct)
    {
        if (!TryArea(http, area, out var caller, out var unit, out var problem))
            return problem;
        if (!EventPermissions.MayReadAccountability(caller))
            return ApiProblems.Forbidden("Accountability records are read by centre staff and auditors.");
        return TypedResults.Ok(await store.AccountabilityCountsAsync(caller, unit, ct));
    }

    public static async Task<Results<Ok<AccountabilityView>, ProblemHttpResult>> CloseAccountability(long id, CloseRequest? body, HttpContext http,
        EventStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Outcome) || body.Outcome.Length > 500)
            return ApiProblems.BadRequest("Send JSON {\"outcome\": …}: what the review decided (1–500 characters).");
        return (await store.CloseAccountabilityAsync(RequestCaller.Get(http), id, body.Outcome.Trim(), ct)).ToResult(http.Response);
    }

    public static async Task<Results<Ok<IReadOnlyList<EventSummary>>, FileContentHttpResult, ProblemHttpResult>> List(string? area, string? category,
        string? state, bool? open, int? level, DateTimeOffset? since, DateTimeOffset? updatedSince, string? bbox, int? limit, string? holder, string? format,
        HttpContext http, EventStore store, TimeProvider time, CancellationToken ct)
    {
        if (format is not (null or "json" or "xlsx"))
            return ApiProblems.BadRequest("format is json (default) or xlsx.");
        if (!TryArea(http, area, out var caller, out var unit, out var problem))
            return problem;
        if (holder is { Length: > 40 })
            return ApiProblems.BadRequest("holder is a username (at most 40 characters), or \"me\".");
        if (holder == "me")
            holder = caller.Username;
        if (category is not null && (category.Length is not (2 or 4) || !category.All(char.IsAsciiDigit)))
            return ApiProblems.BadRequest("category is a 2-digit major class or a 4-digit category code.");
        string[]? states = null;
        if (state is not null)
        {
            states = state.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (states.Any(s => !Enum.TryParse<EventState>(s, ignoreCase: false, out _)))
                return ApiProblems.BadRequest($"state is a comma-separated list of: {string.Join(", ", Enum.GetNames<EventState>())}.");
        }
        if (level is not null and not (>= 3 and <= 6))
            return ApiProblems.BadRequest("level is 3 (county), 4 (township), 5 (village) or 6 (grid).");
        if (limit is < 1 or > 5000)
            return ApiProblems.BadRequest("limit is between 1 and 5000.");
        double[]? box = null;
        if (bbox is not null && !TryBbox(bbox, out box))
            return ApiProblems.BadRequest("bbox is minLon,minLat,maxLon,maxLat with min < max.");
        var list = await store.ListAsync(caller, unit, new EventFilter(category, states, open ?? false, level, since, updatedSince, box, limit ?? 500, holder), ct);
        if (format != "xlsx")
            return TypedResults.Ok(list);
        var now = time.GetUtcNow();
        var scope = $"{unit.Value}{(open == true ? " · 在办" : "")}{(category is null ? "" : $" · 类别 {category}")}{(level is null ? "" : $" · 层级 {level}")}";
        var period = since is { } from ? $"{ChinaTime.Format(from)} – {ChinaTime.Format(now)}" : $"全部（截至 {ChinaTime.Format(now)}）";
        return TypedResults.File(TableExport.Xlsx("事件清单", ListColumns(scope, period, list.Count), list), TableExport.XlsxType,
            $"events-{unit.Value}-{ChinaTime.Of(now):yyyyMMddHHmm}.xlsx");
    }

    /// <summary>The event list as people hand it on: what it covers (area, filters, period, how many) on every row, then the events.</summary>
    private static ExportColumn<EventSummary>[] ListColumns(string scope, string period, int count) =>
    [
        new("范围", _ => scope), new("期间", _ => period), new("事件数", _ => count),
        new("编号", e => e.TrackingNo), new("大类", e => e.MajorName), new("类别", e => e.CategoryName), new("状态", e => e.State),
        new("网格", e => e.Grid), new("承办单位", e => e.OwnerUnit), new("承办部门", e => e.OwnerDepartment), new("承办人", e => e.Holder),
        new("时限", e => e.Due is { } due ? ChinaTime.Format(due) : null), new("时限状态", e => e.Deadline),
        new("上报时间", e => ChinaTime.Format(e.ReportedAt)), new("摘要", e => e.Summary),
    ];

    public static async Task<Results<Ok<IReadOnlyList<ReplayStep>>, ProblemHttpResult>> Replay(string? area, DateOnly? date, HttpContext http, EventStore store,
        CancellationToken ct)
    {
        if (!TryArea(http, area, out var caller, out var unit, out var problem))
            return problem;
        if (date is null)
            return ApiProblems.BadRequest("date (yyyy-MM-dd, China Standard Time) is required.");
        return TypedResults.Ok(await store.ReplayAsync(caller, unit, date.Value, ct: ct));
    }

    public static async Task<Results<Ok<EventCard>, ProblemHttpResult>> Act(long id, string action, ActionRequest? body, HttpContext http, EventStore store,
        CancellationToken ct)
    {
        if (!Enum.TryParse<EventAction>(action, ignoreCase: true, out var parsed) || int.TryParse(action, out _))
            return ApiProblems.NotFound($"No action '{CodeRoute.Truncate(action)}'; one of {string.Join(", ", Enum.GetNames<EventAction>())}.");
        var request = body ?? new ActionRequest(null, null, null, null, null, null, null, null, null);
        if (request.NewDue is { } newDue && (newDue.Year < 2000 || newDue.Year > 2100))
            return ApiProblems.BadRequest("newDue is an instant with its offset (ISO 8601), e.g. 2026-12-08T17:00:00+08:00.");
        if (new[] { request.Reason, request.Note, request.Person }.Any(t => t is { Length: > 500 }))
            return ApiProblems.BadRequest("reason, note and person are at most 500 characters.");
        if (ToCommand(parsed, request) is not { } command)
            return ApiProblems.BadRequest(Needs(parsed));
        return (await store.ApplyAsync(RequestCaller.Get(http), id, command, request.Version, ct)).ToResult(http.Response);
    }

    private static EventCommand? ToCommand(EventAction action, ActionRequest r) => action switch
    {
        EventAction.Accept => new EventCommand.Accept(),
        EventAction.Reject => r.Reason?.Trim().ToLowerInvariant() switch
        {
            "invalid" => new EventCommand.Reject(RejectReason.Invalid),
            "duplicate" => new EventCommand.Reject(RejectReason.Duplicate),
            _ => null,
        },
        EventAction.Register => new EventCommand.Register(),
        EventAction.Dispatch when r.Department is { Length: > 0 } d => Domain.People.Departments.Government.Contains(d)
            ? new EventCommand.Dispatch(DispatchTarget.ToDepartment(d)) : null,
        EventAction.Dispatch when Enum.TryParse<AdminLevel>(r.Level, ignoreCase: true, out var level) && !int.TryParse(r.Level, out _) =>
            new EventCommand.Dispatch(DispatchTarget.ToLevel(level)),
        EventAction.Dispatch => null,
        EventAction.StartHandling => new EventCommand.StartHandling(),
        EventAction.Feedback when r.Note is { Length: > 0 } note => new EventCommand.Feedback(note),
        EventAction.Feedback => null,
        EventAction.Verify when r.Passed is { } passed => new EventCommand.Verify(passed, r.Note),
        EventAction.Verify => null,
        EventAction.Close => new EventCommand.Close(),
        EventAction.Escalate => new EventCommand.Escalate(r.Reason ?? ""),
        EventAction.SendBack => new EventCommand.SendBack(r.Reason ?? ""),
        EventAction.RequestExtension when r.ExtraWorkingDays is > 0 and <= 60 => new EventCommand.RequestExtension(TimeLimit.WorkingDays(r.ExtraWorkingDays.Value), r.Reason ?? ""),
        EventAction.RequestExtension when r.ExtraWorkingMinutes is > 0 and <= 6000 => new EventCommand.RequestExtension(TimeLimit.WorkingMinutes(r.ExtraWorkingMinutes.Value), r.Reason ?? ""),
        EventAction.RequestExtension => null,
        EventAction.ApproveExtension => new EventCommand.ApproveExtension(),
        EventAction.Suspend => new EventCommand.Suspend(r.Reason ?? ""),
        EventAction.Resume => new EventCommand.Resume(),
        EventAction.RequestVoid => new EventCommand.RequestVoid(r.Reason ?? ""),
        EventAction.ApproveVoid => new EventCommand.ApproveVoid(),
        EventAction.ResolveOnTheSpot when r.Note is { Length: > 0 } note => new EventCommand.ResolveOnTheSpot(note),
        EventAction.ResolveOnTheSpot => null,
        EventAction.Supervise => new EventCommand.Supervise(r.Note ?? r.Reason ?? "", r.NewDue, r.AnswerRequired ?? false),
        EventAction.AnswerSupervision when (r.Note ?? r.Reason) is { Length: > 0 } answer => new EventCommand.AnswerSupervision(answer),
        EventAction.AnswerSupervision => null,
        EventAction.HoldToAccount => new EventCommand.HoldToAccount(r.Person ?? "", r.Reason ?? ""),
        EventAction.Claim => new EventCommand.Claim(),
        EventAction.Assign when r.Person is { Length: > 0 and <= 40 } person => new EventCommand.Assign(person.Trim(), null),
        EventAction.Assign => null,
        _ => null,
    };

    private static string Needs(EventAction action) => action switch
    {
        EventAction.Reject => "reject needs reason \"invalid\" or \"duplicate\".",
        EventAction.Dispatch => $"dispatch needs level (grid, village, township, county) or department (one of {string.Join(", ", Domain.People.Departments.Government)}).",
        EventAction.Feedback => "feedback needs a note saying what was done.",
        EventAction.Verify => "verify needs passed (true or false) and, when it failed, a note.",
        EventAction.RequestExtension => "requestExtension needs extraWorkingDays (1–60) or extraWorkingMinutes (1–6000) and a reason.",
        EventAction.ResolveOnTheSpot => "resolveOnTheSpot needs a note saying how it was resolved.",
        EventAction.Assign => "assign needs person: the username of a member of the step's owner.",
        EventAction.AnswerSupervision => "answerSupervision needs a note saying what was done.",
        _ => "The request body does not fit this action.",
    };

    public static async Task<Results<Created, ProblemHttpResult>> AddPhoto(long id, HttpContext http, EventStore store, CancellationToken ct)
    {
        var type = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (type is not ("image/jpeg" or "image/png" or "image/webp"))
            return ApiProblems.BadRequest("A photo is sent as an image/jpeg, image/png or image/webp body.");
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length == 0 || buffer.Length > MaxPhotoBytes)
            return ApiProblems.BadRequest("A photo is between 1 byte and 5 MB.");
        if (!LooksLike(type, buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
            return ApiProblems.BadRequest($"The body is not a {type} image.");
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (key is not null && !IdempotencyKeys.IsWellFormed(key))
            return ApiProblems.BadRequest("An Idempotency-Key has 8–100 characters without spaces.");
        return await store.AddPhotoAsync(RequestCaller.Get(http), id, type, buffer.ToArray(), ct, key) is { } photo
            ? TypedResults.Created($"/api/events/{id}/photos/{photo}")
            : ApiProblems.NotFound($"No event {id} in your area.");
    }

    private static bool LooksLike(string type, ReadOnlySpan<byte> bytes) => type switch
    {
        "image/jpeg" => bytes.Length > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8,
        "image/png" => bytes.Length > 8 && bytes[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        _ => bytes.Length > 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8),
    };

    public static async Task<Results<Ok<IReadOnlyList<long>>, ProblemHttpResult>> ListPhotos(long id, HttpContext http, EventStore store, CancellationToken ct) =>
        await store.GetAsync(RequestCaller.Get(http), id, ct) is null
            ? ApiProblems.NotFound($"No event {id} in your area.")
            : TypedResults.Ok(await store.PhotoIdsAsync(id, ct));

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetPhoto(long id, long photoId, HttpContext http, EventStore store, CancellationToken ct) =>
        await store.GetPhotoAsync(RequestCaller.Get(http), id, photoId, ct) is { } photo
            ? TypedResults.File(photo.Bytes, photo.ContentType)
            : ApiProblems.NotFound($"No photo {photoId} of event {id} in your area.");

    private static bool EditsCatalogue(Caller caller) => caller.Role is Role.ProvinceStaff or Role.CountyStaff or Role.Admin;

    public static async Task<Results<Created<DevolvedFunction>, ProblemHttpResult>> AddFunction(FunctionRequest? body, HttpContext http, EventStore store,
        CancellationToken ct)
    {
        if (!EditsCatalogue(RequestCaller.Get(http)))
            return ApiProblems.Forbidden("Only province or county staff and admins edit the devolved-function catalogue.");
        if (body is not { Level: 4 or 5, Department: { Length: > 0 } department, Name: { Length: > 0 and <= 100 } name })
            return ApiProblems.BadRequest("level (4 township or 5 village), department and name (≤ 100 characters) are required.");
        if (!Domain.People.Departments.Government.Contains(department))
            return ApiProblems.BadRequest($"department is one of {string.Join(", ", Domain.People.Departments.Government)}.");
        return await store.AddFunctionAsync(body.Level.Value, department, name.Trim(), body.Category, body.Proxy ?? false, ct) is { } added
            ? TypedResults.Created($"/api/events/catalogue/{added.Id}", added)
            : ApiProblems.BadRequest("Unknown category, or this department already lists a function of that name at that level.");
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveFunction(int id, HttpContext http, EventStore store, CancellationToken ct)
    {
        if (!EditsCatalogue(RequestCaller.Get(http)))
            return ApiProblems.Forbidden("Only province or county staff and admins edit the devolved-function catalogue.");
        return await store.RemoveFunctionAsync(id, ct) ? TypedResults.NoContent() : ApiProblems.NotFound($"No devolved function {id}.");
    }

    /// <summary>The area a list is asked for (default: the caller's own), or the problem when it is malformed or not the caller's.</summary>
    private static bool TryArea(HttpContext http, string? area, out Caller caller, out AdminCode unit, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        caller = RequestCaller.Get(http);
        unit = caller.Scope;
        problem = null;
        if (area is not null && !CodeRoute.TryParse(area, out unit, out var malformed))
        {
            problem = malformed!;
            return false;
        }
        if (!caller.Covers(unit.Value))
            problem = ApiProblems.NotFound($"{unit} is not in your area.");
        return problem is null;
    }

    private static bool TryBbox(string text, out double[]? box)
    {
        box = null;
        var parts = text.Split(',');
        if (parts.Length != 4)
            return false;
        var values = new double[4];
        for (var i = 0; i < 4; i++)
            if (!double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                return false;
        if (values[0] >= values[2] || values[1] >= values[3] || values[0] < -180 || values[2] > 180 || values[1] < -90 || values[3] > 90)
            return false;
        box = values;
        return true;
    }
}
