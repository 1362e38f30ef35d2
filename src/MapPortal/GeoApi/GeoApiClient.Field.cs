using System.Globalization;
using System.Text.Json;

namespace GridMap.MapPortal.GeoApi;

public sealed partial class GeoApiClient
{
    /// <summary>The patrols of one day in an area of the caller's, as a GeoJSON FeatureCollection of their tracks for the map.</summary>
    public async Task<ApiResult<string>> GetPatrolTracksAsync(string area, DateOnly day, string token, CancellationToken ct = default)
    {
        var result = await SendAsync<JsonElement>(HttpMethod.Get, $"api/field/patrols?area={Uri.EscapeDataString(area)}&day={Day(day)}", token, null, ct);
        if (!result.Ok)
            return new(null, result.Error, result.Status, result.Problem);
        var features = result.Value.EnumerateArray().Select(p => new
        {
            type = "Feature",
            geometry = p.GetProperty("track"),
            properties = new
            {
                id = p.GetProperty("id").GetInt64(),
                actor = p.GetProperty("actor").GetString(),
                grid = p.GetProperty("gridCode").GetString(),
                lengthM = p.GetProperty("lengthM").GetDouble(),
                coveragePermille = p.GetProperty("coveragePermille").GetInt32(),
            },
        });
        return new(JsonSerializer.Serialize(new { type = "FeatureCollection", features }), null, result.Status, null);
    }

    /// <summary>巡查覆盖率 of one day: the area first, then each child unit.</summary>
    public Task<ApiResult<List<PatrolFiguresDto>>> GetPatrolCoverageAsync(string area, DateOnly day, string token, CancellationToken ct = default) =>
        SendAsync<List<PatrolFiguresDto>>(HttpMethod.Get, $"api/field/coverage?area={Uri.EscapeDataString(area)}&day={Day(day)}", token, null, ct);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
