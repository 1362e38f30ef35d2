using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridMap.Domain.Codes;
using Microsoft.Extensions.Options;

namespace GridMap.MapPortal.GeoApi;

public sealed record UnitRefDto(string Code, string Name, AdminLevel Level);

public sealed record UnitDto(
    string Code, string Name, AdminLevel Level, IReadOnlyList<UnitRefDto> Chain, int ChildCount, int GridCount,
    int ManagerCount, int VacantCount, double AreaM2, int? Households, bool Urban, string BoundarySource, double[] Bbox, double[] LabelPoint);

public sealed record ChildDto(
    string Code, string Name, AdminLevel Level, int GridCount, int ManagerCount, int VacantCount, double AreaM2,
    int? Households, bool Urban, string? ManagerName, double[] LabelPoint);

public sealed record ChildrenDto(string Code, int Count, IReadOnlyList<ChildDto> Children);

public sealed record SearchHitDto(string Code, string Name, AdminLevel Level, string Path);

public sealed record SearchResultDto(string Query, IReadOnlyList<SearchHitDto> Results);

public sealed record LocateGridDto(string Code, string Name, bool Vacant, string? ManagerName, double AreaM2, int Households);

public sealed record LocateResultDto(double[] Point, LocateGridDto Grid, IReadOnlyList<UnitRefDto> Chain);

public sealed record GridManagerDto(string Name, string PhoneMasked, DateOnly AppointedOn);

public sealed record GridPropertiesDto(string Code, string Name, int Sequence, UnitRefDto Village, bool Vacant, GridManagerDto? Manager,
    double AreaM2, int Households, IReadOnlyList<string> Neighbours, GridPopulationDto? Population = null);

public sealed record GridFeatureDto(string Id, GridPropertiesDto Properties);

/// <summary>
/// An answer from GeoApi: the value, or the problem's message fit to show a person (and the whole problem, for pages
/// that show its extensions, e.g. a refused publish's violations).
/// </summary>
public sealed record ApiResult<T>(T? Value, string? Error, int? Status = null, JsonElement? Problem = null)
{
    public bool Ok => Error is null;
    public bool NotFound => Status == 404;
}

/// <summary>Typed client for the GeoApi endpoints the portal reads.</summary>
public sealed partial class GeoApiClient(HttpClient http)
{
    // Uploads may take minutes; the shared client's 10-second timeout is for reads.
    private static readonly HttpClient Uploads = new() { Timeout = TimeSpan.FromMinutes(15) };

    // A sign-in hashes the password and writes a token; on a loaded server that can take longer than a read, and the
    // person waiting on the form is better served by a late answer than by "unavailable".
    private static readonly HttpClient SignIns = new() { Timeout = TimeSpan.FromSeconds(45) };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public Task<ApiResult<UnitDto>> GetUnitAsync(string code, CancellationToken ct = default) =>
        GetAsync<UnitDto>($"api/units/{Uri.EscapeDataString(code)}", ct);

    public Task<ApiResult<ChildrenDto>> GetChildrenAsync(string code, CancellationToken ct = default) =>
        GetAsync<ChildrenDto>($"api/units/{Uri.EscapeDataString(code)}/children", ct);

    public Task<ApiResult<GridFeatureDto>> GetGridAsync(string code, CancellationToken ct = default) =>
        GetAsync<GridFeatureDto>($"api/grids/{Uri.EscapeDataString(code)}", ct);

    public Task<ApiResult<SearchResultDto>> SearchAsync(string query, int limit = 10, CancellationToken ct = default) =>
        GetAsync<SearchResultDto>($"api/search?q={Uri.EscapeDataString(query)}&limit={limit}", ct);

    public Task<ApiResult<LocateResultDto>> LocateAsync(double lon, double lat, CancellationToken ct = default) =>
        GetAsync<LocateResultDto>(FormattableString.Invariant($"api/locate?lon={lon:R}&lat={lat:R}"), ct);

    /// <summary>The outline as GeoJSON text, handed to the map as is.</summary>
    public Task<ApiResult<string>> GetGeometryAsync(string code, CancellationToken ct = default) =>
        GetTextAsync($"api/units/{Uri.EscapeDataString(code)}/geometry", ct);

    /// <summary>Vacant grids' label points in the whole province, as GeoJSON text for the map.</summary>
    public Task<ApiResult<string>> GetVacantPointsAsync(CancellationToken ct = default) => GetTextAsync("api/grids/vacant", ct);

