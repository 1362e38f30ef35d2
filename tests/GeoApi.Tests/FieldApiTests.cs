using System.Text.Json;
using GridMap.Store.Accounts;

namespace GridMap.GeoApi.Tests;

/// <summary>What the field app reads and uploads (issue 16): the own grid's bundle, visits and patrols, each upload idempotent.</summary>
public sealed class FieldApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private static Task<(int Status, JsonElement Body)> Send(HttpClient client, HttpMethod method, string path, object? body = null) =>
        PopulationApiFixture.SendAsync(client, method, path, body);

    private static string Key() => Guid.NewGuid().ToString("N");

    private Task<double[]> CentroidAsync(string place) =>
        api.Population.ScalarAsync<double[]>("SELECT ARRAY[ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom))] FROM building WHERE code = $1",
            api.Population.Buildings[place]);

    [Fact]
    public async Task The_bundle_holds_the_own_grid_masked_and_nothing_of_other_grids()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var (status, bundle) = await Send(gm, HttpMethod.Get, "/api/field/bundle");
        Assert.True(status == 200, bundle.ToString());
        Assert.Equal(DemoAccounts.GridManagerGrid, bundle.GetProperty("grid").GetProperty("code").GetString());
        var buildings = bundle.GetProperty("buildings").EnumerateArray().ToList();
        Assert.Equal(await api.Population.ScalarAsync<long>("SELECT count(*) FROM building WHERE grid_code = $1", DemoAccounts.GridManagerGrid),
            buildings.Count);
        Assert.All(buildings, b => Assert.Equal(DemoAccounts.GridManagerGrid, b.GetProperty("gridCode").GetString()));
        var ids = buildings.SelectMany(b => b.GetProperty("houses").EnumerateArray()).SelectMany(h => h.GetProperty("households").EnumerateArray())
            .SelectMany(h => h.GetProperty("residents").EnumerateArray()).Select(r => r.GetProperty("idNumber").GetString()!).ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Contains('*', id));
        Assert.NotEmpty(bundle.GetProperty("categories").EnumerateArray());
        // The visit list: the grid's special-group records, soonest due first, ID numbers masked.
        var visits = bundle.GetProperty("visits").EnumerateArray().ToList();
        Assert.Contains(visits, v => v.GetProperty("recordId").GetInt64() == api.Population.Records["A-spouse/mental_health"]);
        Assert.All(visits, v => Assert.Equal(DemoAccounts.GridManagerGrid, v.GetProperty("gridCode").GetString()));
        Assert.All(visits, v => Assert.Contains('*', v.GetProperty("idNumber").GetString()!));
        var dues = visits.Select(v => v.GetProperty("nextVisitDue").GetString()!).ToList();
        Assert.Equal(dues.Order(StringComparer.Ordinal), dues);

        Assert.Equal(404, (await Send(gm, HttpMethod.Get, $"/api/field/bundle?grid={DemoAccounts.NeighbourGrid}")).Status);
        var (bad, problem) = await Send(gm, HttpMethod.Get, "/api/field/bundle?grid=14042820321100x");
        Assert.Equal(400, bad);
        Assert.Equal("grid", problem.GetProperty("field").GetString());
        var county = await api.ClientAsAsync("county");
        Assert.Equal(400, (await Send(county, HttpMethod.Get, "/api/field/bundle")).Status);
        Assert.Equal(200, (await Send(county, HttpMethod.Get, $"/api/field/bundle?grid={DemoAccounts.GridManagerGrid}")).Status);
    }

    /// <summary>
    /// The bundle carries the move requests waiting for the own grid's side — people the neighbouring grid sends here —
    /// and not the ones this grid asked for and the other side decides.
    /// </summary>
    [Fact]
    public async Task The_bundle_carries_the_move_requests_waiting_for_the_own_grid_and_not_those_it_waits_for()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var gm2 = await api.ClientAsAsync("gridmanager2");
        async Task<long> AskAsync(HttpClient client, string from, string to)
        {
            var household = await api.Population.ScalarAsync<long>("""
                SELECT hh.id FROM household hh
                WHERE hh.grid_code = $1 AND hh.dissolved_on IS NULL
                  AND EXISTS (SELECT 1 FROM household_member m WHERE m.household_id = hh.id AND m.moved_out IS NULL)
                  AND NOT EXISTS (SELECT 1 FROM move_request r WHERE r.household_id = hh.id AND r.status = 'pending')
                ORDER BY hh.id DESC LIMIT 1
                """, from);
            var version = await api.Population.ScalarAsync<long>("SELECT row_version::bigint FROM household WHERE id = $1", household);
            var (status, pending) = await Send(client, HttpMethod.Post, $"/api/register/households/{household}/moves",
                new { toGrid = to, rowVersion = version, reason = "全户迁往邻近网格", idempotencyKey = Key() });
            Assert.True(status == 202, pending.ToString());
            return pending.GetProperty("moveRequestId").GetInt64();
        }
        var incoming = await AskAsync(gm2, DemoAccounts.NeighbourGrid, DemoAccounts.GridManagerGrid);
        var outgoing = await AskAsync(gm, DemoAccounts.GridManagerGrid, DemoAccounts.NeighbourGrid);

        var (_, bundle) = await Send(gm, HttpMethod.Get, "/api/field/bundle");
        var moves = bundle.GetProperty("moves").EnumerateArray().ToList();
        var waiting = Assert.Single(moves, m => m.GetProperty("id").GetInt64() == incoming);
        Assert.Equal("out", waiting.GetProperty("direction").GetString());
        Assert.Equal(DemoAccounts.NeighbourGrid, waiting.GetProperty("fromGrid").GetString());
        Assert.NotEmpty(waiting.GetProperty("people").EnumerateArray());
        Assert.DoesNotContain(moves, m => m.GetProperty("id").GetInt64() == outgoing);
        Assert.All(moves, m => Assert.Equal(DemoAccounts.GridManagerGrid, m.GetProperty("awaitingGrid").GetString()));

        var (_, neighbours) = await Send(gm2, HttpMethod.Get, "/api/field/bundle");
        Assert.Contains(neighbours.GetProperty("moves").EnumerateArray(), m => m.GetProperty("id").GetInt64() == outgoing);
        Assert.DoesNotContain(neighbours.GetProperty("moves").EnumerateArray(), m => m.GetProperty("id").GetInt64() == incoming);
    }

    [Fact]
    public async Task A_visit_is_stored_once_however_often_it_is_sent_and_refused_outside_the_area()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var household = await api.Population.ScalarAsync<long>("SELECT id FROM household WHERE register_number = 'GMTESTA'");
        var key = Key();
        var photo = Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4]);
        object Visit() => new { householdId = household, visitedAt = DateTimeOffset.UtcNow.AddMinutes(-5), note = "走访：一切正常", lon = 112.9, lat = 36.0,
            photo, photoType = "image/jpeg", idempotencyKey = key };
        var (first, firstBody) = await Send(gm, HttpMethod.Post, "/api/field/visits", Visit());
        Assert.True(first == 200, firstBody.ToString());
        var (again, againBody) = await Send(gm, HttpMethod.Post, "/api/field/visits", Visit());
        Assert.Equal(200, again);
        Assert.True(againBody.GetProperty("replayed").GetBoolean());
        Assert.Equal(firstBody.GetProperty("id").GetInt64(), againBody.GetProperty("id").GetInt64());
        Assert.Equal(1L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM field_visit WHERE idempotency_key = $1", key));
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'field_visit' AND subject = $1 AND detail LIKE $2", $"household:{household}",
            $"{{\"visit\":{firstBody.GetProperty("id").GetInt64()},%"));

        var neighbour = await api.Population.ScalarAsync<long>("SELECT id FROM household WHERE register_number = 'GMTESTB'");
        Assert.Equal(404, (await Send(gm, HttpMethod.Post, "/api/field/visits",
            new { householdId = neighbour, visitedAt = DateTimeOffset.UtcNow, note = "走访", idempotencyKey = Key() })).Status);
        foreach (var (body, field) in new (object, string)[]
        {
            (new { householdId = household, visitedAt = DateTimeOffset.UtcNow, note = "x", idempotencyKey = Key() }, "note"),
            (new { householdId = household, visitedAt = DateTimeOffset.UtcNow, note = "走访", idempotencyKey = "short" }, "idempotencyKey"),
            (new { householdId = household, visitedAt = DateTimeOffset.UtcNow, note = "走访", lon = 200.0, lat = 36.0, idempotencyKey = Key() }, "lon"),
            (new { householdId = household, visitedAt = DateTimeOffset.UtcNow, note = "走访", photo = "***", photoType = "image/jpeg", idempotencyKey = Key() }, "photo"),
            (new { householdId = household, visitedAt = DateTimeOffset.UtcNow.AddDays(1), note = "走访", idempotencyKey = Key() }, "visitedAt"),
        })
        {
            var (status, problem) = await Send(gm, HttpMethod.Post, "/api/field/visits", body);
            Assert.Equal(400, status);
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task A_patrol_past_a_building_covers_it_is_stored_once_and_listed_for_the_day()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var at = await CentroidAsync("A");
        var key = Key();
        var started = DateTimeOffset.UtcNow.AddMinutes(-30);
        object Patrol() => new
        {
            startedAt = started, endedAt = started.AddMinutes(25),
            points = new[] { new[] { at[0] - 0.0003, at[1] }, new[] { at[0], at[1] }, new[] { at[0] + 0.0003, at[1] } },
            checkIns = new[] { new { at = started.AddMinutes(10), label = "A 楼", buildingCode = api.Population.Buildings["A"], lon = at[0], lat = at[1] } },
            idempotencyKey = key,
        };
        var (status, body) = await Send(gm, HttpMethod.Post, "/api/field/patrols", Patrol());
        Assert.True(status == 200, body.ToString());
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal(id, (await Send(gm, HttpMethod.Post, "/api/field/patrols", Patrol())).Body.GetProperty("id").GetInt64());
        Assert.Equal(1L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM patrol WHERE idempotency_key = $1", key));
        Assert.Equal(1L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM patrol_checkin WHERE patrol_id = $1", id));
        var passed = await api.Population.ScalarAsync<int>("SELECT buildings_passed FROM patrol WHERE id = $1", id);
        var within = await api.Population.ScalarAsync<long>("""
            SELECT count(*) FROM building b, patrol p
            WHERE p.id = $1 AND b.grid_code = p.grid_code AND ST_DWithin(b.geom::geography, p.track::geography, 50)
            """, id);
        Assert.True(passed >= 1);
        Assert.Equal(within, passed);

        var day = Domain.ChinaTime.DateOf(started).ToString("yyyy-MM-dd");
        var (listed, patrols) = await Send(gm, HttpMethod.Get, $"/api/field/patrols?day={day}");
        Assert.Equal(200, listed);
        var mine = Assert.Single(patrols.EnumerateArray(), p => p.GetProperty("id").GetInt64() == id);
        Assert.Equal(25, mine.GetProperty("minutes").GetDouble());
        Assert.InRange(mine.GetProperty("lengthM").GetDouble(), 40, 70);
        Assert.True(mine.GetProperty("coveragePermille").GetInt32() > 0);

        // The day's coverage: the grid passes what its tracks pass; the village and the township are the sums of their children.
        var (_, gridRows) = await Send(gm, HttpMethod.Get, $"/api/field/coverage?area={DemoAccounts.GridManagerGrid}&day={day}");
        var grid = gridRows.EnumerateArray().First();
        Assert.True(grid.GetProperty("buildingsPassed").GetInt32() >= passed);
        Assert.Equal(1, grid.GetProperty("gridsPatrolled").GetInt32());
        var township = await api.ClientAsAsync("township");
        foreach (var unit in new[] { DemoAccounts.GridManagerGrid[..12], DemoAccounts.GridManagerGrid[..9] })
        {
            var (ok, rows) = await Send(township, HttpMethod.Get, $"/api/field/coverage?area={unit}&day={day}");
            Assert.Equal(200, ok);
            var all = rows.EnumerateArray().ToList();
            Assert.Equal(unit, all[0].GetProperty("code").GetString());
            foreach (var figure in new[] { "patrols", "buildings", "buildingsPassed", "gridsPatrolled", "grids" })
                Assert.Equal(all[0].GetProperty(figure).GetInt32(), all.Skip(1).Sum(r => r.GetProperty(figure).GetInt32()));
            Assert.True(all[0].GetProperty("buildingsPassed").GetInt32() >= passed);
        }
        // The village's assessment (考核) shows each grid's patrols of the period beside its score.
        var month = Domain.ChinaTime.DateOf(started);
        var first = new DateOnly(month.Year, month.Month, 1);
        var (assessed, assessment) = await Send(township, HttpMethod.Get,
            $"/api/kpi/{DemoAccounts.GridManagerGrid[..12]}/assessment?from={first:yyyy-MM-dd}&to={first.AddMonths(1).AddDays(-1):yyyy-MM-dd}");
        Assert.True(assessed == 200, assessment.ToString());
        var row = Assert.Single(assessment.GetProperty("rows").EnumerateArray(), r => r.GetProperty("code").GetString() == DemoAccounts.GridManagerGrid);
        Assert.True(row.GetProperty("patrol").GetProperty("patrols").GetInt32() >= 1);
        Assert.True(row.GetProperty("patrol").GetProperty("buildingsPassed").GetInt32() >= passed);
        Assert.Equal(await api.Population.ScalarAsync<long>("SELECT count(*) FROM building WHERE grid_code = $1", DemoAccounts.GridManagerGrid),
            row.GetProperty("patrol").GetProperty("buildings").GetInt32());
        Assert.Equal(404, (await Send(gm, HttpMethod.Get, $"/api/field/coverage?area={DemoAccounts.NeighbourGrid}")).Status);
        Assert.Equal(400, (await Send(gm, HttpMethod.Get, "/api/field/coverage?area=1404282")).Status);

        Assert.Equal(404, (await Send(gm, HttpMethod.Post, "/api/field/patrols", new
        {
            gridCode = DemoAccounts.NeighbourGrid, startedAt = started, endedAt = started.AddMinutes(1),
            points = new[] { new[] { at[0], at[1] }, new[] { at[0] + 0.001, at[1] } }, idempotencyKey = Key(),
        })).Status);
        var (one, problem) = await Send(gm, HttpMethod.Post, "/api/field/patrols",
            new { startedAt = started, endedAt = started.AddMinutes(1), points = new[] { new[] { at[0], at[1] } }, idempotencyKey = Key() });
        Assert.Equal(400, one);
        Assert.Equal("points", problem.GetProperty("field").GetString());
        Assert.Equal(404, (await Send(gm, HttpMethod.Get, "/api/field/patrols?area=140105")).Status);
    }
}
