using Npgsql;

namespace GridMap.Store.Database;

/// <summary>Builds the one <see cref="NpgsqlDataSource"/> a process uses, with PostGIS geometries mapped to NetTopologySuite.</summary>
public static class GridMapDataSource
{
    public static NpgsqlDataSource Create(string connectionString, string applicationName = "gridmap")
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= applicationName;
        // The same few statements run all day (tiles, lookups): let Npgsql prepare them once per connection.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        builder.UseNetTopologySuite(geographyAsDefault: false);
        return builder.Build();
    }
}
