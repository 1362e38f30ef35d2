using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using GridMap.Store.Database;
using GridMap.Synthetic.EventHistory;
using GridMap.Store.Kpi;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Synthetic.Tests;

/// <summary>晋中市's 2013 event history as the shared province holds it: the headline figures, chains and the rollup.</summary>
public class EventHistoryTemplateTests(ProvinceFixture province) : IClassFixture<ProvinceFixture>
{
    private static readonly DateOnly From = new(2013, 1, 1);
    private static readonly DateOnly To = new(2013, 12, 31);

    [Fact]
    public async Task Jinzhong_2013_has_338000_accepted_events_and_a_disposal_rate_of_98_5_percent()
    {
        var report = await new KpiStore(province.DataSource).GetReportAsync(AdminCode.Parse("1407"), From, To);
        Assert.NotNull(report);
        Assert.Equal("晋中市", report.Unit.Name);
        Assert.Equal(338_000, report.Counters.Accepted);
        Assert.Equal(98.5m, report.Rates.Disposal.Percent);
        Assert.True(report.Rates.Disposal.Value >= 0.985, $"{report.Rates.Disposal.Numerator} / {report.Rates.Disposal.Denominator}");
        Assert.True(report.Counters.Rejected > 0);
        // Most events are resolved at grid or village level, some escalate, some close late, some are still open.
        Assert.True(report.Counters.ClosedAtGrid + report.Counters.ClosedAtVillage > report.Counters.Closed / 2);
        Assert.InRange(report.Counters.Closed - report.Counters.ClosedOnTime, report.Counters.Closed / 100, report.Counters.Closed / 10);
        Assert.True(report.Counters.Escalated > 0 && report.Counters.Reworked > 0 && report.Counters.Extended > 0 && report.Counters.Voided > 0);
        Assert.True(report.Counters.Handled > report.Counters.Closed);
        Assert.Equal(report.Children.Count, await province.ScalarAsync<long>("SELECT count(*) FROM admin_unit WHERE parent_code = '1407'"));
        Assert.Equal(report.Counters.Accepted, report.Children.Sum(c => c.Counters.Accepted));
    }

    [Fact]
    public async Task Every_event_is_in_jinzhong_2013_inside_its_grid()
    {
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM event WHERE NOT starts_with(grid_code, '1407') OR reported_at < '2013-01-01T00:00+08' OR reported_at >= '2014-01-01T00:00+08'"));
        Assert.Equal(0L, await province.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT * FROM event TABLESAMPLE SYSTEM (2)) e JOIN grid g ON g.code = e.grid_code WHERE NOT ST_Intersects(g.geom, e.geom)"));
        Assert.Equal(0L, await province.ScalarAsync<long>("SELECT count(*) FROM event WHERE state = 'Closed' AND (resolution_level IS NULL OR closed_on_time IS NULL)"));
    }

