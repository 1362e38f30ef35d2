using System.Net.Http.Headers;
using GridMap.Store.Accounts;
using Npgsql;

namespace GridMap.Tiling.Tests;

/// <summary>GETs a per-account tile as a demo account (a bearer token issued for it), or anonymously when the username is null.</summary>
internal static class AccountTileRequests
{
    public static async Task<HttpResponseMessage> GetAsAsync(this TilingHost host, NpgsqlDataSource accounts, string path, string? username)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (username is not null)
        {
            var issued = await new AccountStore(accounts).SignInAsync(username, DemoAccounts.Password);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issued!.Token);
        }
        return await host.Client.SendAsync(request);
    }
}
