using System.CommandLine;
using GridMap.Store.Database;

namespace GridMap.Cli.Commands;

internal static class StatsCommand
{
    public static Command Build()
    {
        var db = CommonOptions.Database();
        var command = new Command("stats", "Print what the database holds: units per level, grids, managers, vacancies, last load.") { db };
        command.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-stats");
            await using var query = dataSource.CreateCommand(SqlResource.Get("Units/Stats.sql"));
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                Console.WriteLine($"{reader.GetString(0),-22} {reader.GetString(1)}");
            return 0;
        });
        return command;
    }
}
