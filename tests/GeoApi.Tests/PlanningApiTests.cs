using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Store.Accounts;
using GridMap.Store.Database;
using GridMap.Testing;
using Npgsql;

namespace GridMap.GeoApi.Tests;

/// <summary>GeoApi over a province of its own with the demo accounts and a second planner; each test edits its own village.</summary>
public sealed class PlanningApiFixture : IAsyncLifetime
{
    private OwnDatabase? database;
    private readonly Dictionary<string, string> tokens = [];

    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public HostFactory<GeoApiHost> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabases.CreateAsync("planningapi", withProvince: true);
        DataSource = GridMapDataSource.Create(database.ConnectionString, "gridmap-tests");
        var accounts = new AccountStore(DataSource);
        await DemoAccounts.EnsureAsync(accounts);
        await accounts.CreateAsync(new NewAccount("planner2", "规划员二 演示", DemoAccounts.Password, Role.Planner, AdminCode.Parse("140428")));
        Factory = new HostFactory<GeoApiHost>(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await DataSource.DisposeAsync();
        if (database is not null)
            await database.DisposeAsync();
    }

    public Task<T> ScalarAsync<T>(string sql, params object[] parameters) => DataSource.ScalarAsync<T>(sql, parameters);

    public async Task<HttpClient> ClientAsAsync(string username)
    {
        var client = Factory.CreateClient();
        string? token;
        lock (tokens)
            tokens.TryGetValue(username, out token);
        if (token is null)
        {
            using var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password = DemoAccounts.Password });
            response.EnsureSuccessStatusCode();
            token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            lock (tokens)
                tokens[username] = token;
        }
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A grid's label point.</summary>
    public async Task<(double Lon, double Lat)> LabelPointAsync(string grid)
    {
        await using var command = DataSource.CreateCommand("SELECT ST_X(label_point), ST_Y(label_point) FROM grid WHERE code = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = grid });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDouble(0), reader.GetDouble(1));
    }
}

public sealed class PlanningApiTests(PlanningApiFixture fixture) : IClassFixture<PlanningApiFixture>
{
    private static string Path(string village, string rest = "") => $"/api/planning/villages/{village}{rest}";

    private static object NorthSouthLine(double lon, double lat) =>
        new { type = "LineString", coordinates = new[] { new[] { lon, lat + 0.02 }, new[] { lon, lat - 0.02 } } };

    private static Task<(int Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null) =>
        PopulationApiFixture.SendAsync(client, method, path, body);

