namespace GridMap.Store.Database;

/// <summary>Where the database is. One setting: an Npgsql connection string.</summary>
public sealed class DatabaseOptions
{
    public const string EnvironmentVariable = "GRIDMAP_DB";
    public const string SectionName = "Database";

    /// <summary>Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=55432;Username=gridmap;Password=gridmap;Database=gridmap</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Environment variable for <see cref="ReadConnectionString"/> (run.sh sets it with GRIDMAP_REPLICAS).</summary>
    public const string ReadEnvironmentVariable = "GRIDMAP_DB_READ";

    /// <summary>
    /// Hot standbys for reads, as an Npgsql multi-host connection string (<c>Host=127.0.0.1:55434,127.0.0.1:55435;…</c>);
    /// empty: every read on the primary. See <see cref="ReadReplicas"/>.
    /// </summary>
    public string ReadConnectionString { get; set; } = "";

    /// <summary>A standby more than this many bytes of WAL behind the primary is taken out of reads (default 16 MB).</summary>
    public long MaxReplicaLagBytes { get; set; } = 16 * 1024 * 1024;

    public static DatabaseOptions FromEnvironment() =>
        new()
        {
            ConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs
                ? cs
                : throw new InvalidOperationException(
                    $"No database: set {EnvironmentVariable} to an Npgsql connection string (./run.sh and ./test.sh do this for the private cluster)."),
        };
}
