using System.CommandLine;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Store.Accounts;
using GridMap.Store.Audit;
using GridMap.Store.Database;

namespace GridMap.Cli.Commands;

internal static class AccountsCommands
{
    /// <summary>Who changes accounts from the command line, as the audit log names them.</summary>
    private static string CliActor => $"cli:{Environment.UserName}";

    public static Command Build()
    {
        var db = CommonOptions.Database();
        var demo = new Command("demo", $"Create (or reset) one demo account per role over 长子县, and a post account for every staffed grid of 长子县; password '{DemoAccounts.Password}'. Local use only.") { db };
        demo.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-accounts");
            await DemoAccounts.EnsureAsync(new AccountStore(dataSource), ct);
            await new AuditLog(dataSource).AppendAsync(CliActor, "accounts_demo", "account:*", "local demo accounts",
                System.Text.Json.JsonSerializer.Serialize(DemoAccounts.All.Select(a => new { a.Username, role = a.Role.Slug(), scope = a.Scope.Value })), ct);
            foreach (var a in DemoAccounts.All)
                Console.WriteLine($"  {a.Username,-13} {a.Role.Slug(),-19} scope {a.Scope,-15} {a.Department}");
            Console.WriteLine($"{DemoAccounts.All.Count} demo accounts ready (password {DemoAccounts.Password})");
            // Every staffed grid of 长子县 gets its post account (gm + grid code), so the county can be run person by person.
            var posts = await new StaffingStore(dataSource, TimeProvider.System).EnsurePostAccountsAsync("140428", DemoAccounts.Password, ct);
            Console.WriteLine($"{posts} new grid manager post accounts in 长子县 (gm<grid code>, same password)");
            return 0;
        });

        var username = new Option<string>("--username") { Required = true, Description = "3–40 characters a–z 0–9 _ . -" };
        var name = new Option<string?>("--name") { Description = "Display name (default: the username)." };
        var role = new Option<string>("--role") { Required = true, Description = string.Join(", ", Enum.GetValues<Role>().Select(r => r.Slug())) };
        var scope = new Option<string>("--scope") { Required = true, Description = "Admin-unit or grid code the account may see (e.g. 140428)." };
        var department = new Option<string?>("--department") { Description = "For department officers: civil-affairs, social-security, health, public-security, justice." };
        var create = new Command("create", "Create or update an account; the password is read from standard input.") { db, username, name, role, scope, department };
        create.SetAction(async (result, ct) =>
        {
            if (Roles.FromSlug(result.GetValue(role)) is not { } parsedRole)
            {
                Console.Error.WriteLine($"unknown role; one of {role.Description}");
                return 2;
            }
            if (!AdminCode.TryParse(result.GetValue(scope), out var parsedScope, out var error))
            {
                Console.Error.WriteLine(error);
                return 2;
            }
            var password = Console.In.ReadLine() ?? "";
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-accounts");
            try
            {
                var account = await new AccountStore(dataSource).CreateAsync(new NewAccount(result.GetValue(username)!,
                    result.GetValue(name) ?? result.GetValue(username)!, password, parsedRole, parsedScope, Department: result.GetValue(department)), ct);
                await new AuditLog(dataSource).AppendAsync(CliActor, "account_saved", $"account:{account.Username}", "account administration",
                    System.Text.Json.JsonSerializer.Serialize(new { role = account.Role.Slug(), scope = account.Scope.Value, categories = account.Categories.Select(c => c.Slug()), account.CanUnmask, account.Department }), ct);
                Console.WriteLine($"account {account.Username} ({account.Role.Slug()}, scope {account.Scope}) saved");
                return 0;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });
        return new Command("accounts", "Accounts, roles and area scopes.") { demo, create };
    }
}
