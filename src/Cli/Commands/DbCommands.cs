using System.CommandLine;
using GridMap.Store.Database;

namespace GridMap.Cli.Commands;

internal static class DbCommands
{
    public static Command Build()
    {
        var db = CommonOptions.Database();
        var migrate = new Command("migrate", "Create the database if needed and apply db/migrations (idempotent).") { db };
        migrate.SetAction(result =>
        {
            var applied = Migrator.Migrate(CommonOptions.ConnectionString(result, db), Console.WriteLine);
            Console.WriteLine(applied.Count == 0 ? "database is up to date" : $"applied {applied.Count} migration(s)");
            return 0;
        });
        return new Command("db", "Database schema.") { migrate };
    }
}
