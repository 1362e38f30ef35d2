using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Store.Accounts;

namespace GridMap.Cli.Bench;

/// <summary>A bearer token for a demo account through GeoApi's <c>POST /api/auth/token</c>, as the benchmarks' clients sign in.</summary>
internal static class DemoSignIn
{
    public static async Task<string> TokenAsync(HttpClient http, string username, CancellationToken ct, string password = DemoAccounts.Password)
    {
        using var response = await http.PostAsJsonAsync("api/auth/token", new { username, password }, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;
    }
}