    private async Task<ApiResult<string>> GetTextAsync(string path, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(path, ct);
            return response.IsSuccessStatusCode
                ? new(await response.Content.ReadAsStringAsync(ct), null)
                : new(null, await TryReadProblem(response, ct) ?? $"GeoApi answered {(int)response.StatusCode}.");
        }
        catch (HttpRequestException e)
        {
            return new(null, $"GeoApi is unreachable ({e.Message}).");
        }
    }

    /// <summary>
    /// Signs in at GeoApi for a person at <paramref name="clientAddress"/>: sent as X-Forwarded-For, so GeoApi's
    /// per-address throttling counts the browser, not the portal (GeoApi trusts the header from loopback proxies only).
    /// </summary>
    public Task<ApiResult<TokenDto>> IssueTokenAsync(string username, string password, string? code = null, string? clientAddress = null,
        CancellationToken ct = default) =>
        SendAsync<TokenDto>(HttpMethod.Post, "api/auth/token", null, new { username, password, code }, ct, clientAddress, SignIns);

    public Task<ApiResult<SecondFactorStateDto>> SecondFactorStatusAsync(string token, CancellationToken ct = default) =>
        SendAsync<SecondFactorStateDto>(HttpMethod.Get, "api/auth/totp", token, null, ct);

    public Task<ApiResult<SecondFactorSecretDto>> BeginSecondFactorAsync(string token, CancellationToken ct = default) =>
        SendAsync<SecondFactorSecretDto>(HttpMethod.Post, "api/auth/totp", token, null, ct);

    public Task<ApiResult<AccountDto>> ConfirmSecondFactorAsync(string token, string code, CancellationToken ct = default) =>
        SendAsync<AccountDto>(HttpMethod.Post, "api/auth/totp/confirm", token, new { code }, ct);

    public Task<ApiResult<JsonElement>> ChangePasswordAsync(string token, string currentPassword, string newPassword, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, "api/auth/password", token, new { currentPassword, newPassword }, ct);

    public Task<ApiResult<JsonElement>> LogoutAsync(string token, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, "api/auth/logout", token, null, ct);

    public Task<ApiResult<List<BuildingHitDto>>> SearchBuildingsAsync(string query, string token, CancellationToken ct = default) =>
        SendAsync<List<BuildingHitDto>>(HttpMethod.Get, $"api/buildings/search?q={Uri.EscapeDataString(query)}", token, null, ct);

    public Task<ApiResult<BuildingCardDto>> GetBuildingAsync(string code, string token, CancellationToken ct = default) =>
        SendAsync<BuildingCardDto>(HttpMethod.Get, $"api/buildings/{Uri.EscapeDataString(code)}", token, null, ct);

    public Task<ApiResult<UnmaskedDto>> UnmaskAsync(long personId, string purpose, string token, CancellationToken ct = default) =>
        SendAsync<UnmaskedDto>(HttpMethod.Post, $"api/people/{personId}/unmask", token, new { purpose }, ct);

    public Task<ApiResult<List<VisitDueDto>>> GetVisitsDueAsync(string token, int limit, CancellationToken ct = default) =>
        SendAsync<List<VisitDueDto>>(HttpMethod.Get, $"api/special-groups?limit={limit}&purpose={Uri.EscapeDataString("visit list")}", token, null, ct);

    public Task<ApiResult<AuditPageDto>> GetAuditAsync(string token, string? actor, long? before, CancellationToken ct = default) =>
        SendAsync<AuditPageDto>(HttpMethod.Get,
            $"api/audit?limit=50{(actor is { Length: > 0 } ? "&actor=" + Uri.EscapeDataString(actor) : "")}{(before is { } b ? $"&before={b}" : "")}", token, null, ct);

    public Task<ApiResult<LatestPeriodDto>> GetLatestKpiPeriodAsync(string unit, string token, CancellationToken ct = default) =>
        SendAsync<LatestPeriodDto>(HttpMethod.Get, $"api/kpi/{Uri.EscapeDataString(unit)}/latest", token, null, ct);

    public Task<ApiResult<KpiReportDto>> GetKpiAsync(string unit, DateOnly from, DateOnly to, string token, CancellationToken ct = default) =>
        SendAsync<KpiReportDto>(HttpMethod.Get, $"api/kpi/{Uri.EscapeDataString(unit)}?{KpiPeriod(from, to)}", token, null, ct);

    public Task<ApiResult<WallBoardDto>> GetWallAsync(string unit, string token, CancellationToken ct = default) =>
        SendAsync<WallBoardDto>(HttpMethod.Get, $"api/kpi/{Uri.EscapeDataString(unit)}/wall", token, null, ct);

    public Task<ApiResult<AssessmentDto>> GetAssessmentAsync(string unit, DateOnly from, DateOnly to, string token, CancellationToken ct = default) =>
        SendAsync<AssessmentDto>(HttpMethod.Get, $"api/kpi/{Uri.EscapeDataString(unit)}/assessment?{KpiPeriod(from, to)}", token, null, ct);

    public Task<ApiResult<ContainmentReportDto>> GetContainmentAsync(string unit, DateOnly from, DateOnly to, string token, CancellationToken ct = default) =>
        SendAsync<ContainmentReportDto>(HttpMethod.Get, $"api/disputes/containment/{Uri.EscapeDataString(unit)}?{KpiPeriod(from, to)}", token, null, ct);

    /// <summary>The CSV export as GeoApi sends it (UTF-8 with a BOM), for the portal to hand to the browser.</summary>
    /// <summary>The KPI table as a file: format csv or xlsx.</summary>
    public Task<ApiResult<byte[]>> GetKpiFileAsync(string unit, string format, DateOnly from, DateOnly to, string token, CancellationToken ct = default) =>
        GetFileAsync($"api/kpi/{Uri.EscapeDataString(unit)}?format={format}&{KpiPeriod(from, to)}", token, ct);

    public Task<ApiResult<GridManagerReportDto>> GetGridManagerAssessmentAsync(string unit, DateOnly from, DateOnly to, string token, CancellationToken ct = default) =>
        SendAsync<GridManagerReportDto>(HttpMethod.Get, $"api/assessment/{Uri.EscapeDataString(unit)}/grid-managers?{KpiPeriod(from, to)}", token, null, ct);

    public Task<ApiResult<HandlerReportDto>> GetHandlerIndicatorsAsync(string unit, DateOnly from, DateOnly to, string token, CancellationToken ct = default) =>
        SendAsync<HandlerReportDto>(HttpMethod.Get, $"api/assessment/{Uri.EscapeDataString(unit)}/handlers?{KpiPeriod(from, to)}", token, null, ct);

    /// <summary>An assessment export (kind grid-managers or handlers, format csv or xlsx) as GeoApi sends it.</summary>
    public Task<ApiResult<byte[]>> GetAssessmentFileAsync(string unit, string kind, string format, DateOnly from, DateOnly to, string token, CancellationToken ct = default) =>
        GetFileAsync($"api/assessment/{Uri.EscapeDataString(unit)}/{Uri.EscapeDataString(kind)}?format={Uri.EscapeDataString(format)}&{KpiPeriod(from, to)}", token, ct);

    private async Task<ApiResult<byte[]>> GetFileAsync(string path, string token, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
            return response.IsSuccessStatusCode
                ? new(await response.Content.ReadAsByteArrayAsync(ct), null, 200)
                : new(null, await TryReadProblem(response, ct) ?? $"GeoApi answered {(int)response.StatusCode}.", (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return new(null, $"GeoApi is unreachable ({e.Message}).");
        }
    }

    private static string KpiPeriod(DateOnly from, DateOnly to) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");

    public Task<ApiResult<AuditVerificationDto>> VerifyAuditAsync(string token, CancellationToken ct = default) =>
        SendAsync<AuditVerificationDto>(HttpMethod.Get, "api/audit/verify", token, null, ct);

    /// <summary>Uploads a department list; 200 carries the finished report, 202 the running import's status.</summary>
    public async Task<ApiResult<JsonElement>> UploadImportAsync(string department, string fileName, Stream csv, string token, CancellationToken ct = default)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post,
                new Uri(http.BaseAddress!, $"api/imports/{Uri.EscapeDataString(department)}?fileName={Uri.EscapeDataString(fileName)}"))
            {
                Content = new StreamContent(csv),
            };
            request.Content.Headers.ContentType = new("text/csv") { CharSet = "utf-8" };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await Uploads.SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
                return new(await response.Content.ReadFromJsonAsync<JsonElement>(Json, ct), null, (int)response.StatusCode);
            return new(default, await TryReadProblem(response, ct) ?? $"GeoApi answered {(int)response.StatusCode}.", (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return new(default, $"GeoApi is unreachable ({e.Message}).");
        }
    }

    public Task<ApiResult<ImportStatusDto>> GetImportAsync(long id, string token, CancellationToken ct = default) =>
        SendAsync<ImportStatusDto>(HttpMethod.Get, $"api/imports/{id}", token, null, ct);

    public Task<ApiResult<List<ImportIssueDto>>> GetImportIssuesAsync(long id, string token, CancellationToken ct = default) =>
        SendAsync<List<ImportIssueDto>>(HttpMethod.Get, $"api/imports/{id}/issues?limit=200", token, null, ct);

    /// <summary>Events in an area, most recently changed first; filters are the events API's (null means any).</summary>
    public Task<ApiResult<List<EventSummaryDto>>> ListEventsAsync(string token, string area, string? category, bool openOnly, int? level,
        DateTimeOffset? since, int limit = 500, CancellationToken ct = default) =>
        SendAsync<List<EventSummaryDto>>(HttpMethod.Get, "api/events?" + EventListQuery(area, category, openOnly, level, since, limit), token, null, ct);

    /// <summary>The same list as an .xlsx file (at most 5,000 events).</summary>
    public Task<ApiResult<byte[]>> GetEventListFileAsync(string token, string area, string? category, bool openOnly, int? level, DateTimeOffset? since,
        CancellationToken ct = default) =>
        GetFileAsync("api/events?format=xlsx&" + EventListQuery(area, category, openOnly, level, since, 5000), token, ct);

    private static string EventListQuery(string area, string? category, bool openOnly, int? level, DateTimeOffset? since, int limit)
    {
        var query = new List<string> { $"area={Uri.EscapeDataString(area)}", $"limit={limit}" };
        if (category is not null)
            query.Add($"category={Uri.EscapeDataString(category)}");
        if (openOnly)
            query.Add("open=true");
        if (level is { } l)
            query.Add($"level={l}");
        if (since is { } s)
            query.Add($"since={Uri.EscapeDataString(s.ToString("O"))}");
        return string.Join('&', query);
    }

    public Task<ApiResult<List<ReplayStepDto>>> GetReplayAsync(string area, DateOnly date, string token, CancellationToken ct = default) =>
        SendAsync<List<ReplayStepDto>>(HttpMethod.Get, $"api/events/replay?area={Uri.EscapeDataString(area)}&date={date:yyyy-MM-dd}", token, null, ct);

    /// <summary>A call on behalf of the signed-in person: their bearer token goes with it, GeoApi decides what they see.</summary>
    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, string? token, object? body, CancellationToken ct,
        string? forwardedFor = null, HttpClient? via = null)
    {
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(http.BaseAddress!, path));
            if (token is not null)
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            if (body is not null)
                request.Content = JsonContent.Create(body);
            if (forwardedFor is not null)
                request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await (via ?? http).SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
                return response.Content.Headers.ContentLength == 0
                    ? new(default, null, (int)response.StatusCode)
                    : new(await response.Content.ReadFromJsonAsync<T>(Json, ct), null, (int)response.StatusCode);
            var problem = await ReadProblemAsync(response, ct);
            return new(default, Message(problem) ?? $"GeoApi answered {(int)response.StatusCode} {response.ReasonPhrase}.", (int)response.StatusCode, problem);
        }
        catch (HttpRequestException e)
        {
            return new(default, $"GeoApi is unreachable ({e.Message}).");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(default, "GeoApi did not answer in time.");
        }
    }

    public async Task<bool> IsReachableAsync(CancellationToken ct = default)
    {
        try
        {
            using var response = await http.GetAsync("health", ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, null, ct);

    private static async Task<string?> TryReadProblem(HttpResponseMessage response, CancellationToken ct) =>
        Message(await ReadProblemAsync(response, ct));

    private static async Task<JsonElement?> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, ct);
            return problem.ValueKind == JsonValueKind.Object ? problem : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Message(JsonElement? problem) =>
        problem is not { } p ? null
        : p.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString()
        : p.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String ? title.GetString() : null;
}

public static class GeoApiClientSetup
{
    public static IServiceCollection AddGeoApiClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GeoApiOptions>().Bind(configuration.GetSection(GeoApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<GeoApiClient>((sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<GeoApiOptions>>().Value.BaseUrl.TrimEnd('/') + "/");
            http.Timeout = TimeSpan.FromSeconds(10);
        });
        return services;
    }

    /// <summary><c>GET /health</c>: the portal is up; says whether GeoApi answers.</summary>
    public static IEndpointRouteBuilder MapPortalHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (GeoApiClient api, CancellationToken ct) =>
            TypedResults.Ok(new { service = "portal", status = "healthy", geoApi = await api.IsReachableAsync(ct) ? "reachable" : "unreachable" }));
        return app;
    }
}
