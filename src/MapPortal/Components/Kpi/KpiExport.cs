using GridMap.MapPortal.Account;
using GridMap.MapPortal.GeoApi;

namespace GridMap.MapPortal.Components.Kpi;

/// <summary>
/// <c>/kpi/export/{unit}?format=csv|xlsx&amp;year=&amp;month=</c>: the KPI table for a signed-in person, and <c>/assessment/export/{unit}/{kind}?format=</c>
/// the assessment's CSV or .xlsx. The browser holds no GeoApi token, so
/// the portal fetches the file with the person's token and hands it over unchanged; GeoApi decides what they may see.
/// </summary>
public static class KpiExport
{
    public static IEndpointRouteBuilder MapKpiExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/kpi/export/{unit}", async (string unit, string? format, int? year, int? month, HttpContext http, GeoApiClient api, TimeProvider time,
            CancellationToken ct) =>
        {
            var token = http.User.FindFirst(PortalAccount.TokenClaim)?.Value;
            if (token is null)
                return Results.Unauthorized();
            var xlsx = format == "xlsx";
            var (from, to) = KpiPeriod.Of(year, month, time);
            var file = await api.GetKpiFileAsync(unit, xlsx ? "xlsx" : "csv", from, to, token, ct);
            return file.Value is { } bytes
                ? Results.File(bytes, xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
                    $"kpi-{unit}-{from:yyyyMM}-{to:yyyyMM}.{(xlsx ? "xlsx" : "csv")}")
                : Results.Problem(file.Error, statusCode: file.Status ?? 502);
        }).RequireAuthorization();
        // The command centre's event list with its filters (area, major class, open only, level, age in days) as .xlsx.
        app.MapGet("/command/export", async (string area, string? category, string? status, int? level, int? days, HttpContext http, GeoApiClient api,
            TimeProvider time, CancellationToken ct) =>
        {
            var token = http.User.FindFirst(PortalAccount.TokenClaim)?.Value;
            if (token is null)
                return Results.Unauthorized();
            var since = days is > 0 and <= 366 ? time.GetUtcNow().AddDays(-days.Value) : (DateTimeOffset?)null;
            var file = await api.GetEventListFileAsync(token, area, category, status != "all", level, since, ct);
            return file.Value is { } bytes
                ? Results.File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"events-{area}.xlsx")
                : Results.Problem(file.Error, statusCode: file.Status ?? 502);
        }).RequireAuthorization();
        app.MapGet("/assessment/export/{unit}/{kind}", async (string unit, string kind, string? format, int? year, int? month, HttpContext http, GeoApiClient api,
            TimeProvider time, CancellationToken ct) =>
        {
            var token = http.User.FindFirst(PortalAccount.TokenClaim)?.Value;
            if (token is null)
                return Results.Unauthorized();
            if (kind is not ("grid-managers" or "handlers") || format is not ("csv" or "xlsx"))
                return Results.Problem("kind is grid-managers or handlers, format csv or xlsx.", statusCode: 400);
            var (from, to) = KpiPeriod.Of(year, month, time);
            var file = await api.GetAssessmentFileAsync(unit, kind, format, from, to, token, ct);
            return file.Value is { } bytes
                ? Results.File(bytes, format == "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    $"{kind}-{unit}-{from:yyyyMM}-{to:yyyyMM}.{format}")
                : Results.Problem(file.Error, statusCode: file.Status ?? 502);
        }).RequireAuthorization();
        return app;
    }
}

/// <summary>The page's period: a whole year, or one month of it.</summary>
public static class KpiPeriod
{
    public static (DateOnly From, DateOnly To) Of(int? year, int? month, TimeProvider time)
    {
        var y = year is >= 2000 and <= 2100 ? year.Value : time.GetUtcNow().Year;
        return month is >= 1 and <= 12
            ? (new DateOnly(y, month.Value, 1), new DateOnly(y, month.Value, DateTime.DaysInMonth(y, month.Value)))
            : (new DateOnly(y, 1, 1), new DateOnly(y, 12, 31));
    }
}
