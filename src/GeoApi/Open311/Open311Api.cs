using System.Globalization;
using GridMap.Domain.Crosswalk;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Divisions;
using GridMap.Store.Events;
using GridMap.Store.Open311;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Open311;

/// <summary>
/// Open311 GeoReport v2 under <c>/open311/v2</c>, so existing Open311 apps list our event categories as services,
/// file reports and follow them. JSON only: <c>.xml</c> gets a 400. Errors take the spec's shape, an array of
/// <c>{code, description}</c> with the same HTTP status, instead of problem+json. The public tracking number is the
/// service_request_id; names, phones and e-mail addresses never go out.
/// </summary>
public static class Open311Api
{
    public const int MaxRequests = 1000;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(90);

    public static IEndpointRouteBuilder MapOpen311Api(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/open311/v2").WithTags("Open311 GeoReport v2").AllowAnonymous();
        v2.MapGet("/services.{format}", Services).WithSummary("The event categories as Open311 services.");
        v2.MapGet("/services/{code}.{format}", Service).WithSummary("A service definition (our services have no extra attributes).");
        v2.MapPost("/requests.{format}", Create).DisableAntiforgery().WithSmallBody()
            .WithSummary("File a service request (form-encoded, api_key required; an Idempotency-Key header makes retries safe).");
        v2.MapGet("/requests.{format}", Requests).WithSummary("Service requests by id list, or by service_code, start_date, end_date and status.");
        v2.MapGet("/requests/{id}.{format}", Request).WithSummary("One service request by its id (the public tracking number).");
        v2.Map("/{**rest}", (string? rest) => Error(StatusCodes.Status404NotFound, $"No Open311 resource /open311/v2/{CodeRoute.Truncate(rest ?? "")}."))
            .ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<Ok<Open311Service[]>, JsonHttpResult<Open311Error[]>>> Services(string format, EventStore events, CancellationToken ct)
    {
        if (FormatProblem(format) is { } problem)
            return problem;
        return TypedResults.Ok((await events.CategoriesAsync(ct)).Select(ToService).ToArray());
    }

    public static async Task<Results<Ok<Open311ServiceDefinition>, JsonHttpResult<Open311Error[]>>> Service(string code, string format, EventStore events,
        CancellationToken ct)
    {
        if (FormatProblem(format) is { } problem)
            return problem;
        return (await events.CategoriesAsync(ct)).Any(c => c.Code == code)
            ? TypedResults.Ok(new Open311ServiceDefinition(code, []))
            : Error(StatusCodes.Status404NotFound, $"No service '{CodeRoute.Truncate(code)}'; GET /open311/v2/services.json lists them.");
    }

    public static async Task<Results<Created<Open311Receipt[]>, Ok<Open311Receipt[]>, JsonHttpResult<Open311Error[]>>> Create(
        string format, HttpRequest http, Open311Store open311, EventStore events, DivisionCodeStore divisions, CancellationToken ct)
    {
        if (FormatProblem(format) is { } problem)
            return problem;
        if (!http.HasFormContentType)
            return Error(StatusCodes.Status400BadRequest, "Send the request as application/x-www-form-urlencoded (or multipart/form-data) fields.");
        var form = await http.ReadFormAsync(ct);
        string? Field(string name) => ReportRules.Clean(form[name]);
        if (Field("api_key") is not { } apiKey)
            return Error(StatusCodes.Status403Forbidden, "api_key is required to create a service request; ask the GridMap operators for one.");
        if (await open311.ClientAsync(apiKey, ct) is not { } client)
            return Error(StatusCodes.Status403Forbidden, "Invalid api_key received: it is unknown or revoked.");

        var address = Field("address_string");
        double? lat, lon;
        if (Field("lat") is null && Field("long") is null && Field("address_id") is { } addressId)
        {
            // No point: the address_id is a village code (GridMap's, or the 2023 statistical one other systems use).
            var (placed, refusal) = await PlaceByVillageCodeAsync(addressId, address, divisions, ct);
            if (placed is null)
                return Error(StatusCodes.Status400BadRequest, refusal!);
            (lon, lat) = (placed.Lon, placed.Lat);
            address ??= $"{placed.Village.Name}（address_id {addressId}）";
        }
        else if (!TryNumber(Field("lat"), out lat) || !TryNumber(Field("long"), out lon))
        {
            return Error(StatusCodes.Status400BadRequest, Field("address_string") is null
                ? "lat and long are required (decimal degrees), or an address_id holding a village code."
                : "lat and long are required (decimal degrees): GridMap routes a request by its point, or by an address_id holding a village code, not by address_string alone.");
        }
        var name = string.Join(' ', new[] { Field("first_name"), Field("last_name") }.Where(n => n is not null));
        var key = http.Headers["Idempotency-Key"].ToString() is { Length: > 0 } header ? header : null;
        var description = Field("description");
        var phone = Field("phone");
        if (ReportRules.Check(Field("service_code"), description, lon, lat, address, name.Length == 0 ? null : name, phone, key, keyRequired: false,
                "service_code", "long", "lat") is { } invalid)
            return Error(StatusCodes.Status400BadRequest, invalid);
        var email = Field("email");
        if (email is not null && (email.Length > 254 || !email.Contains('@')))
            return Error(StatusCodes.Status400BadRequest, "email is not an e-mail address.");

        // Keys are namespaced by client, so one client's key can never answer with another client's request.
        var report = new NewReport(Field("service_code")!, description!, lon, lat, EventChannels.Open311, key is null ? null : $"o311:{client.Id}:{key}",
            Address: address, ContactName: name.Length == 0 ? null : name, ContactPhone: phone);
        var receipt = await events.IntakeAsync(null, $"open311:{client.Name}", report, ct);
        // Open311 answers in its own error shape, not problem+json; every refusal but a full queue is the client's to fix (400).
        if (receipt.Problem is { Code: IntakeProblem.Busy, RetryAfter: { } wait } busy)
        {
            http.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Error(StatusCodes.Status503ServiceUnavailable, busy.Message);
        }
        if (receipt.Problem is { } refused)
            return Error(StatusCodes.Status400BadRequest, refused.Code == IntakeProblem.UnknownCategory
                    ? $"service_code '{report.Category}' is not a service; GET /open311/v2/services.json lists them."
                    : refused.Message);
        var taken = receipt.Value!;
        Open311Receipt[] body = [new(taken.TrackingNo, Notice(taken.HandleWorkingDays), null)];
        return taken.Created ? TypedResults.Created($"/open311/v2/requests/{taken.TrackingNo}.json", body) : TypedResults.Ok(body);
    }

    public static async Task<Results<Ok<Open311Request[]>, JsonHttpResult<Open311Error[]>>> Requests(string format, string? service_request_id,
        string? service_code, string? start_date, string? end_date, string? status, Open311Store open311, TimeProvider clock, CancellationToken ct)
    {
        if (FormatProblem(format) is { } problem)
            return problem;
        if (!TryList(service_request_id, 100, out var ids) || ids?.Any(id => !TrackingNumbers.IsWellFormed(id)) == true)
            return Error(StatusCodes.Status400BadRequest, "service_request_id is a comma-separated list of up to 100 ids like GM-7K2P-Q9XD.");
        if (!TryList(service_code, 50, out var codes) || codes?.Any(c => c.Length != 4 || !c.All(char.IsAsciiDigit)) == true)
            return Error(StatusCodes.Status400BadRequest, "service_code is a comma-separated list of 4-digit service codes.");
        if (!TryDate(start_date, out var start) || !TryDate(end_date, out var end))
            return Error(StatusCodes.Status400BadRequest, "start_date and end_date are W3C date-times, e.g. 2026-11-01T00:00:00+08:00.");
        if (!TryList(status, 2, out var statuses) || statuses?.Any(s => s is not ("open" or "closed")) == true)
            return Error(StatusCodes.Status400BadRequest, "status is open, closed, or open,closed.");
        // The spec's window: the last 90 days by default, 90 days from start_date or up to end_date, never wider.
        var to = end ?? (start is { } given ? given + DefaultWindow : clock.GetUtcNow());
        var from = start ?? to - DefaultWindow;
        if (from > to)
            return Error(StatusCodes.Status400BadRequest, "start_date is after end_date.");
        if (to - from > DefaultWindow)
            return Error(StatusCodes.Status400BadRequest, $"start_date to end_date spans at most {DefaultWindow.TotalDays:0} days.");
        bool? closed = statuses is null || statuses.Distinct().Count() == 2 ? null : statuses[0] == "closed";
        var rows = await open311.RequestsAsync(new ServiceRequestQuery(ids?.Select(i => i.ToUpperInvariant()).ToArray(), from, to, codes, closed, MaxRequests), ct);
        return TypedResults.Ok(rows.Select(ToRequest).ToArray());
    }

    public static async Task<Results<Ok<Open311Request[]>, JsonHttpResult<Open311Error[]>>> Request(string id, string format, Open311Store open311,
        CancellationToken ct)
    {
        if (FormatProblem(format) is { } problem)
            return problem;
        if (!TrackingNumbers.IsWellFormed(id))
            return Error(StatusCodes.Status400BadRequest, $"'{CodeRoute.Truncate(id)}' is not a service_request_id: GM- and two groups of 4 letters or digits.");
        var rows = await open311.RequestsAsync(new ServiceRequestQuery([id.ToUpperInvariant()], default, default, null, null, 1), ct);
        return rows.Count == 0
            ? Error(StatusCodes.Status404NotFound, $"No service request {id.ToUpperInvariant()}.")
            : TypedResults.Ok(rows.Select(ToRequest).ToArray());
    }

    /// <summary>
    /// A request without a point, placed at the label point of the village its address_id names. A merged 2023 village
    /// code covers several GridMap villages: the address_string must then name one of them, or the request is refused
    /// with the candidates (nothing is guessed).
    /// </summary>
    private static async Task<(VillageMatch? Placed, string? Refusal)> PlaceByVillageCodeAsync(string addressId, string? address,
        DivisionCodeStore divisions, CancellationToken ct)
    {
        if (addressId.Length != 12 || !addressId.All(char.IsAsciiDigit))
            return (null, "address_id is a 12-digit village code (GridMap's or the 2023 statistical one); otherwise send lat and long.");
        var matches = await divisions.VillagesForAsync(addressId, ct);
        if (matches.Count == 0)
            return (null, $"address_id {addressId} is neither a GridMap village code nor a 2023 statistical village code of Shanxi; send lat and long.");
        var place = VillagePlacement.Place([.. matches.Select(m => m.Village)], address, knownVillage: null);
        if (place is null)
            return (null, $"address_id {addressId} covers {matches.Count} villages ({VillagePlacement.Describe([.. matches.Select(m => m.Village)])}); " +
                "send lat and long, or an address_string naming the village.");
        return (matches.Single(m => m.Village.Code == place.Village.Code), null);
    }

    /// <summary>Every Open311 error leaves through here: the spec's array with the HTTP status it names.</summary>
    public static JsonHttpResult<Open311Error[]> Error(int status, string description) =>
        TypedResults.Json<Open311Error[]>([new(status, description)], statusCode: status);

    private static JsonHttpResult<Open311Error[]>? FormatProblem(string format) => format switch
    {
        "json" => null,
        "xml" => Error(StatusCodes.Status400BadRequest, "GridMap serves Open311 as JSON only: use .json instead of .xml."),
        _ => Error(StatusCodes.Status400BadRequest, $"Unknown format '.{CodeRoute.Truncate(format)}': use .json."),
    };

    private static Open311Service ToService(EventCategoryInfo c) => new(c.Code, c.Name,
        $"{c.NameEn}. {Notice(c.HandleWorkingDays)}{(c.Urgent ? " Urgent: registered and dispatched within 10 working minutes." : "")}",
        false, "realtime", string.Join(',', new[] { c.MajorName, c.Name, c.NameEn }), c.MajorName);

    private static Open311Request ToRequest(ServiceRequestRow r)
    {
        var cst = Domain.Events.WorkingCalendar.ChinaStandardTime;
        return new Open311Request(r.TrackingNo, r.Closed ? "closed" : "open", StatusNotes(r.State), r.ServiceName, r.ServiceCode, r.Description,
            r.Agency, Notice(r.HandleWorkingDays), r.ReportedAt.ToOffset(cst), r.UpdatedAt.ToOffset(cst), r.ExpectedAt?.ToOffset(cst), r.Address, null,
            null, Math.Round(r.Lat, 7), Math.Round(r.Lon, 7), null);
    }

    private static string Notice(int workingDays) => $"处置时限 {workingDays} 个工作日 / handled within {workingDays} working days.";

    private static string StatusNotes(string state) => state switch
    {
        "Reported" => "Received; waiting to be accepted.",
        "Accepted" => "Accepted; being registered.",
        "Registered" => "Registered; being dispatched.",
        "Dispatched" or "Handling" => "Dispatched to the responsible unit; being handled.",
        "FeedbackGiven" or "Verifying" => "Handled; waiting for on-site verification.",
        "Rework" => "Verification failed; being handled again.",
        "Suspended" => "Suspended for now.",
        "Rejected" => "Rejected: not a valid report, or a duplicate of an earlier one.",
        "Voided" => "Voided.",
        "Closed" => "Closed after on-site verification.",
        _ => state,
    };

    private static bool TryNumber(string? text, out double? value)
    {
        value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        return value is not null;
    }

    private static bool TryDate(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
            return true;
        if (!DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return false;
        value = parsed;
        return true;
    }

    private static bool TryList(string? text, int max, out string[]? values)
    {
        values = string.IsNullOrWhiteSpace(text) ? null : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return values is null || values.Length is > 0 && values.Length <= max;
    }
}
