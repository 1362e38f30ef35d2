using System.Net.Http.Json;

namespace GridMap.MapPortal.GeoApi;

/// <summary>The planning endpoints (issue 7): the edit lock, the draft and its edits, publish and the version history.</summary>
public sealed partial class GeoApiClient
{
    private static string Village(string village) => $"api/planning/villages/{Uri.EscapeDataString(village)}";

    public Task<ApiResult<PlanningVillageDto>> GetPlanningVillageAsync(string village, string token, CancellationToken ct = default) =>
        SendAsync<PlanningVillageDto>(HttpMethod.Get, Village(village), token, null, ct);

    /// <summary>Takes (or re-takes) the lock; 409 names who holds it.</summary>
    public Task<ApiResult<PlanningLockDto>> TakeLockAsync(string village, string token, CancellationToken ct = default) =>
        SendAsync<PlanningLockDto>(HttpMethod.Post, $"{Village(village)}/lock", token, new { }, ct);

    public Task<ApiResult<PlanningLockDto>> ExtendLockAsync(string village, string token, CancellationToken ct = default) =>
        SendAsync<PlanningLockDto>(HttpMethod.Post, $"{Village(village)}/lock/extend", token, new { }, ct);

    /// <summary>Lets go of the lock; the draft stays for the next session.</summary>
    public Task<ApiResult<object>> ReleaseLockAsync(string village, string token, CancellationToken ct = default) =>
        SendAsync<object>(HttpMethod.Delete, $"{Village(village)}/lock", token, null, ct);

    public Task<ApiResult<DraftViewDto>> GetDraftAsync(string village, string token, CancellationToken ct = default) =>
        SendAsync<DraftViewDto>(HttpMethod.Get, $"{Village(village)}/draft", token, null, ct);

    /// <summary>One edit on the draft; 409 means the draft moved on (reload it), 422 that GeoApi refused the edit.</summary>
    public Task<ApiResult<DraftViewDto>> EditDraftAsync(string village, int draftVersion, DraftEdit edit, string token, CancellationToken ct = default) =>
        SendAsync<DraftViewDto>(HttpMethod.Post, $"{Village(village)}/draft/edits", token, edit.Body(draftVersion), ct);

    public Task<ApiResult<object>> DiscardDraftAsync(string village, string token, CancellationToken ct = default) =>
        SendAsync<object>(HttpMethod.Delete, $"{Village(village)}/draft", token, null, ct);

    /// <summary>Publishes the draft; 409 carries what changed since its base, 422 the violations — the draft is kept either way.</summary>
    public Task<ApiResult<PublishResultDto>> PublishAsync(string village, int draftVersion, string reason, string token, CancellationToken ct = default) =>
        SendAsync<PublishResultDto>(HttpMethod.Post, $"{Village(village)}/publish", token, new { draftVersion, reason }, ct);

    public Task<ApiResult<List<PlanVersionDto>>> GetPlanVersionsAsync(string village, string token, CancellationToken ct = default) =>
        SendAsync<List<PlanVersionDto>>(HttpMethod.Get, $"{Village(village)}/versions", token, null, ct);

    /// <summary>The before/after FeatureCollection of one version, as GeoJSON text for the map.</summary>
    public async Task<ApiResult<string>> GetPlanDiffAsync(string village, int version, string token, CancellationToken ct = default)
    {
        var result = await SendAsync<System.Text.Json.JsonElement>(HttpMethod.Get, $"{Village(village)}/versions/{version}/diff", token, null, ct);
        return new(result.Ok ? result.Value.GetRawText() : null, result.Error, result.Status, result.Problem);
    }
    /// <summary>
    /// Sends an edited GIS file of the village as the planner's new draft; 422 carries every problem of the file
    /// (<c>problems</c>) and leaves the draft as it was.
    /// </summary>
    public async Task<ApiResult<DraftViewDto>> ImportGridFileAsync(string village, string fileName, Stream file, string token, CancellationToken ct = default)
    {
        try
        {
            using var form = new MultipartFormDataContent();
            form.Add(new StreamContent(file), "file", fileName);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(http.BaseAddress!, $"{Village(village)}/import")) { Content = form };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await Uploads.SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
                return new(await response.Content.ReadFromJsonAsync<DraftViewDto>(Json, ct), null, (int)response.StatusCode);
            var problem = await ReadProblemAsync(response, ct);
            return new(default, Message(problem) ?? $"GeoApi answered {(int)response.StatusCode}.", (int)response.StatusCode, problem);
        }
        catch (HttpRequestException e)
        {
            return new(default, $"GeoApi is unreachable ({e.Message}).");
        }
    }
}
