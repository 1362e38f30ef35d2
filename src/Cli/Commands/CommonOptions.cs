using System.CommandLine;
using GridMap.Store.Database;

namespace GridMap.Cli.Commands;

internal static class CommonOptions
{
    public static Option<string?> Database() => new("--db")
    {
        Description = $"Npgsql connection string (default: the {DatabaseOptions.EnvironmentVariable} environment variable).",
    };

    public static string ConnectionString(ParseResult result, Option<string?> option) =>
        result.GetValue(option) ?? DatabaseOptions.FromEnvironment().ConnectionString;
}
