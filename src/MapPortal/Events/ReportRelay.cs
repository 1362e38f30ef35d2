using System.Net.Http.Headers;
using System.Text.Json;
using GridMap.MapPortal.Account;
using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.Antiforgery;

namespace GridMap.MapPortal.Events;

/// <summary>
/// Plain HTTP endpoints for the browser's offline report queue. A queued report must go out whenever the phone is back
/// online, whether or not the Blazor circuit still exists, so the queue posts here with the sign-in cookie and an
/// antiforgery header, and the portal forwards to GeoApi with the person's token. GeoApi's answer (201/200 card,
/// problem+json) comes back as is; GeoApi makes a repeated idempotency key return the first event.
/// </summary>
public static class ReportRelay
{
    public const string Prefix = "/portal-api";
    private const int MaxReportBytes = 16 * 1024;
    private const long MaxPhotoBytes = 5 * 1024 * 1024;

    public static IEndpointRouteBuilder MapReportRelay(this IEndpointRouteBuilder app)
    {
        var relay = app.MapGroup(Prefix).RequireAuthorization().DisableAntiforgery();
        relay.MapGet("/antiforgery", Token);
        relay.MapPost("/reports", ReportAsync);
        relay.MapPost("/events/{id:long}/photos", AddPhotoAsync)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxPhotoBytes + 1));
        relay.MapGet("/events/{id:long}/photos/{photoId:long}", GetPhotoAsync);
        return app;
    }

    /// <summary>A request token for the queue's next sends; only same-origin script can read it.</summary>
    private static IResult Token(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Ok(new { header = tokens.HeaderName, token = tokens.RequestToken });
    }

    private static async Task<IResult> ReportAsync(HttpContext http, IAntiforgery antiforgery, GeoApiClient api, CancellationToken ct)
    {
        if (await Refuse(http, antiforgery) is { } refused)
            return refused;
        if (http.Request.ContentLength is > MaxReportBytes)
            return Results.Problem("A report is at most 16 KB of JSON; photos are sent separately.", statusCode: 413);
        byte[] body;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return Results.Problem("A report is a JSON object.", statusCode: 400);
            body = JsonSerializer.SerializeToUtf8Bytes(document.RootElement);
        }
        catch (JsonException)
        {
            return Results.Problem("A report is a JSON object.", statusCode: 400);
        }
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Relayed(await api.RelayAsync(HttpMethod.Post, "api/events", TokenOf(http), content, ct));
    }

    private static async Task<IResult> AddPhotoAsync(long id, HttpContext http, IAntiforgery antiforgery, GeoApiClient api, CancellationToken ct)
    {
        if (await Refuse(http, antiforgery) is { } refused)
            return refused;
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxPhotoBytes)
            return Results.Problem("A photo is at most 5 MB.", statusCode: 413);
        var content = new ByteArrayContent(buffer.ToArray());
        if (http.Request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var parsed))
            content.Headers.ContentType = parsed;
        return Relayed(await api.RelayAsync(HttpMethod.Post, $"api/events/{id}/photos", TokenOf(http), content, ct));
    }

    private static async Task<IResult> GetPhotoAsync(long id, long photoId, HttpContext http, GeoApiClient api, CancellationToken ct)
    {
        var answer = await api.RelayAsync(HttpMethod.Get, $"api/events/{id}/photos/{photoId}", TokenOf(http), null, ct);
        if (answer is { Status: 200 } photo)
        {
            http.Response.Headers.CacheControl = "private, max-age=3600";
            return Results.File(photo.Body, photo.ContentType ?? "application/octet-stream");
        }
        return Relayed(answer);
    }

    private static async Task<IResult?> Refuse(HttpContext http, IAntiforgery antiforgery)
    {
        if (TokenOf(http).Length == 0)
            return Results.Problem("Sign in again to send queued reports.", statusCode: 401);
        return await antiforgery.IsRequestValidAsync(http)
            ? null
            : Results.Problem("The request token is missing or stale; the queue fetches a new one and tries again.", statusCode: 400,
                extensions: new Dictionary<string, object?> { ["antiforgery"] = true });
    }

    private static string TokenOf(HttpContext http) => http.User.FindFirst(PortalAccount.TokenClaim)?.Value ?? "";

    private static IResult Relayed((int Status, string? ContentType, byte[] Body)? answer) => answer is { } a
        ? Results.Text(System.Text.Encoding.UTF8.GetString(a.Body), a.ContentType ?? "application/json", statusCode: a.Status)
        : Results.Problem("GeoApi is unreachable; the report stays queued and is sent again.", statusCode: 503);
}
