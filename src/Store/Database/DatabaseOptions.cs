namespace GridMap.Store.Database;

/// <summary>Where the database is. One setting: an Npgsql connection string.</summary>
public sealed class DatabaseOptions
{
    public const string EnvironmentVariable = "GRIDMAP_DB";
    public const string SectionName = "Database";

    /// <summary>Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=55432;Username=gridmap;Password=gridmap;Database=gridmap</c>.</summary>
    public string ConnectionString { get; set; } = "";

    public static DatabaseOptions FromEnvironment() =>
        new()
        {
            ConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs
                ? cs
                : throw new InvalidOperationException(
                    $"No database: set {EnvironmentVariable} to an Npgsql connection string (./run.sh and ./test.sh do this for the private cluster)."),
        };
}
