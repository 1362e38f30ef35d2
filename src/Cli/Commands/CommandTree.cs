using System.CommandLine;

namespace GridMap.Cli.Commands;

/// <summary>The <c>gridmap</c> command tree: db, boundaries, generate, simulate, import, stats, tiles, bench, accounts, audit, open311, kpi, grids, register, catalogue, backup, restore.</summary>
public static class CommandTree
{
    public static RootCommand Build()
    {
        var root = new RootCommand("GridMap: grid-based social service management — database, data and benchmarks.");
        root.Subcommands.Add(DbCommands.Build());
        root.Subcommands.Add(BoundariesCommands.Build());
        root.Subcommands.Add(GenerateCommand.Build());
        root.Subcommands.Add(SimulateCommand.Build());
        root.Subcommands.Add(ImportCommands.Build());
        root.Subcommands.Add(StatsCommand.Build());
        root.Subcommands.Add(TilesCommands.Build());
        root.Subcommands.Add(BenchCommands.Build());
        root.Subcommands.Add(AccountsCommands.Build());
        root.Subcommands.Add(AuditCommands.Build());
        root.Subcommands.Add(Open311Commands.Build());
        root.Subcommands.Add(EventsCommands.Kpi());
        root.Subcommands.Add(GridsCommands.Build());
        root.Subcommands.Add(RegisterCommands.Build());
        root.Subcommands.Add(CatalogueCommands.Build());
        root.Subcommands.Add(BackupCommands.Backup());
        root.Subcommands.Add(BackupCommands.Restore());
        return root;
    }
}
