using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GridMap.Tiling.Tests;

/// <summary>
/// The tiling service's connections run every prepared statement's generic plan and skip Npgsql's session reset
/// (DataSourceProfile.TileServer); the README's tile figures depend on both.
/// </summary>
public class ConnectionProfileTests(TilingFixture tiling) : IClassFixture<TilingFixture>
{
    [Fact]
    public async Task Tile_connections_use_generic_plans_and_no_session_reset()
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, (await tiling.Client.GetAsync("/tiles/grids/12/3332/1606.mvt")).StatusCode);

        var dataSource = tiling.Host.Factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = dataSource.CreateCommand("SHOW plan_cache_mode");
        Assert.Equal("force_generic_plan", await command.ExecuteScalarAsync());
        Assert.True(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).NoResetOnClose);
    }
}
