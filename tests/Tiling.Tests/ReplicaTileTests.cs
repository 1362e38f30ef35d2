using GridMap.Store.Database;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Tiling.Tests;

/// <summary>A primary and hot standby holding GridMap's schema and one province outline, 旧名称省 (old name).</summary>
public sealed class SchemaStandbyPair : StandbyPair
{
    public const string OldName = "旧名称省";

    protected override async Task PrepareAsync(string connectionString)
    {
        Migrator.Migrate(connectionString);
        await using var setup = NpgsqlDataSource.Create(connectionString);
        await using var command = setup.CreateCommand(
            """
            INSERT INTO admin_unit (code, level, name, boundary_source, geom, geom_generalized, label_point, area_m2)
            SELECT '14', 1, $1, 'synthetic', g, g, ST_PointOnSurface(g), 1
            FROM (SELECT ST_Multi(ST_MakeEnvelope(111, 36, 113, 38, 4490)) AS g) s
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = OldName });
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Exact tile invalidation with a standby behind (issue 20, item 1): the tiling service reads tiles on the standby, the
/// standby's replay is paused, an edit on the primary invalidates a cached tile — the tile drawn next must show the edit
/// (drawn on the primary, as the standby has not replayed it) and that is what the cache keeps.
/// </summary>
public sealed class ReplicaTileTests(SchemaStandbyPair pair) : IClassFixture<SchemaStandbyPair>
{
    private const string Tile = "/tiles/admin/5/25/12.mvt";
    private const string NewName = "新名称省";

    private static bool Shows(byte[] tile, string name) => System.Text.Encoding.UTF8.GetString(tile).Contains(name, StringComparison.Ordinal);

    [Fact]
    public async Task A_tile_invalidated_by_an_edit_is_drawn_from_the_primary_while_the_standby_lags_and_never_cached_stale()
    {
        await pair.CatchUpAsync();
        var cache = Path.Combine(Path.GetTempPath(), "gridmap-tiles-" + Guid.NewGuid().ToString("N"));
        await using var host = new HostFactory<GridMap.Tiling.TilingHost>(pair.PrimaryConnectionString, new Dictionary<string, string?>
        {
            ["Tiling:CacheDirectory"] = cache,
            ["Database:ReadConnectionString"] = pair.ReadConnectionString,
        });
        using var client = host.CreateClient();
        try
        {
            using (var first = await client.GetAsync(Tile))
            {
                first.EnsureSuccessStatusCode();
                Assert.True(Shows(await first.Content.ReadAsByteArrayAsync(), SchemaStandbyPair.OldName));
            }
            await using (var readers = pair.Standby.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'gridmap-tiling-reads'"))
                Assert.True((long)(await readers.ExecuteScalarAsync())! > 0, "the tile was read on the standby");
            await pair.ReplayAsync(run: false);
            await using (var edit = pair.Primary.CreateCommand("UPDATE admin_unit SET name = $1 WHERE code = '14'"))
            {
                edit.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NewName });
                await edit.ExecuteNonQueryAsync();
            }

            // Until the service has heard of the edit the cached tile is served; the first tile drawn after it must show it.
            string cacheState;
            byte[] drawn;
            var tries = 0;
            do
            {
                await Task.Delay(50);
                using var response = await client.GetAsync(Tile);
                response.EnsureSuccessStatusCode();
                cacheState = response.Headers.GetValues("X-Cache").Single();
                drawn = await response.Content.ReadAsByteArrayAsync();
            }
            while (cacheState == "HIT" && ++tries < 200);
            Assert.True(cacheState == "MISS", $"the edit never reached the cache: {await client.GetStringAsync("/tiles/cache")}");
            Assert.True(Shows(drawn, NewName), "drawn after the invalidation, on the primary: the paused standby still has the old name");

            // From now on only the new name, and soon from the cache (a drawing the invalidation's second sweep overtook is
            // served but not kept, so one more MISS may come first).
            for (tries = 0; cacheState != "HIT" && tries < 20; tries++)
            {
                using var again = await client.GetAsync(Tile);
                cacheState = again.Headers.GetValues("X-Cache").Single();
                Assert.True(Shows(await again.Content.ReadAsByteArrayAsync(), NewName), "a tile after the edit without it");
            }
            Assert.Equal("HIT", cacheState);
            await using var standby = pair.Standby.CreateCommand("SELECT name FROM admin_unit WHERE code = '14'");
            Assert.Equal(SchemaStandbyPair.OldName, await standby.ExecuteScalarAsync());
        }
        finally
        {
            await pair.ReplayAsync(run: true);
            await TempFolders.DeleteAsync(cache);
        }
    }
}
