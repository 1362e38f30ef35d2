namespace GridMap.MapPortal.GeoApi;

public sealed record PublicReceiptDto(string TrackingNo);

public sealed record TrackingStepDto(DateTimeOffset At, string Action, string State, string By);

public sealed record TrackingDto(string TrackingNo, string Category, string CategoryEn, string State, string Village, string Township,
    DateTimeOffset ReportedAt, DateTimeOffset? FinishedAt, DateTimeOffset? Due, IReadOnlyList<TrackingStepDto> Steps)
{
    /// <summary>The role of whoever holds the current step (the public sees a role, never a name).</summary>
    public string? HeldByRole { get; init; }
}

/// <summary>The public side of events: the anonymous report form and the tracker (no token).</summary>
public sealed partial class GeoApiClient
{
    /// <summary>
    /// Sends a public report on behalf of the browser at <paramref name="clientAddress"/>: GeoApi limits reports per
    /// address and trusts X-Forwarded-For from the portal (a known proxy), so each person gets their own allowance.
    /// </summary>
    public async Task<ApiResult<PublicReceiptDto>> SubmitPublicReportAsync(object report, string? clientAddress, CancellationToken ct = default)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/public/reports") { Content = System.Net.Http.Json.JsonContent.Create(report) };
            if (clientAddress is not null)
                request.Headers.Add("X-Forwarded-For", clientAddress);
            using var response = await http.SendAsync(request, ct);
            return response.IsSuccessStatusCode
                ? new(await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<PublicReceiptDto>(response.Content, Json, ct), null, (int)response.StatusCode)
                : new(default, await TryReadProblem(response, ct) ?? $"GeoApi answered {(int)response.StatusCode}.", (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return new(default, $"GeoApi is unreachable ({e.Message}).");
        }
    }

    public Task<ApiResult<TrackingDto>> TrackAsync(string trackingNo, CancellationToken ct = default) =>
        SendAsync<TrackingDto>(HttpMethod.Get, $"api/track/{Uri.EscapeDataString(trackingNo)}", null, null, ct);

    public Task<ApiResult<ProxyTrackingDto>> TrackProxyAsync(string trackingNo, CancellationToken ct = default) =>
        SendAsync<ProxyTrackingDto>(HttpMethod.Get, $"api/track/services/{Uri.EscapeDataString(trackingNo)}", null, null, ct);
}

public sealed record ProxyTrackingStepDto(DateTimeOffset At, string Action, string Level);

public sealed record ProxyTrackingDto(string TrackingNo, string Service, string Department, string CompetentLevel, string Village, string State,
    string Level, DateTimeOffset RecordedAt, DateTimeOffset? Due, string? Result, DateTimeOffset? FinishedAt, List<ProxyTrackingStepDto> Steps);