    [Fact]
    public async Task A_sample_of_history_chains_verifies_and_the_event_holds_its_tip()
    {
        await using var command = province.DataSource.CreateCommand("""
            SELECT e.id, e.history_hash, e.version, h.seq, h.at, h.actor, h.action, h.from_state, h.to_state, h.reason, h.owner_unit,
                   h.owner_department, h.prev_hash, h.hash
            FROM (SELECT id, history_hash, version FROM event ORDER BY hashint8(id) LIMIT 300) e
            JOIN event_history h ON h.event_id = e.id
            ORDER BY e.id, h.seq
            """);
        var chains = new Dictionary<long, (string Tip, int Version, List<ChainedHistoryEntry> Entries)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var id = reader.GetInt64(0);
                if (!chains.TryGetValue(id, out var chain))
                    chains[id] = chain = (reader.GetString(1), reader.GetInt32(2), []);
                chain.Entries.Add(new ChainedHistoryEntry(id, reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5),
                    reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9),
                    reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetString(12), reader.GetString(13)));
            }
        }
        Assert.Equal(300, chains.Count);
        foreach (var (id, (tip, version, entries)) in chains)
        {
            Assert.Null(EventHistoryChain.Verify(entries));
            Assert.Equal(tip, entries[^1].Hash);
            Assert.Equal(version, entries.Count);
            Assert.Equal("Report", entries[0].Action);
        }
    }

    [Theory]
    [InlineData("14")]
    [InlineData("1407")]
    [InlineData("140702")]
    [InlineData("140781")]
    public async Task The_rollup_equals_a_direct_aggregate_over_events(string unit)
    {
        var report = (await new KpiStore(province.DataSource).GetReportAsync(AdminCode.Parse(unit), From, To))!;
        var direct = await DirectAsync(unit);
        Assert.Equal(direct, Counts(report.Counters));
        // And below it: the first child with events, and that child's first child.
        var child = report.Children.First(c => c.Counters.Reported > 0);
        Assert.Equal(await DirectAsync(child.Code), Counts(child.Counters));
        var grandchild = (await new KpiStore(province.DataSource).GetReportAsync(AdminCode.Parse(child.Code), From, To))!.Children.First(c => c.Counters.Reported > 0);
        Assert.Equal(await DirectAsync(grandchild.Code), Counts(grandchild.Counters));
    }

    [Fact]
    public async Task Departments_add_up_to_the_events_they_handled()
    {
        var report = (await new KpiStore(province.DataSource).GetReportAsync(AdminCode.Parse("1407"), From, To))!;
        Assert.NotEmpty(report.Departments);
        Assert.Equal(
            await province.ScalarAsync<long>("SELECT count(*) FROM event WHERE handler_department IS NOT NULL AND starts_with(grid_code, '1407')"),
            report.Departments.Sum(d => (long)d.Counters.Reported));
        Assert.Equal(report.Departments.Sum(d => d.Counters.ClosedAtCounty), report.Departments.Sum(d => d.Counters.Closed));
    }

    private static long[] Counts(Domain.Events.Kpi.KpiCounters c) =>
        [c.Reported, c.Accepted, c.Rejected, c.Registered, c.Handled, c.Closed, c.Due, c.ClosedOnTime, c.Voided, c.Reworked, c.ClosedAtVillage];

    private async Task<long[]> DirectAsync(string unit)
    {
        await using var command = province.DataSource.CreateCommand("""
            SELECT count(*), count(accepted_at), count(*) FILTER (WHERE state = 'Rejected'), count(registered_at), count(handled_at),
                   count(*) FILTER (WHERE state = 'Closed'),
                   count(*) FILTER (WHERE state = 'Closed' OR (registered_at IS NOT NULL AND finished_at IS NULL AND state <> 'Suspended' AND close_due < now())),
                   count(*) FILTER (WHERE closed_on_time), count(*) FILTER (WHERE state = 'Voided' AND registered_at IS NOT NULL),
                   count(*) FILTER (WHERE rework_count > 0), count(*) FILTER (WHERE state = 'Closed' AND resolution_level = 5)
            FROM event
            WHERE starts_with(grid_code, $1) AND reported_at >= '2013-01-01T00:00+08' AND reported_at < '2014-01-01T00:00+08'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = unit });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return Enumerable.Range(0, 11).Select(reader.GetInt64).ToArray();
    }
}

/// <summary>The generator on a small year: deterministic, exact in its targets, and loadable with an incremental refresh.</summary>
public class EventHistoryGeneratorTests(ProvinceFixture province) : IClassFixture<ProvinceFixture>
{
    private static readonly EventHistoryTargets Small = new(2013, 3_000, 60, Seed: 7);

    [Fact]
    public async Task The_same_seed_gives_the_same_history_and_another_seed_another()
    {
        var source = await EventHistorySource.LoadAsync(province.DataSource, "1407");
        string Fingerprint(EventHistoryTargets t) => string.Join("\n", new EventHistoryGenerator(source, t).Plan().Simulate(1_000).SelectMany(b => b)
            .Select(e => $"{e.TrackingNo} {e.GridCode} {e.Geometry.AsText()} {e.Case.State} {e.CloseDue:O} " + string.Join("|", e.History.Select(h => $"{h.At:O}{h.Action}{h.OwnerUnit}"))));
        var first = Fingerprint(Small);
        Assert.Equal(first, Fingerprint(Small));
        Assert.NotEqual(first, Fingerprint(Small with { Seed = 8 }));
    }

    [Fact]
    public async Task A_small_year_hits_its_disposal_rate_exactly_and_loads_with_valid_chains()
    {
        await using var own = await TestDatabases.CreateAsync("eventload");
        await using var dataSource = GridMapDataSource.Create(own.ConnectionString);
        // The own database has no province: take Jinzhong's grids from the shared one.
        var source = await EventHistorySource.LoadAsync(province.DataSource, "1407");
        var plan = new EventHistoryGenerator(source, Small).Plan();
        var events = plan.Simulate().SelectMany(b => b).ToList();
        Assert.Equal(3_000, events.Count(e => e.AcceptedAt is not null));
        var registered = events.Count(e => e.RegisteredAt is not null);
        var handled = events.Count(e => e.HandledAt is not null);
        Assert.Equal((plan.ExpectedRegistered, plan.ExpectedHandled), (registered, handled));
        Assert.Equal(98.5m, Math.Round(100m * handled / registered, 1));
        Assert.True((decimal)handled / registered >= 0.985m);
        Assert.Equal(events.Count, events.Select(e => e.TrackingNo).Distinct().Count());
        Assert.All(events, e => Assert.Matches("^GM-[0-9A-Z]{4}-[0-9A-Z]{4}$", e.TrackingNo));
        Assert.Contains(events, e => e.Case.State == EventState.Suspended);
        Assert.Contains(events, e => e.Case.State is EventState.Handling or EventState.Dispatched && e.Case.ReportedAt.Month == 12);

        // Loading needs the grids' codes only as text: the event table has no foreign key to grid.
        var load = await new EventHistoryLoader(dataSource).LoadAsync(plan, "1407", Small);
        Assert.Equal((registered, handled), (load.Registered, load.Handled));
        var store = new KpiStore(dataSource);
        var report = await store.GetReportAsync(AdminCode.Parse("14"), new DateOnly(2013, 1, 1), new DateOnly(2013, 12, 31));
        // Without admin units the province is unknown by name, but the rollup is there.
        Assert.Null(report);
        await using var totals = dataSource.CreateCommand("SELECT sum(accepted), sum(handled) FROM event_kpi WHERE unit_code = '1407' AND department = ''");
        await using (var reader = await totals.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Assert.Equal((3_000L, (long)handled), (reader.GetInt64(0), reader.GetInt64(1)));
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => new EventHistoryLoader(dataSource).LoadAsync(plan, "1407", Small));

        // A live change shows after an incremental refresh: close one open event by hand (as the live store would).
        await using (var change = dataSource.CreateCommand("""
            UPDATE event SET state = 'Closed', handled_at = coalesce(handled_at, now()), finished_at = now(), closed_on_time = false,
                             resolution_level = 5, updated_at = now()
            WHERE id = (SELECT min(id) FROM event WHERE state = 'Handling' AND handled_at IS NULL)
            """))
            Assert.Equal(1, await change.ExecuteNonQueryAsync());
        var refreshed = await store.RefreshChangedAsync();
        Assert.True(refreshed.Pairs >= 1);
        await using var after = dataSource.CreateCommand("SELECT sum(handled) FROM event_kpi WHERE unit_code = '1407' AND department = ''");
        Assert.Equal(handled + 1L, (long)(await after.ExecuteScalarAsync())!);
    }
}
