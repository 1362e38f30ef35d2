using System.Net;
using System.Text.Json;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Tiling.Tests;

/// <summary>An edit in the database evicts exactly the cached tiles it touches (through tile_invalidation and NOTIFY).</summary>
public class InvalidationTests
{
    private static async Task<string> CacheStatus(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"{path}: {response.StatusCode}");
        return response.Headers.GetValues("X-Cache").Single();
    }

    private static async Task<long> Scalar(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Polls the service's own counter until it has processed invalidation <paramref name="id"/> (no sleeps on a clock).</summary>
    private static async Task WaitForInvalidation(HttpClient client, long id)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            var stats = JsonDocument.Parse(await client.GetStringAsync("/tiles/cache")).RootElement;
            if (stats.GetProperty("lastInvalidationId").GetInt64() >= id)
                return;
            await Task.Delay(25);
        }
        Assert.Fail($"invalidation {id} was not processed");
    }

    [Fact]
    public async Task Changing_a_grid_evicts_the_tiles_it_touches_and_no_others()
    {
        await using var db = await TestDatabases.CreateAsync("invalidate", withProvince: true);
        await using var host = TilingHost.Start(db.ConnectionString);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();

        const string grid = "140428203211006";
        // Tiles at z11–15 around the grid's label point, plus one far away (大同, the north of the province).
        await using var tilesCommand = new NpgsqlCommand("""
            SELECT z, floor((ST_X(p) + 20037508.342789244) / (40075016.68557849 / 2 ^ z))::int AS x,
                      floor((20037508.342789244 - ST_Y(p)) / (40075016.68557849 / 2 ^ z))::int AS y
            FROM grid, generate_series(11, 15) AS z, LATERAL (SELECT label_point_3857 AS p) lp
            WHERE code = $1
            """, connection);
        tilesCommand.Parameters.Add(new() { Value = grid });
        var near = new List<(int Z, int X, int Y)>();
        await using (var reader = await tilesCommand.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                near.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)));
        var far = (Z: 12, X: 3337, Y: 1549);
        var all = near.Append(far).ToList();
        foreach (var (z, x, y) in all)
        {
            Assert.Equal("MISS", await CacheStatus(host.Client, $"/tiles/grids/{z}/{x}/{y}.mvt"));
            Assert.Equal("HIT", await CacheStatus(host.Client, $"/tiles/grids/{z}/{x}/{y}.mvt"));
        }
        await CacheStatus(host.Client, $"/tiles/grids/{near[1].Z}/{near[1].X}/{near[1].Y}.png");

        // The tiles the edit must evict: those whose buffered square meets the old or new shape (PostGIS decides).
        var shrink = "UPDATE grid SET geom = ST_Multi(ST_Buffer(geom, -0.0002)) WHERE code = $1";
        var expected = new HashSet<(int, int, int)>();
        foreach (var (z, x, y) in all)
        {
            var touches = await Scalar(connection, """
                SELECT count(*) FROM grid g
                WHERE g.code = $1 AND ST_Intersects(ST_Transform(ST_Collect(g.geom, ST_Multi(ST_Buffer(g.geom, -0.0002))), 3857),
                                                    ST_TileEnvelope($2, $3, $4, margin => 64.0 / 4096))
                GROUP BY g.code
                """, grid, z, x, y);
            if (touches > 0)
                expected.Add((z, x, y));
        }
        Assert.NotEmpty(expected);

        await using (var update = new NpgsqlCommand(shrink, connection))
        {
            update.Parameters.Add(new() { Value = grid });
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }
        await WaitForInvalidation(host.Client, await Scalar(connection, "SELECT max(id) FROM tile_invalidation"));

        foreach (var (z, x, y) in all)
            Assert.Equal(expected.Contains((z, x, y)) ? "MISS" : "HIT", await CacheStatus(host.Client, $"/tiles/grids/{z}/{x}/{y}.mvt"));
        Assert.Equal("MISS", await CacheStatus(host.Client, $"/tiles/grids/{near[1].Z}/{near[1].X}/{near[1].Y}.png"));
    }

    [Fact]
    public async Task Removing_a_manager_repaints_the_grid_as_vacant()
    {
        await using var db = await TestDatabases.CreateAsync("vacate", withProvince: true);
        await using var host = TilingHost.Start(db.ConnectionString);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        const string grid = "140428203211006";
        const string tile = "/tiles/grids/14/13331/6431.mvt"; // holds 西沟村 (140428203211)

        string Status(byte[] mvt) => (string)Rendering.MvtReader.Read(mvt).Single(l => l.Name == "grids")
            .Features.Single(f => (string)f.Attributes["code"] == grid).Attributes["status"];
        Assert.Equal("staffed", Status(await host.Client.GetByteArrayAsync(tile)));

        await using (var delete = new NpgsqlCommand("DELETE FROM grid_manager WHERE grid_code = $1", connection))
        {
            delete.Parameters.Add(new() { Value = grid });
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }
        await WaitForInvalidation(host.Client, await Scalar(connection, "SELECT max(id) FROM tile_invalidation"));
        Assert.Equal("vacant", Status(await host.Client.GetByteArrayAsync(tile)));
    }

    [Fact]
    public async Task A_rolled_back_edit_evicts_nothing()
    {
        await using var db = await TestDatabases.CreateAsync("rollback", withProvince: true);
        await using var host = TilingHost.Start(db.ConnectionString);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        const string tile = "/tiles/grids/14/13331/6431.mvt"; // holds 西沟村 (140428203211)
        await CacheStatus(host.Client, tile);
        // The template's population load recorded its own invalidation; this edit must add none.
        var before = await Scalar(connection, "SELECT count(*) FROM tile_invalidation");

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var update = new NpgsqlCommand("UPDATE grid SET geom = ST_Multi(ST_Buffer(geom, -0.0002)) WHERE code = '140428203211006'", connection, transaction);
            await update.ExecuteNonQueryAsync();
            await transaction.RollbackAsync();
        }
        Assert.Equal(before, await Scalar(connection, "SELECT count(*) FROM tile_invalidation"));
        Assert.Equal("HIT", await CacheStatus(host.Client, tile));
    }
}
