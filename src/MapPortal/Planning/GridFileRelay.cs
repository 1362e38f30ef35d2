using GridMap.MapPortal.Account;
using GridMap.MapPortal.GeoApi;

namespace GridMap.MapPortal.Planning;

/// <summary>
/// Grid file downloads for the planning page: a plain link the browser can save, answered with the sign-in cookie and
/// forwarded to GeoApi's export with the person's token (GeoApi decides who may export which unit).
/// </summary>
public static class GridFileRelay
{
    public static IEndpointRouteBuilder MapGridFileRelay(this IEndpointRouteBuilder app)
    {
        app.MapGet("/portal-api/planning/export", ExportAsync).RequireAuthorization();
        return app;
    }

    /// <summary>The relay's address for one unit and format.</summary>
    public static string Link(string unit, string format) =>
        $"/portal-api/planning/export?unit={Uri.EscapeDataString(unit)}&format={Uri.EscapeDataString(format)}";

    private static async Task<IResult> ExportAsync(string? unit, string? format, HttpContext http, GeoApiClient api, CancellationToken ct)
    {
        var token = http.User.FindFirst(PortalAccount.TokenClaim)?.Value ?? "";
        var path = $"api/planning/export?unit={Uri.EscapeDataString(unit ?? "")}&format={Uri.EscapeDataString(format ?? "")}";
        if (await api.RelayAsync(HttpMethod.Get, path, token, null, ct) is not { } answer)
            return Results.Problem("GeoApi is unreachable; try the download again.", statusCode: 503);
        if (answer.Status != 200)
            return Results.Text(System.Text.Encoding.UTF8.GetString(answer.Body), answer.ContentType ?? "application/problem+json", statusCode: answer.Status);
        var extension = format switch { "gpkg" => ".gpkg", "shapefile" => ".zip", _ => ".geojson" };
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(answer.Body, answer.ContentType ?? "application/octet-stream", $"grids-{unit}{extension}");
    }
}