    [Fact]
    public async Task A_planner_splits_a_grid_of_Zhangzi_sees_the_preview_and_publishes_it()
    {
        const string village = "140428203211";
        const string grid = "140428203211006";
        var planner = await fixture.ClientAsAsync("planner");
        var (lon, lat) = await fixture.LabelPointAsync(grid);
        var householdsBefore = await fixture.ScalarAsync<long>("SELECT count(*) FROM household WHERE grid_code = $1", grid);

        var (status, session) = await SendAsync(planner, HttpMethod.Get, Path(village));
        Assert.Equal(200, status);
        Assert.Equal((1, JsonValueKind.Null, JsonValueKind.Null),
            (session.GetProperty("version").GetInt32(), session.GetProperty("lock").ValueKind, session.GetProperty("draft").ValueKind));
        Assert.Equal(409, (await SendAsync(planner, HttpMethod.Get, Path(village, "/draft"))).Status);

        (status, var held) = await SendAsync(planner, HttpMethod.Post, Path(village, "/lock"));
        Assert.Equal(200, status);
        Assert.Equal("规划员 演示", held.GetProperty("holderName").GetString());
        (status, var draft) = await SendAsync(planner, HttpMethod.Get, Path(village, "/draft"));
        Assert.Equal(200, status);
        Assert.Equal("FeatureCollection", draft.GetProperty("grids").GetProperty("type").GetString());
        Assert.Equal(18, draft.GetProperty("grids").GetProperty("features").GetArrayLength());

        (status, draft) = await SendAsync(planner, HttpMethod.Post, Path(village, "/draft/edits"),
            new { draftVersion = 1, edit = "split", grid, line = NorthSouthLine(lon, lat) });
        Assert.Equal(200, status);
        Assert.Equal(2, draft.GetProperty("draftVersion").GetInt32());
        Assert.True(draft.GetProperty("canPublish").GetBoolean());
        var added = draft.GetProperty("grids").GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties")).Where(p => p.GetProperty("status").GetString() == "added").ToList();
        Assert.Equal(["140428203211019", "140428203211020"], added.Select(p => p.GetProperty("code").GetString()).Order());
        Assert.Equal(householdsBefore, added.Sum(p => p.GetProperty("households").GetInt32()));
        Assert.All(added, p => Assert.Equal(JsonValueKind.Array, p.GetProperty("warnings").ValueKind));
        Assert.Equal("split", draft.GetProperty("lineage")[0].GetProperty("edit").GetString());

        var managerName = await fixture.ScalarAsync<string>("SELECT name FROM grid_manager WHERE grid_code = $1", grid);
        // The reason is data, whatever it holds.
        const string reason = "沿道路拆分 '; DROP TABLE grid; --";
        (status, var published) = await SendAsync(planner, HttpMethod.Post, Path(village, "/publish"), new { draftVersion = 2, reason });
        Assert.Equal(200, status);
        Assert.Equal(2, published.GetProperty("version").GetInt32());
        Assert.Equal([grid], published.GetProperty("retired").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(householdsBefore, published.GetProperty("relinked").GetProperty("households").GetInt32());
        Assert.Equal(managerName, published.GetProperty("managers").GetProperty("carried")[0].GetProperty("name").GetString());
        Assert.Equal("gridmanager", published.GetProperty("managers").GetProperty("flagged")[0].GetProperty("username").GetString());
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM building WHERE grid_code = $1", grid));

        // As of a date: yesterday the point was in the retired grid, today in one of the halves.
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var at = $"/api/locate?lon={(lon - 0.0005).ToString(CultureInfo.InvariantCulture)}&lat={lat.ToString(CultureInfo.InvariantCulture)}";
        (status, var now) = await SendAsync(planner, HttpMethod.Get, at);
        var current = now.GetProperty("grid").GetProperty("code").GetString();
        Assert.Contains(current, published.GetProperty("added").EnumerateArray().Select(e => e.GetString()));
        (status, var then) = await SendAsync(planner, HttpMethod.Get, at + "&date=" + today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.Equal(200, status);
        Assert.Equal((grid, true), (then.GetProperty("grid").GetProperty("code").GetString(), then.GetProperty("retired").GetBoolean()));
        Assert.Equal(village, then.GetProperty("chain")[4].GetProperty("code").GetString());
        // The retired grid's area is that of its shape on the day, as PostGIS measures it.
        var areaThen = await fixture.ScalarAsync<double>("SELECT ST_Area(geom::geography) FROM grid_history WHERE code = $1", grid);
        Assert.Equal(areaThen, then.GetProperty("grid").GetProperty("areaM2").GetDouble(), 3);
        (status, var onDay) = await SendAsync(planner, HttpMethod.Get, at + "&date=" + today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.Equal((current, false), (onDay.GetProperty("grid").GetProperty("code").GetString(), onDay.GetProperty("retired").GetBoolean()));
        Assert.Equal(grid, (await SendAsync(planner, HttpMethod.Get, at + "&date=2013-06-01")).Body.GetProperty("grid").GetProperty("code").GetString());
        Assert.Equal(400, (await SendAsync(planner, HttpMethod.Get, at + "&date=2013-13-01")).Status);
        Assert.Equal(404, (await SendAsync(planner, HttpMethod.Get, "/api/locate?lon=100&lat=30&date=2013-06-01")).Status);

        (status, var versions) = await SendAsync(planner, HttpMethod.Get, Path(village, "/versions"));
        Assert.Equal(200, status);
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(reason, versions[0].GetProperty("reason").GetString());
        (status, var diff) = await SendAsync(planner, HttpMethod.Get, Path(village, "/versions/2/diff"));
        Assert.Equal(200, status);
        var changes = diff.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties"))
            .Select(p => (p.GetProperty("code").GetString(), p.GetProperty("change").GetString(), p.GetProperty("side").GetString())).ToList();
        Assert.Contains((grid, "retired", "before"), changes);
        Assert.Contains(("140428203211019", "added", "after"), changes);
        Assert.Equal(404, (await SendAsync(planner, HttpMethod.Get, Path(village, "/versions/9/diff"))).Status);
        (status, session) = await SendAsync(planner, HttpMethod.Get, Path(village));
        Assert.Equal((2, JsonValueKind.Null), (session.GetProperty("version").GetInt32(), session.GetProperty("draft").ValueKind));
        Assert.Equal(204, (await SendAsync(planner, HttpMethod.Delete, Path(village, "/lock"))).Status);
    }

    [Fact]
    public async Task The_lock_names_its_holder_and_refuses_other_planners()
    {
        const string village = "140428100202";
        var planner = await fixture.ClientAsAsync("planner");
        var other = await fixture.ClientAsAsync("planner2");
        Assert.Equal(200, (await SendAsync(planner, HttpMethod.Post, Path(village, "/lock"))).Status);

        var (status, refused) = await SendAsync(other, HttpMethod.Post, Path(village, "/lock"));
        Assert.Equal(409, status);
        Assert.Equal("planner", refused.GetProperty("holder").GetString());
        Assert.Equal("规划员 演示", refused.GetProperty("holderName").GetString());
        Assert.Contains("规划员 演示", refused.GetProperty("detail").GetString());
        Assert.Equal(409, (await SendAsync(other, HttpMethod.Post, Path(village, "/lock/extend"))).Status);
        Assert.Equal(409, (await SendAsync(other, HttpMethod.Get, Path(village, "/draft"))).Status);
        Assert.Equal(409, (await SendAsync(other, HttpMethod.Delete, Path(village, "/lock"))).Status);
        var (_, session) = await SendAsync(other, HttpMethod.Get, Path(village));
        Assert.Equal("planner", session.GetProperty("lock").GetProperty("holder").GetString());

        Assert.Equal(200, (await SendAsync(planner, HttpMethod.Post, Path(village, "/lock/extend"))).Status);
        Assert.Equal(204, (await SendAsync(planner, HttpMethod.Delete, Path(village, "/lock"))).Status);
        Assert.Equal(200, (await SendAsync(other, HttpMethod.Post, Path(village, "/lock"))).Status);
        Assert.Equal(204, (await SendAsync(other, HttpMethod.Delete, Path(village, "/lock"))).Status);
    }

    [Fact]
    public async Task Two_planners_publish_one_after_the_other_and_the_stale_one_gets_409_and_keeps_its_draft()
    {
        const string village = "140428100205";
        var (first, second) = (await fixture.ClientAsAsync("planner"), await fixture.ClientAsAsync("planner2"));
        var pair = await NeighboursAsync(village);

        Assert.Equal(200, (await SendAsync(first, HttpMethod.Post, Path(village, "/lock"))).Status);
        await SendAsync(first, HttpMethod.Get, Path(village, "/draft"));
        var (status, _) = await SendAsync(first, HttpMethod.Post, Path(village, "/draft/edits"),
            new { draftVersion = 1, edit = "dissolve", grid = pair.A, other = pair.B });
        Assert.Equal(200, status);
        Assert.Equal(204, (await SendAsync(first, HttpMethod.Delete, Path(village, "/lock"))).Status);

        Assert.Equal(200, (await SendAsync(second, HttpMethod.Post, Path(village, "/lock"))).Status);
        await SendAsync(second, HttpMethod.Get, Path(village, "/draft"));
        Assert.Equal(200, (await SendAsync(second, HttpMethod.Post, Path(village, "/draft/edits"),
            new { draftVersion = 1, edit = "merge", grid = pair.A, other = pair.B })).Status);
        Assert.Equal(200, (await SendAsync(second, HttpMethod.Post, Path(village, "/publish"), new { draftVersion = 2, reason = "合并" })).Status);
        Assert.Equal(204, (await SendAsync(second, HttpMethod.Delete, Path(village, "/lock"))).Status);

        Assert.Equal(200, (await SendAsync(first, HttpMethod.Post, Path(village, "/lock"))).Status);
        (status, var conflict) = await SendAsync(first, HttpMethod.Post, Path(village, "/publish"), new { draftVersion = 2, reason = "late" });
        Assert.Equal(409, status);
        Assert.Equal(2, conflict.GetProperty("currentVersion").GetInt32());
        Assert.Equal(new[] { pair.A, pair.B }.Order(), conflict.GetProperty("changed").GetProperty("retired").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal(1, conflict.GetProperty("changed").GetProperty("added").GetArrayLength());
        Assert.Contains(pair.A, conflict.GetProperty("alsoEditedInDraft").EnumerateArray().Select(e => e.GetString()));
        var (_, kept) = await SendAsync(first, HttpMethod.Get, Path(village, "/draft"));
        Assert.Equal((2, 1), (kept.GetProperty("draftVersion").GetInt32(), kept.GetProperty("baseVersion").GetInt32()));
        Assert.Equal(2, await fixture.ScalarAsync<int>("SELECT max(version) FROM grid_version WHERE village_code = $1", village));
        Assert.Equal(204, (await SendAsync(first, HttpMethod.Delete, Path(village, "/draft"))).Status);
        Assert.Equal(204, (await SendAsync(first, HttpMethod.Delete, Path(village, "/lock"))).Status);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_problem_json_and_changes_nothing()
    {
        const string village = "140428100210";
        var planner = await fixture.ClientAsAsync("planner");
        var grids = await fixture.ScalarAsync<string[]>("SELECT array_agg(code ORDER BY code) FROM grid WHERE village_code = $1", village);
        var (lon, lat) = await fixture.LabelPointAsync(grids[0]);
        Assert.Equal(200, (await SendAsync(planner, HttpMethod.Post, Path(village, "/lock"))).Status);
        Assert.Equal(200, (await SendAsync(planner, HttpMethod.Get, Path(village, "/draft"))).Status);
        var tiles = await fixture.ScalarAsync<long>("SELECT count(*) FROM tile_invalidation");

        object Square(double size) => new
        {
            type = "Polygon",
            coordinates = new[] { new[] { new[] { lon, lat }, new[] { lon + size, lat }, new[] { lon + size, lat + size }, new[] { lon, lat + size }, new[] { lon, lat } } },
        };
        var bowTie = new
        {
            type = "Polygon",
            coordinates = new[] { new[] { new[] { lon, lat }, new[] { lon + 0.002, lat + 0.002 }, new[] { lon + 0.002, lat }, new[] { lon, lat + 0.002 }, new[] { lon, lat } } },
        };
        var loop = new
        {
            type = "LineString",
            coordinates = new[] { new[] { lon, lat + 0.02 }, new[] { lon, lat - 0.02 }, new[] { lon + 0.001, lat }, new[] { lon - 0.001, lat } },
        };
        var cases = new (int Status, HttpMethod Method, string Path, object? Body)[]
        {
            (400, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 1, edit = "split", grid = grids[0], line = new { type = "LineString", coordinates = "x" } }),
            (400, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 1, edit = "split", grid = grids[0], line = new { type = "Point", coordinates = new[] { lon, lat } } }),
            (400, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 1, edit = "split", grid = grids[0], line = new { type = "LineString", coordinates = new[] { new[] { 200.0, 95.0 }, new[] { 201.0, 95.0 } } } }),
            (422, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 1, edit = "split", grid = grids[0], line = loop }),
            (422, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 1, edit = "carve", polygon = bowTie }),
            (422, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 1, edit = "merge", grid = grids[0], other = "140428100210999" }),
            (422, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 1, edit = "split", grid = grids[0], line = NorthSouthLine(lon + 0.5, lat) }),
            (400, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 1, edit = "explode", grid = grids[0] }),
            (400, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 1, edit = "merge", grid = "'; DROP TABLE grid; --", other = grids[1] }),
            (409, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 7, edit = "carve", polygon = Square(0.001) }),
            (422, HttpMethod.Put, Path(village, "/draft"), new { draftVersion = 1, grids = new { type = "FeatureCollection", features = new[] { new { type = "Feature", geometry = new { type = "Polygon", coordinates = 5 }, properties = new { code = grids[0] } } } } }),
            (422, HttpMethod.Put, Path(village, "/draft"), new { draftVersion = 1, grids = new { type = "FeatureCollection", features = new[] { new { type = "Feature", geometry = Square(0.001), properties = new { code = "140428999999001" } } } } }),
            (422, HttpMethod.Put, Path(village, "/draft"), new { draftVersion = 1, grids = new { type = "FeatureCollection", features = new[] { new { type = "Feature", geometry = Square(0.001), properties = new { code = "'; DROP TABLE grid; --" } } } } }),
            (400, HttpMethod.Post, Path(village, "/publish"), new { draftVersion = 1 }),
            (422, HttpMethod.Post, Path(village, "/publish"), new { draftVersion = 1, reason = "nothing changed" }),
            (400, HttpMethod.Get, Path("'; DROP TABLE grid; --"), null),
            (404, HttpMethod.Post, Path("140429100002", "/lock"), null),
            (404, HttpMethod.Get, Path("140428999999"), null),
        };
        foreach (var (expected, method, path, body) in cases)
        {
            var (status, problem) = await SendAsync(planner, method, path, body);
            Assert.True(expected == status, $"{method} {path} {JsonSerializer.Serialize(body)}: expected {expected}, got {status}: {problem}");
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        }
        var county = await fixture.ClientAsAsync("county");
        Assert.Equal(403, (await SendAsync(county, HttpMethod.Post, Path(village, "/lock"))).Status);
        Assert.Equal(403, (await SendAsync(county, HttpMethod.Get, Path(village, "/versions"))).Status);
        using (var anonymous = fixture.Factory.CreateClient())
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Path(village))).StatusCode);

        using var huge = new HttpRequestMessage(HttpMethod.Post, Path(village, "/draft/edits"))
        {
            Content = new StringContent($"{{\"draftVersion\":1,\"edit\":\"split\",\"grid\":\"{new string('1', 70_000)}\"}}", Encoding.UTF8, "application/json"),
        };
        using var tooLarge = await planner.SendAsync(huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);

        var (_, draft) = await SendAsync(planner, HttpMethod.Get, Path(village, "/draft"));
        Assert.Equal(1, draft.GetProperty("draftVersion").GetInt32());
        Assert.All(draft.GetProperty("grids").GetProperty("features").EnumerateArray(),
            f => Assert.Equal("kept", f.GetProperty("properties").GetProperty("status").GetString()));
        Assert.Equal((long)grids.Length, await fixture.ScalarAsync<long>("SELECT count(*) FROM grid WHERE village_code = $1", village));
        Assert.Equal(1, await fixture.ScalarAsync<int>("SELECT max(version) FROM grid_version WHERE village_code = $1", village));
        Assert.Equal(tiles, await fixture.ScalarAsync<long>("SELECT count(*) FROM tile_invalidation"));
        Assert.Equal(204, (await SendAsync(planner, HttpMethod.Delete, Path(village, "/draft"))).Status);
        Assert.Equal(204, (await SendAsync(planner, HttpMethod.Delete, Path(village, "/lock"))).Status);
    }

    [Fact]
    public async Task Carving_a_grid_and_reshaping_a_shared_edge_through_the_API()
    {
        const string village = "140428100212";
        var planner = await fixture.ClientAsAsync("planner");
        var pair = await NeighboursAsync(village);
        Assert.Equal(200, (await SendAsync(planner, HttpMethod.Post, Path(village, "/lock"))).Status);
        Assert.Equal(200, (await SendAsync(planner, HttpMethod.Get, Path(village, "/draft"))).Status);

        // The shared edge's ends as stored, and a new edge between them bowed 5 m to one side.
        await using var command = fixture.DataSource.CreateCommand("""
            SELECT ST_X(ST_StartPoint(e)), ST_Y(ST_StartPoint(e)), ST_X(ST_EndPoint(e)), ST_Y(ST_EndPoint(e)),
                   ST_X(ST_LineInterpolatePoint(e, 0.5)), ST_Y(ST_LineInterpolatePoint(e, 0.5))
            FROM (SELECT ST_LineMerge(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) AS e FROM grid a, grid b WHERE a.code = $1 AND b.code = $2) s
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = pair.A });
        command.Parameters.Add(new NpgsqlParameter { Value = pair.B });
        double[] e;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            e = [.. Enumerable.Range(0, 6).Select(reader.GetDouble)];
        }
        var (dx, dy) = (e[2] - e[0], e[3] - e[1]);
        var scale = 0.00005 / Math.Sqrt(dx * dx + dy * dy);
        var bowed = new { type = "LineString", coordinates = new[] { new[] { e[0], e[1] }, new[] { e[4] - dy * scale, e[5] + dx * scale }, new[] { e[2], e[3] } } };
        var (status, draft) = await SendAsync(planner, HttpMethod.Post, Path(village, "/draft/edits"),
            new { draftVersion = 1, edit = "reshapeEdge", grid = pair.A, other = pair.B, line = bowed });
        Assert.True(status == 200, draft.ToString());
        var reshaped = draft.GetProperty("grids").GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties"))
            .Where(p => p.GetProperty("status").GetString() == "reshaped").Select(p => p.GetProperty("code").GetString()).Order();
        Assert.Equal(new[] { pair.A, pair.B }.Order(), reshaped);

        var (lon, lat) = await fixture.LabelPointAsync(pair.A);
        var square = new
        {
            type = "Polygon",
            coordinates = new[] { new[] { new[] { lon - 0.0006, lat - 0.0006 }, new[] { lon + 0.0006, lat - 0.0006 }, new[] { lon + 0.0006, lat + 0.0006 }, new[] { lon - 0.0006, lat + 0.0006 }, new[] { lon - 0.0006, lat - 0.0006 } } },
        };
        (status, draft) = await SendAsync(planner, HttpMethod.Post, Path(village, "/draft/edits"), new { draftVersion = 2, edit = "carve", polygon = square });
        Assert.True(status == 200, draft.ToString());
        Assert.Equal(3, draft.GetProperty("draftVersion").GetInt32());
        var grids = await fixture.ScalarAsync<long>("SELECT count(*) FROM grid WHERE village_code = $1", village);
        Assert.Equal($"{village}{grids + 1:D3}", Assert.Single(draft.GetProperty("grids").GetProperty("features").EnumerateArray(),
            f => f.GetProperty("properties").GetProperty("status").GetString() == "added").GetProperty("properties").GetProperty("code").GetString());
        Assert.Equal("carve", draft.GetProperty("lineage")[1].GetProperty("edit").GetString());

        (status, var published) = await SendAsync(planner, HttpMethod.Post, Path(village, "/publish"), new { draftVersion = 3, reason = "新网格" });
        Assert.True(status == 200, published.ToString());
        Assert.Contains(pair.B, published.GetProperty("reshaped").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(grids + 1, await fixture.ScalarAsync<long>("SELECT count(*) FROM grid WHERE village_code = $1", village));
        Assert.Equal(204, (await SendAsync(planner, HttpMethod.Delete, Path(village, "/lock"))).Status);
    }

    /// <summary>Two grids of the village sharing the longest edge.</summary>
    private async Task<(string A, string B)> NeighboursAsync(string village)
    {
        var codes = await fixture.ScalarAsync<string[]>("""
            SELECT ARRAY[a.code, b.code] FROM grid a JOIN grid b ON a.code < b.code AND a.geom && b.geom
            WHERE a.village_code = $1 AND b.village_code = $1
            ORDER BY ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) DESC LIMIT 1
            """, village);
        return (codes[0], codes[1]);
    }
}
