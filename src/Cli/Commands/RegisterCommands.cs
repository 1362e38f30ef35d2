using System.CommandLine;
using GridMap.Store.Register;

namespace GridMap.Cli.Commands;

/// <summary><c>gridmap register</c>: settings of the population register's write path.</summary>
internal static class RegisterCommands
{
    public static Command Build()
    {
        var db = CommonOptions.Database();
        var days = new Option<int>("--days") { Required = true, Description = "Days a verification or change keeps a household fresh (1–3650; default 90)." };
        var freshDays = new Command("fresh-days", "Set the freshness window and recompute every grid's freshness (audited).") { db, days };
        freshDays.SetAction(async (result, ct) =>
        {
            var value = result.GetValue(days);
            if (value is < 1 or > 3650)
            {
                Console.Error.WriteLine("--days is 1–3650.");
                return 2;
            }
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-register", migrate: true);
            var grids = await new RegisterStore(dataSource, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new RegisterOptions())).SetFreshDaysAsync(value, $"cli:{Environment.UserName}", ct);
            Console.WriteLine($"freshness window {value} days; {grids:N0} grids recomputed");
            return 0;
        });
        return new Command("register", "The population register: freshness window.") { freshDays };
    }
}
