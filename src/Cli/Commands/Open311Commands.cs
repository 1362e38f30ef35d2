using System.CommandLine;
using GridMap.Store.Audit;
using GridMap.Store.Database;
using GridMap.Store.Open311;

namespace GridMap.Cli.Commands;

/// <summary><c>gridmap open311 key create|revoke</c>: API keys of Open311 clients (only their hash is stored).</summary>
internal static class Open311Commands
{
    public static Command Build()
    {
        var createDb = CommonOptions.Database();
        var createName = new Option<string>("--name") { Required = true, Description = "The client: 2–40 characters a–z 0–9 . _ - (e.g. city-app)." };
        var create = new Command("create", "Create a client's API key, or replace its key; prints the key once.") { createDb, createName };
        create.SetAction(async (result, ct) =>
        {
            var name = result.GetValue(createName)!;
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9][a-z0-9._-]{1,39}$"))
            {
                Console.Error.WriteLine("--name has 2–40 characters a–z 0–9 . _ - and starts with a letter or digit.");
                return 2;
            }
            await using var dataSource = CommonOptions.OpenDatabase(result, createDb, "gridmap-open311");
            var key = await new Open311Store(dataSource, TimeProvider.System).CreateKeyAsync(name, ct);
            await new AuditLog(dataSource).AppendAsync($"cli:{Environment.UserName}", "open311_key_created", $"open311:{name}", "Open311 client administration", "{}", ct);
            Console.WriteLine(key);
            Console.Error.WriteLine($"Open311 API key for {name}: shown once, only its hash is stored. Send it as api_key with POST /open311/v2/requests.json.");
            return 0;
        });
        var revokeDb = CommonOptions.Database();
        var revokeName = new Option<string>("--name") { Required = true, Description = "The client whose key stops working." };
        var revoke = new Command("revoke", "Revoke a client's API key.") { revokeDb, revokeName };
        revoke.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, revokeDb, "gridmap-open311");
            var name = result.GetValue(revokeName)!;
            if (!await new Open311Store(dataSource, TimeProvider.System).RevokeAsync(name, ct))
            {
                Console.Error.WriteLine($"No Open311 client {name} with a live key.");
                return 1;
            }
            await new AuditLog(dataSource).AppendAsync($"cli:{Environment.UserName}", "open311_key_revoked", $"open311:{name}", "Open311 client administration", "{}", ct);
            Console.WriteLine($"Open311 key of {name} revoked");
            return 0;
        });
        return new Command("open311", "Open311 GeoReport v2 clients.") { new Command("key", "Client API keys.") { create, revoke } };
    }
}
