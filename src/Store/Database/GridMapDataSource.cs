using Npgsql;

namespace GridMap.Store.Database;

/// <summary>How a process uses its connections; <see cref="Default"/> suits every process but the tiling service.</summary>
/// <param name="SessionStateFree">
/// The process never leaves state in a pooled session (no session-level SET, temporary tables, session advisory locks
/// or LISTEN left on a pooled connection), so a connection going back to the pool needs no reset. Npgsql's reset is
/// seven statements sent ahead of the next command; for a tile (one short statement) it cost 15–20 % of the tiling
/// service's uncached throughput.
/// </param>
/// <param name="GenericPlans">
/// Every prepared statement runs its generic plan (<c>plan_cache_mode = force_generic_plan</c>). PostgreSQL otherwise
/// chooses per connection, from the first executions' costs, between re-planning each call and the generic plan; for
/// the tile statements that choice hung on which zooms a connection happened to serve first, and re-planning a z14
/// tile doubled its cost (uncached z14, PostgreSQL on its own core: 0.44 of pgbench re-planned, 0.88 generic).
/// </param>
public sealed record DataSourceProfile(bool SessionStateFree = false, bool GenericPlans = false)
{
    public static readonly DataSourceProfile Default = new();

    /// <summary>The tiling service: one short parameterised SELECT per tile, nothing kept in the session.</summary>
    public static readonly DataSourceProfile TileServer = new(SessionStateFree: true, GenericPlans: true);
}

/// <summary>Builds the one <see cref="NpgsqlDataSource"/> a process uses, with PostGIS geometries mapped to NetTopologySuite.</summary>
public static class GridMapDataSource
{
    public static NpgsqlDataSource Create(string connectionString, string applicationName = "gridmap", DataSourceProfile? profile = null)
    {
        profile ??= DataSourceProfile.Default;
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        settings.ApplicationName ??= applicationName;
        // The same few statements run all day (tiles, lookups): let Npgsql prepare them once per connection.
        if (settings.MaxAutoPrepare == 0)
            settings.MaxAutoPrepare = 64;
        if (profile.SessionStateFree)
            settings.NoResetOnClose = true;
        if (profile.GenericPlans)
            settings.Options = $"{settings.Options} -c plan_cache_mode=force_generic_plan".Trim();
        builder.UseNetTopologySuite(geographyAsDefault: false);
        return builder.Build();
    }
}
