namespace GridMap.MapPortal.GeoApi;

public sealed record PublicReceiptDto(string TrackingNo);

public sealed record TrackingStepDto(DateTimeOffset At, string Action, string State, string By);

public sealed record TrackingDto(string TrackingNo, string Category, string CategoryEn, string State, string Village, string Township,
    DateTimeOffset ReportedAt, DateTimeOffset? FinishedAt, DateTimeOffset? Due, IReadOnlyList<TrackingStepDto> Steps);

/// <summary>The public side of events: the anonymous report form and the tracker (no token).</summary>
public sealed partial class GeoApiClient
{
    public Task<ApiResult<PublicReceiptDto>> SubmitPublicReportAsync(object report, CancellationToken ct = default) =>
        SendAsync<PublicReceiptDto>(HttpMethod.Post, "api/public/reports", null, report, ct);

    public Task<ApiResult<TrackingDto>> TrackAsync(string trackingNo, CancellationToken ct = default) =>
        SendAsync<TrackingDto>(HttpMethod.Get, $"api/track/{Uri.EscapeDataString(trackingNo)}", null, null, ct);
}
