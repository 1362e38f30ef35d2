using System.Text.Json;

namespace GridMap.MapPortal.GeoApi;

/// <summary>The register's write path and its lists (issue 15), on behalf of the signed-in person.</summary>
public sealed partial class GeoApiClient
{
    /// <summary>A register change: the answer's JSON (status 200 done, 202 waiting for another grid) or the problem.</summary>
    public Task<ApiResult<JsonElement>> ChangeRegisterAsync(HttpMethod method, string path, object body, string token, CancellationToken ct = default) =>
        SendAsync<JsonElement>(method, "api/register/" + path, token, body, ct);

    public Task<ApiResult<FreshnessDto>> GetFreshnessAsync(string code, string token, CancellationToken ct = default) =>
        SendAsync<FreshnessDto>(HttpMethod.Get, $"api/register/freshness/{Uri.EscapeDataString(code)}", token, null, ct);

    public Task<ApiResult<List<MoveRequestDto>>> GetMovesAsync(string token, bool all, CancellationToken ct = default) =>
        SendAsync<List<MoveRequestDto>>(HttpMethod.Get, $"api/register/moves?all={(all ? "true" : "false")}", token, null, ct);

    public Task<ApiResult<List<ReconciliationDto>>> GetReconciliationAsync(string token, bool all, CancellationToken ct = default) =>
        SendAsync<List<ReconciliationDto>>(HttpMethod.Get, $"api/register/reconciliation?all={(all ? "true" : "false")}", token, null, ct);

    public Task<ApiResult<List<StaleHouseholdDto>>> GetStaleHouseholdsAsync(string token, int limit, CancellationToken ct = default) =>
        SendAsync<List<StaleHouseholdDto>>(HttpMethod.Get, $"api/register/stale-households?limit={limit}", token, null, ct);
}
