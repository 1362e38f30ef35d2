using System.CommandLine;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Cli.Commands;

internal static class CommonOptions
{
    public static Option<string?> Database() => new("--db")
    {
        Description = $"Npgsql connection string (default: the {DatabaseOptions.EnvironmentVariable} environment variable).",
    };

    public static string ConnectionString(ParseResult result, Option<string?> option) =>
        result.GetValue(option) ?? DatabaseOptions.FromEnvironment().ConnectionString;

    /// <summary>
    /// Every command's start-up: the database named by <c>--db</c> (or the environment), migrated first when the command
    /// writes tables a fresh database may not have yet, as one data source named after the command in pg_stat_activity.
    /// </summary>
    public static NpgsqlDataSource OpenDatabase(ParseResult result, Option<string?> option, string applicationName, bool migrate = false)
    {
        var connectionString = ConnectionString(result, option);
        if (migrate)
            Migrator.Migrate(connectionString);
        return GridMapDataSource.Create(connectionString, applicationName);
    }
}
