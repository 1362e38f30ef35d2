using System.Text.Json;
using System.Net.Http.Headers;

namespace GridMap.MapPortal.GeoApi;

/// <summary>The events endpoints: every call carries the signed-in person's token, GeoApi decides what they may see and do.</summary>
public sealed partial class GeoApiClient
{
    public Task<ApiResult<List<EventCategoryDto>>> GetEventCategoriesAsync(CancellationToken ct = default) =>
        SendAsync<List<EventCategoryDto>>(HttpMethod.Get, "api/events/categories", null, null, ct);

    public Task<ApiResult<EventCardDto>> GetEventAsync(long id, string token, CancellationToken ct = default) =>
        SendAsync<EventCardDto>(HttpMethod.Get, $"api/events/{id}", token, null, ct);

    public Task<ApiResult<List<long>>> GetEventPhotoIdsAsync(long id, string token, CancellationToken ct = default) =>
        SendAsync<List<long>>(HttpMethod.Get, $"api/events/{id}/photos", token, null, ct);

    /// <summary>Takes a workflow action; 409 means the card changed (or the state no longer admits it): reload.</summary>
    public Task<ApiResult<EventCardDto>> ActAsync(long id, string action, EventActionDto body, string token, CancellationToken ct = default) =>
        SendAsync<EventCardDto>(HttpMethod.Post, $"api/events/{id}/actions/{Uri.EscapeDataString(action)}", token, body, ct);

    public Task<ApiResult<InboxDto>> GetInboxAsync(string token, CancellationToken ct = default) =>
        SendAsync<InboxDto>(HttpMethod.Get, "api/inbox", token, null, ct);

    public Task<ApiResult<JsonElement>> MarkInboxReadAsync(long? id, string token, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, id is { } one ? $"api/inbox/{one}/read" : "api/inbox/read", token, null, ct);

    public Task<ApiResult<List<AccountabilityDto>>> GetAccountabilityAsync(string query, string token, CancellationToken ct = default) =>
        SendAsync<List<AccountabilityDto>>(HttpMethod.Get, $"api/accountability?{query}", token, null, ct);

    public Task<ApiResult<List<AccountabilityCountDto>>> GetAccountabilityPeopleAsync(string token, CancellationToken ct = default) =>
        SendAsync<List<AccountabilityCountDto>>(HttpMethod.Get, "api/accountability/people", token, null, ct);

    public Task<ApiResult<AccountabilityDto>> CloseAccountabilityAsync(long id, string outcome, string token, CancellationToken ct = default) =>
        SendAsync<AccountabilityDto>(HttpMethod.Post, $"api/accountability/{id}/close", token, new { outcome }, ct);

    public Task<ApiResult<List<EventSummaryDto>>> ListEventsAsync(string query, string token, CancellationToken ct = default) =>
        SendAsync<List<EventSummaryDto>>(HttpMethod.Get, $"api/events?{query}", token, null, ct);

    /// <summary>
    /// Passes a request through to GeoApi as the signed-in person and hands back GeoApi's status, content type and body
    /// untouched (the offline report queue reads them in the browser). Null when GeoApi cannot be reached.
    /// </summary>
    public async Task<(int Status, string? ContentType, byte[] Body)?> RelayAsync(HttpMethod method, string path, string token, HttpContent? content,
        CancellationToken ct = default)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
            return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsByteArrayAsync(ct));
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
