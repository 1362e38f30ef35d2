using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Geometry;
using GridMap.Domain.Topology;
using GridMap.Store.Accounts;
using GridMap.Store.Boundaries;
using GridMap.Store.Database;
using GridMap.Store.Events;
using GridMap.Store.Notifications;
using GridMap.Store.Planning;
using GridMap.Testing;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridMap.Store.Tests;

/// <summary>
/// Boundary editing against the real province: locks on a manual clock, a split of a real grid of 长子县 published
/// and checked by PostGIS (codes, re-linking, managers, tiles, history, as-of), a stale publish, a rejected publish.
/// </summary>
public sealed class PlanningStoreTests
{
    private const string Village = "140428203211";
    private const string SplitGrid = "140428203211006";

    private static readonly AdminCode VillageCode = AdminCode.Parse(Village);

    /// <summary>10:00 on 28 Nov 2026, China Standard Time.</summary>
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);

    private static Caller Planner(string username = "planner", string scope = "140428") =>
        new(username, Role.Planner, AdminCode.Parse(scope), new HashSet<DataCategory> { DataCategory.Buildings }, false, null);

    private sealed class Scenario : IAsyncDisposable
    {
        public required OwnDatabase Database { get; init; }
        public required NpgsqlDataSource DataSource { get; init; }
        public required ManualClock Clock { get; init; }
        public required PlanningStore Store { get; init; }

        public Task<T> ScalarAsync<T>(string sql, params object[] parameters) => DataSource.ScalarAsync<T>(sql, parameters);

        public async ValueTask DisposeAsync()
        {
            await DataSource.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    private static async Task<Scenario> ScenarioAsync(string purpose)
    {
        var database = await TestDatabases.CreateAsync(purpose, withProvince: true);
        var dataSource = GridMapDataSource.Create(database.ConnectionString, "gridmap-tests");
        var accounts = new AccountStore(dataSource);
        await DemoAccounts.EnsureAsync(accounts);
        await accounts.CreateAsync(new NewAccount("planner2", "规划员二 演示", DemoAccounts.Password, Role.Planner, AdminCode.Parse("140428")));
        var clock = new ManualClock(Start);
        return new Scenario { Database = database, DataSource = dataSource, Clock = clock, Store = new PlanningStore(dataSource, clock) };
    }

    [Fact]
    public async Task A_lock_is_taken_extended_refused_to_others_and_lapses_after_two_hours()
    {
        await using var s = await ScenarioAsync("planlock");
        var taken = await s.Store.AcquireLockAsync(Planner(), VillageCode);
        Ok(taken);
        Assert.Equal("planner", taken.Value!.Holder);
        Assert.Equal("规划员 演示", taken.Value.HolderName);
        Assert.Equal(Start + TimeSpan.FromHours(2), taken.Value.ExpiresAt);

        var other = await s.Store.AcquireLockAsync(Planner("planner2"), VillageCode);
        Assert.Equal(PlanningProblem.Locked, other.Problem?.Code);
        Assert.Contains("规划员 演示", other.Problem!.Message);
        Assert.Equal("planner", Member(other, "holder"));
        Assert.Equal(PlanningProblem.Locked, (await s.Store.GetDraftAsync(Planner("planner2"), VillageCode)).Problem?.Code);

        s.Clock.Advance(TimeSpan.FromHours(1));
        var extended = await s.Store.ExtendLockAsync(Planner(), VillageCode);
        Assert.Equal(Start + TimeSpan.FromHours(3), extended.Value!.ExpiresAt);
        Assert.Equal(PlanningProblem.Locked, (await s.Store.ExtendLockAsync(Planner("planner2"), VillageCode)).Problem?.Code);

        s.Clock.Advance(TimeSpan.FromHours(2));
        var session = await s.Store.SessionAsync(Planner("planner2"), VillageCode);
        Assert.Null(session.Value!.Lock);
        Assert.Equal(PlanningProblem.Locked, (await s.Store.GetDraftAsync(Planner(), VillageCode)).Problem?.Code);
        Ok(await s.Store.AcquireLockAsync(Planner("planner2"), VillageCode));
        Assert.Equal(PlanningProblem.Locked, (await s.Store.ExtendLockAsync(Planner(), VillageCode)).Problem?.Code);

        Assert.Equal(PlanningProblem.NotAPlanner, (await s.Store.AcquireLockAsync(
            new Caller("county", Role.CountyStaff, AdminCode.Parse("140428"), new HashSet<DataCategory>(), false, null), VillageCode)).Problem?.Code);
        Assert.Equal(PlanningProblem.NotFound, (await s.Store.AcquireLockAsync(Planner(scope: "140429"), VillageCode)).Problem?.Code);
    }

    [Fact]
    public async Task The_frame_gives_back_every_stored_vertex_exactly()
    {
        await using var dataSource = GridMapDataSource.Create(await TestDatabases.ProvinceAsync(), "gridmap-tests");
        await using var command = dataSource.CreateCommand("SELECT code, geom FROM grid WHERE village_code = $1 ORDER BY code");
        command.Parameters.Add(new NpgsqlParameter { Value = Village });
        var grids = new List<(string Code, Geometry Shape)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                grids.Add((reader.GetString(0), reader.GetFieldValue<Geometry>(1)));

        var frame = new VillageFrame(112.88);
        Assert.Equal(4547, frame.Srid);
        foreach (var (code, shape) in grids)
        {
            var metres = frame.ToMetres(shape);
            Assert.All(metres.Coordinates, c => Assert.Equal(c.X, Math.Round(c.X, 3)));
            var back = frame.ToLonLat(metres);
            await using var same = dataSource.CreateCommand("SELECT ST_AsEWKB(geom) = ST_AsEWKB($2) FROM grid WHERE code = $1");
            same.Parameters.Add(new NpgsqlParameter { Value = code });
            same.Parameters.Add(new NpgsqlParameter { Value = back });
            Assert.True((bool)(await same.ExecuteScalarAsync())!, $"{code} came back changed");
        }
        // A vertex an edit creates is inverse-projected: within a millimetre of where it was drawn.
        var drawn = Geo.Factory.CreatePoint(new Coordinate(112.87, 36.116));
        var there = (Point)frame.ToLonLat(frame.ProjectDrawn(drawn));
        Assert.True(Math.Abs(there.X - 112.87) < 1e-8 && Math.Abs(there.Y - 36.116) < 1e-8);
    }

    [Fact]
    public async Task Splitting_a_grid_and_publishing_relinks_buildings_households_events_and_managers()
    {
        await using var s = await ScenarioAsync("plansplit");
        var (lon, lat) = await LabelPointAsync(s, SplitGrid);
        var events = new EventStore(s.DataSource, s.Clock);
        var west = (await events.IntakeAsync(null, "public", new NewReport("0601", "西边 west", lon - 0.0005, lat, EventChannels.Web, "plan-west-0001"))).Value!;
        var east = (await events.IntakeAsync(null, "public", new NewReport("0601", "东边 east", lon + 0.0005, lat, EventChannels.Web, "plan-east-0001"))).Value!;
        var closed = (await events.IntakeAsync(null, "public", new NewReport("0601", "已结案 closed", lon + 0.0005, lat + 0.0002, EventChannels.Web, "plan-closed-01"))).Value!;
        await s.ScalarAsync<int>("WITH u AS (UPDATE event SET state = 'Closed' WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM u", closed.Id);
        var buildingsBefore = await s.ScalarAsync<long>("SELECT count(*) FROM building WHERE grid_code = $1", SplitGrid);
        var householdsBefore = await s.ScalarAsync<long>("SELECT count(*) FROM household WHERE grid_code = $1", SplitGrid);
        var oldVertices = (await GeometryAsync(s, "SELECT geom FROM grid WHERE code = $1", SplitGrid)).Coordinates.ToHashSet();
        var tilesBefore = await s.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM tile_invalidation");

        var planner = Planner();
        Ok(await s.Store.AcquireLockAsync(planner, VillageCode));
        var managerName = await s.ScalarAsync<string>("SELECT name FROM grid_manager WHERE grid_code = $1", SplitGrid);
        var draft = (await s.Store.GetDraftAsync(planner, VillageCode)).Value!;
        Assert.Equal(1, draft.DraftVersion);
        Assert.Equal(1, draft.BaseVersion);
        Assert.Equal(18, draft.Grids.Features.Count);
        Assert.Empty(draft.Violations);
        Assert.False(draft.CanPublish);
        Assert.Equal(2, draft.Grids.Features.Single(f => f.Properties.Code == SplitGrid).Properties.OpenEvents);

        var line = Geo.Factory.CreateLineString([new(lon, lat + 0.02), new(lon, lat - 0.02)]);
        var stale = await s.Store.EditDraftAsync(planner, VillageCode, 7, new DraftEdit("split", SplitGrid, Line: line));
        Assert.Equal(PlanningProblem.StaleDraft, stale.Problem?.Code);
        var edited = await s.Store.EditDraftAsync(planner, VillageCode, 1, new DraftEdit("split", SplitGrid, Line: line));
        Ok(edited);
        draft = edited.Value!;
        Assert.Equal(2, draft.DraftVersion);
        Assert.Empty(draft.Violations);
        Assert.True(draft.CanPublish, string.Join(",", draft.Grids.Features.Select(f => f.Properties.Code + ":" + f.Properties.Status)));
        var added = draft.Grids.Features.Where(f => f.Properties.Status == "added").ToList();
        Assert.Equal(["140428203211019", "140428203211020"], added.Select(f => f.Properties.Code).Order());
        // The halves are numbered in the village's reading order (W→E in bands, then N→S), after the kept grids.
        var frame = new VillageFrame(lon);
        var reading = GridNumbering.Assign([.. draft.Grids.Features.OrderBy(f => f.Properties.Code).Select(f => frame.ToMetres(f.Geometry))]);
        Assert.True(reading[^2] < reading[^1]);
        Assert.Equal(householdsBefore, added.Sum(f => f.Properties.Households));
        Assert.Equal(2, added.Sum(f => f.Properties.OpenEvents));
        Assert.Single(draft.Lineage);

        await using var listener = await s.DataSource.OpenConnectionAsync();
        var notices = new List<string>();
        listener.Notification += (_, e) => notices.Add(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channels.Events}", listener))
            await listen.ExecuteNonQueryAsync();

        var published = await s.Store.PublishAsync(planner, VillageCode, 2, "按道路拆分 split along the road");
        Ok(published);
        // Live maps hear of both moved events in one notice, delivered with the commit.
        bool Moved(string payload) => payload.Split(',').Select(e => e.Split(' ')[0]).ToHashSet().IsSupersetOf([$"{west.Id}", $"{east.Id}"]);
        while (!notices.Any(Moved))
            Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(30)), "no notice of the moved events");
        var result = published.Value!;
        Assert.Equal(2, result.Version);
        Assert.Equal(["140428203211019", "140428203211020"], result.Added);
        Assert.Equal([SplitGrid], result.Retired);
        Assert.Empty(result.Reshaped);
        var lineage = Assert.Single(result.Lineage);
        Assert.Equal("split", lineage.Edit);
        Assert.Equal([SplitGrid], lineage.From);
        Assert.Equal(["140428203211019", "140428203211020"], lineage.To.Order());

        // PostGIS agrees with every count.
        Assert.Equal(0L, await s.ScalarAsync<long>("SELECT count(*) FROM grid WHERE code = $1", SplitGrid));
        Assert.Equal(buildingsBefore, await s.ScalarAsync<long>("SELECT count(*) FROM building WHERE grid_code IN ('140428203211019', '140428203211020')"));
        Assert.Equal(buildingsBefore, (long)result.Relinked.Buildings);
        Assert.Equal(buildingsBefore, await s.ScalarAsync<long>("SELECT count(*) FROM building_code_change WHERE old_code LIKE $1 || '%'", SplitGrid));
        Assert.Equal(0L, await s.ScalarAsync<long>("SELECT count(*) FROM building WHERE code <> grid_code || lpad(seq::text, 5, '0') OR grid_code = $1", SplitGrid));
        Assert.Equal(householdsBefore, (long)result.Relinked.Households);
        Assert.Equal(householdsBefore, await s.ScalarAsync<long>("SELECT count(*) FROM household WHERE grid_code IN ('140428203211019', '140428203211020')"));
        Assert.Equal(0L, await s.ScalarAsync<long>("SELECT count(*) FROM person WHERE grid_code = $1", SplitGrid));
        Assert.Equal(householdsBefore, await s.ScalarAsync<long>("SELECT sum(households) FROM grid WHERE code IN ('140428203211019', '140428203211020')"));
        Assert.Equal(2, result.Relinked.Events);
        const string underEvent = "SELECT g.code FROM event e JOIN grid g ON ST_Covers(g.geom, e.geom) WHERE e.id = $1 AND e.grid_code = g.code";
        Assert.Equal(result.Added, new[] { await s.ScalarAsync<string>(underEvent, west.Id), await s.ScalarAsync<string>(underEvent, east.Id) }.Order());
        Assert.Equal(SplitGrid, await s.ScalarAsync<string>("SELECT grid_code FROM event WHERE id = $1", closed.Id));
        Assert.Null(await events.VerifyChainAsync(west.Id));

        // Indicators follow: each half counts the open event now on it, the retired grid keeps its finished one, and
        // the village counts every event it had.
        var kpi = new GridMap.Store.Kpi.KpiStore(s.DataSource, s.Clock);
        var (from, to) = (new DateOnly(2000, 1, 1), new DateOnly(2099, 12, 31));
        await kpi.RefreshAllAsync();
        Assert.Equal(1, (await kpi.GetReportAsync(AdminCode.Parse(SplitGrid), from, to))!.Counters.Reported);
        foreach (var code in result.Added)
            Assert.Equal(1, (await kpi.GetReportAsync(AdminCode.Parse(code), from, to))!.Counters.Reported);
        Assert.Equal(await s.ScalarAsync<long>("SELECT count(*) FROM event WHERE village_code = $1", Village),
            (long)(await kpi.GetReportAsync(VillageCode, from, to))!.Counters.Reported);

        // The manager goes to the larger half; the other half is vacant; the demo grid manager's account is flagged.
        var carried = Assert.Single(result.Managers.Carried);
        Assert.Equal((SplitGrid, managerName), (carried.From, carried.Name));
        Assert.Equal(carried.To, await s.ScalarAsync<string>(
            "SELECT grid_code FROM grid_manager WHERE name = $1 AND starts_with(grid_code, $2)", managerName, Village));
        var flagged = Assert.Single(result.Managers.Flagged);
        Assert.Equal((SplitGrid, "gridmanager", "account"), (flagged.From, flagged.Username, flagged.Kind));
        Assert.Equal(17 + 2, await s.ScalarAsync<int>("SELECT grid_count FROM unit_grid_summary WHERE unit_code = $1", Village));

        // The written halves share every vertex of the old grid exactly, and nothing overlaps its untouched neighbours.
        var newVertices = (await GeometryAsync(s, "SELECT ST_Collect(geom) FROM grid WHERE code IN ('140428203211019', '140428203211020')")).Coordinates.ToHashSet();
        Assert.Subset(newVertices, oldVertices);
        var overlap = await s.ScalarAsync<double>(
            "SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0) FROM grid a JOIN grid b ON a.code < b.code AND a.geom && b.geom " +
            "WHERE a.village_code = $1 AND b.village_code = $1", Village);
        // Cut points are snapped to the layout's millimetre grid, so a neighbour's edge they lie on may cross a half by
        // under a millimetre: slivers of a few hundredths of a m², far below what the topology rules call an overlap.
        Assert.True(overlap < TopologyRules.Default.AreaTolerance / 5, $"grids of the village overlap by {overlap} m²");

        // Tiles: every invalidation the publish recorded lies around the split grid, and there are some.
        Assert.True(await s.ScalarAsync<long>("SELECT count(*) FROM tile_invalidation WHERE id > $1 AND layer = 'grids'", tilesBefore) >= 3);
        Assert.Equal(0L, await s.ScalarAsync<long>(
            "SELECT count(*) FROM tile_invalidation t, grid_history h WHERE t.id > $1 AND h.code = $2 " +
            "AND NOT ST_Covers(ST_Buffer(ST_Transform(h.geom, 3857), 1), t.area)", tilesBefore, SplitGrid));

        // History, versions, diff and as-of.
        var versions = (await s.Store.VersionsAsync(planner, VillageCode)).Value!;
        Assert.Equal([2, 1], versions.Select(v => v.Version));
        Assert.Equal("planner", versions[0].Author);
        var diff = (await s.Store.DiffAsync(planner, VillageCode, 2)).Value!;
        Assert.Contains(diff.Features, f => f.Properties == new DiffProperties(SplitGrid, "retired", "before"));
        Assert.Equal(2, diff.Features.Count(f => f.Properties.Change == "added" && f.Properties.Side == "after"));
        Assert.Equal(17, diff.Features.Count(f => f.Properties.Change == "kept"));
        var before = await s.Store.GridOnDateAsync(lon - 0.0005, lat, new DateOnly(2026, 11, 27));
        Assert.Equal((SplitGrid, true), (before!.Code, before.Retired));
        var after = await s.Store.GridOnDateAsync(lon - 0.0005, lat, new DateOnly(2026, 11, 28));
        Assert.Equal((await s.ScalarAsync<string>("SELECT grid_code FROM event WHERE id = $1", west.Id), false), (after!.Code, after.Retired));
        Assert.Equal(SplitGrid, (await s.Store.GridOnDateAsync(lon - 0.0005, lat, new DateOnly(2013, 6, 1)))!.Code);

        // The next split numbers above everything ever used: 006 is never given again.
        var next = (await s.Store.GetDraftAsync(planner, VillageCode)).Value!;
        Assert.Equal(2, next.BaseVersion);
        var (lon15, lat15) = await LabelPointAsync(s, "140428203211019");
        var again = await s.Store.EditDraftAsync(planner, VillageCode, next.DraftVersion, new DraftEdit("split", "140428203211019",
            Line: Geo.Factory.CreateLineString([new(lon15 - 0.02, lat15), new(lon15 + 0.02, lat15)])));
        Ok(again);
        Assert.Equal(["140428203211021", "140428203211022"],
            again.Value!.Grids.Features.Where(f => f.Properties.Status == "added").Select(f => f.Properties.Code).Order());
    }

    [Fact]
    public async Task A_publish_from_a_stale_base_gets_what_changed_and_keeps_its_draft()
    {
        await using var s = await ScenarioAsync("planstale");
        var first = Planner();
        var second = Planner("planner2");
        await s.Store.AcquireLockAsync(first, VillageCode);
        await s.Store.GetDraftAsync(first, VillageCode);
        var merged = await s.Store.EditDraftAsync(first, VillageCode, 1, new DraftEdit("dissolve", "140428203211006", "140428203211007"));
        Ok(merged);
        await s.Store.ReleaseLockAsync(first, VillageCode);

        await s.Store.AcquireLockAsync(second, VillageCode);
        await s.Store.GetDraftAsync(second, VillageCode);
        var (lon, lat) = await LabelPointAsync(s, SplitGrid);
        var split = await s.Store.EditDraftAsync(second, VillageCode, 1, new DraftEdit("split", SplitGrid,
            Line: Geo.Factory.CreateLineString([new(lon, lat + 0.02), new(lon, lat - 0.02)])));
        Ok(split);
        Ok(await s.Store.PublishAsync(second, VillageCode, 2, "second planner first"));
        await s.Store.ReleaseLockAsync(second, VillageCode);

        await s.Store.AcquireLockAsync(first, VillageCode);
        var refused = await s.Store.PublishAsync(first, VillageCode, 2, "first planner, late");
        Assert.Equal(PlanningProblem.StaleBase, refused.Problem?.Code);
        Assert.Equal(2, Member(refused, "currentVersion"));
        var changed = (ChangesView)Member(refused, "changed")!;
        Assert.Equal([SplitGrid], changed.Retired);
        Assert.Equal(2, changed.Added.Count);
        Assert.Equal([SplitGrid], (IReadOnlyList<string>)Member(refused, "alsoEditedInDraft")!);
        var kept = (await s.Store.GetDraftAsync(first, VillageCode)).Value!;
        Assert.Equal((2, 1), (kept.DraftVersion, kept.BaseVersion));
        Assert.DoesNotContain(kept.Grids.Features, f => f.Properties.Code == SplitGrid);
        Assert.Equal(2, await s.ScalarAsync<int>("SELECT max(version) FROM grid_version WHERE village_code = $1", Village));
    }

    [Fact]
    public async Task A_publish_PostGIS_rejects_writes_nothing()
    {
        await using var s = await ScenarioAsync("planreject");
        var planner = Planner();
        await s.Store.AcquireLockAsync(planner, VillageCode);
        await s.Store.GetDraftAsync(planner, VillageCode);
        var (lon, lat) = await LabelPointAsync(s, SplitGrid);
        await s.Store.EditDraftAsync(planner, VillageCode, 1, new DraftEdit("split", SplitGrid,
            Line: Geo.Factory.CreateLineString([new(lon, lat + 0.02), new(lon, lat - 0.02)])));
        var buildingCodes = await s.ScalarAsync<string>("SELECT string_agg(code, ',' ORDER BY id) FROM building WHERE grid_code LIKE $1 || '%'", Village);
        var tiles = await s.ScalarAsync<long>("SELECT count(*) FROM tile_invalidation");
        // A writer bug the Domain cannot see: every inserted grid lands 90 m east of where the draft put it.
        await s.ScalarAsync<int>("""
            CREATE FUNCTION shift_new_grids() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.geom := ST_Translate(NEW.geom, 0.001, 0); RETURN NEW; END; $$;
            CREATE TRIGGER shift_new_grids BEFORE INSERT ON grid FOR EACH ROW EXECUTE FUNCTION shift_new_grids();
            SELECT 1
            """);

        var rejected = await s.Store.PublishAsync(planner, VillageCode, 2, "rejected");
        Assert.Equal(PlanningProblem.Refused, rejected.Problem?.Code);
        Assert.Contains("PostGIS", rejected.Problem!.Message);
        Assert.Contains(Violations(rejected), v => v.Rule == "overlap");

        Assert.Equal(1L, await s.ScalarAsync<long>("SELECT count(*) FROM grid WHERE code = $1", SplitGrid));
        Assert.Equal(18L, await s.ScalarAsync<long>("SELECT count(*) FROM grid WHERE village_code = $1", Village));
        Assert.Equal(1, await s.ScalarAsync<int>("SELECT max(version) FROM grid_version WHERE village_code = $1", Village));
        Assert.Equal(buildingCodes, await s.ScalarAsync<string>("SELECT string_agg(code, ',' ORDER BY id) FROM building WHERE grid_code LIKE $1 || '%'", Village));
        Assert.Equal(tiles, await s.ScalarAsync<long>("SELECT count(*) FROM tile_invalidation"));
        Assert.Equal(0L, await s.ScalarAsync<long>("SELECT count(*) FROM grid_retired"));
        Assert.Equal(2, (await s.Store.GetDraftAsync(planner, VillageCode)).Value!.DraftVersion);
    }

    [Fact]
    public async Task Replacing_the_draft_from_features_keeps_given_codes_numbers_new_ones_and_reports_violations()
    {
        await using var s = await ScenarioAsync("planreplace");
        var planner = Planner();
        await s.Store.AcquireLockAsync(planner, VillageCode);
        var draft = (await s.Store.GetDraftAsync(planner, VillageCode)).Value!;
        // As an importer reads a file back: every grid with its code, except one left without (a new grid in its place).
        var features = draft.Grids.Features.Select(f => new DraftFeature(f.Properties.Code == SplitGrid ? null : f.Properties.Code, f.Geometry)).ToList();
        var replaced = await s.Store.ReplaceDraftAsync(planner, VillageCode, 1, features);
        Ok(replaced);
        Assert.Equal(2, replaced.Value!.DraftVersion);
        Assert.Empty(replaced.Value.Violations);
        Assert.Equal("140428203211019", Assert.Single(replaced.Value.Grids.Features, f => f.Properties.Status == "added").Properties.Code);
        Assert.DoesNotContain(replaced.Value.Grids.Features, f => f.Properties.Status == "reshaped");
        Assert.Equal("replace", Assert.Single(replaced.Value.Lineage).Edit);

        // An overlapping grid is kept in the draft, reported with where it goes wrong, and blocks publishing.
        var grown = features.Select(f => f.Code == "140428203211007" ? f with { Geometry = f.Geometry.Buffer(0.0003) } : f).ToList();
        var overlapping = await s.Store.ReplaceDraftAsync(planner, VillageCode, 2, grown);
        Ok(overlapping);
        Assert.False(overlapping.Value!.CanPublish);
        var overlap = overlapping.Value.Violations.First(v => v.Rule == "overlap");
        Assert.Contains("140428203211007", overlap.GridCodes);
        Assert.Equal(4490, overlap.Location.SRID);
        Assert.Equal(PlanningProblem.Refused, (await s.Store.PublishAsync(planner, VillageCode, 3, "overlaps")).Problem?.Code);

        Assert.Equal(PlanningProblem.Refused, (await s.Store.ReplaceDraftAsync(planner, VillageCode, 3,
            [new DraftFeature("140428999999001", features[0].Geometry)])).Problem?.Code);
        Assert.Equal(PlanningProblem.StaleDraft, (await s.Store.ReplaceDraftAsync(planner, VillageCode, 2, features)).Problem?.Code);

        Ok(await s.Store.ReplaceDraftAsync(planner, VillageCode, 3, features));
        var published = await s.Store.PublishAsync(planner, VillageCode, 4, "renumbered from a file");
        Ok(published);
        Assert.Equal(["140428203211019"], published.Value!.Added);
        Assert.Equal([SplitGrid], published.Value.Retired);
        Assert.True(await s.ScalarAsync<bool>("SELECT ST_AsEWKB(n.geom) = ST_AsEWKB(o.geom) FROM grid n, grid_history o WHERE n.code = '140428203211019' AND o.code = $1", SplitGrid));
    }

    [Fact]
    public async Task Moving_a_shared_vertex_reshapes_its_grids_under_their_codes()
    {
        await using var s = await ScenarioAsync("planvertex");
        var planner = Planner();
        await s.Store.AcquireLockAsync(planner, VillageCode);
        await s.Store.GetDraftAsync(planner, VillageCode);
        // A vertex of the grid inside the village (not on its outline), so its neighbours share it.
        var vertex = (Point)await GeometryAsync(s, """
            SELECT p.geom FROM grid g, ST_DumpPoints(g.geom) p, (SELECT ST_Boundary(ST_Union(geom)) AS outline FROM grid WHERE village_code = $2) v
            WHERE g.code = $1 AND NOT ST_DWithin(p.geom, v.outline, 0.00001) LIMIT 1
            """, SplitGrid, Village);
        var sharing = await s.ScalarAsync<string[]>("SELECT array_agg(code ORDER BY code) FROM grid WHERE village_code = $1 AND ST_Intersects(geom, $2)", Village, vertex);
        Assert.True(sharing.Length >= 2);

        var moved = await s.Store.EditDraftAsync(planner, VillageCode, 1, new DraftEdit("moveVertex",
            From: new Coordinate(vertex.X, vertex.Y), To: new Coordinate(vertex.X + 0.0001, vertex.Y + 0.00005)));
        Ok(moved);
        Assert.Equal(sharing, moved.Value!.Grids.Features.Where(f => f.Properties.Status == "reshaped").Select(f => f.Properties.Code).Order());
        var published = await s.Store.PublishAsync(planner, VillageCode, 2, "move a corner");
        Ok(published);
        Assert.Equal(sharing, published.Value!.Reshaped);
        Assert.Empty(published.Value.Retired);
        const string holdingVertex = "SELECT count(DISTINCT g.code) FROM grid g, ST_DumpPoints(g.geom) p WHERE g.village_code = $1 AND ST_DWithin(p.geom, $2, 1e-9)";
        Assert.Equal(0L, await s.ScalarAsync<long>(holdingVertex, Village, vertex));
        // All grids that shared the vertex share its new place: one inverse-projected coordinate, written into each.
        var target = Geo.Factory.CreatePoint(new Coordinate(vertex.X + 0.0001, vertex.Y + 0.00005));
        Assert.Equal((long)sharing.Length, await s.ScalarAsync<long>(
            "SELECT count(DISTINCT g.code) FROM grid g, ST_DumpPoints(g.geom) p WHERE g.village_code = $1 AND ST_DWithin(p.geom, $2, 1e-7)", Village, target));
        Assert.Equal(1L, await s.ScalarAsync<long>(
            "SELECT count(DISTINCT p.geom) FROM grid g, ST_DumpPoints(g.geom) p WHERE g.village_code = $1 AND ST_DWithin(p.geom, $2, 1e-7)", Village, target));
        Assert.Equal(sharing.Length, (int)await s.ScalarAsync<long>("SELECT count(*) FROM grid_history WHERE village_code = $1 AND from_version = 2", Village));
        Assert.Equal(0L, await s.ScalarAsync<long>(
            "SELECT count(*) FROM building b WHERE b.grid_code LIKE $1 || '%' AND NOT EXISTS (SELECT 1 FROM grid g WHERE g.code = b.grid_code AND ST_Covers(g.geom, ST_Centroid(b.geom)))", Village));
    }

    private static void Ok<T>(Outcome<T> outcome) =>
        Assert.True(outcome.Succeeded,
            $"{outcome.Problem?.Code}: {outcome.Problem?.Message} {string.Join("; ", Violations(outcome).Select(v => v.Message))}");

    /// <summary>An extension member of the outcome's problem, as the API sends it.</summary>
    private static object? Member<T>(Outcome<T> outcome, string name) => outcome.Problem!.Extensions![name];

    private static IReadOnlyList<ViolationView> Violations<T>(Outcome<T> outcome) =>
        outcome.Problem?.Extensions?.GetValueOrDefault("violations") as IReadOnlyList<ViolationView> ?? [];

    private static async Task<(double Lon, double Lat)> LabelPointAsync(Scenario s, string grid)
    {
        await using var command = s.DataSource.CreateCommand("SELECT ST_X(label_point), ST_Y(label_point) FROM grid WHERE code = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = grid });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDouble(0), reader.GetDouble(1));
    }

    private static async Task<Geometry> GeometryAsync(Scenario s, string sql, params object[] parameters)
    {
        await using var command = s.DataSource.CreateCommand(sql);
        foreach (var p in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        return (Geometry)(await command.ExecuteScalarAsync())!;
    }
}
