using System.Diagnostics;
using System.Globalization;
using GridMap.Cli.Commands;
using GridMap.Domain.Codes;
using GridMap.Domain.Events.Kpi;
using GridMap.Store.Database;
using GridMap.Synthetic.EventHistory;
using GridMap.Store.Kpi;
using Npgsql;

namespace GridMap.Cli.Bench;

/// <summary>
/// KPI reads at scale: copies the province into a bench database of its own (<c>gridmap_bench_kpi</c>, replaced each
/// run), loads N synthetic events of 2013 over the whole province with the history generator (events only: KPIs never
/// read the history), refreshes the rollup (timed), then times what GET /api/kpi/{unit} and its assessment do for the
/// province, a city, a county and a township (yardstick: p95 under 300 ms).
/// </summary>
internal sealed class KpiBenchmark(string connectionString, TextWriter output)
{
    public const string BenchDatabase = "gridmap_bench_kpi";
    private const double YardstickMs = 300;

    public async Task<int> RunAsync(int events, int runs, CancellationToken ct)
    {
        Say($"GridMap KPI benchmark · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · {events:N0} events");
        var bench = await CreateBenchDatabaseAsync(ct);
        await using var dataSource = GridMapDataSource.Create(bench, "gridmap-bench");

        var clock = Stopwatch.StartNew();
        var targets = new EventHistoryTargets(2013, events, (int)Math.Round(events * 0.0124), Seed: 2013);
        await EventsCommands.GenerateAsync(dataSource, "14", targets, withHistory: false, ct);
        Say($"generated and loaded in {clock.Elapsed.TotalSeconds:F1} s");

        var store = new KpiStore(dataSource);
        var refresh = await store.RefreshAllAsync(ct);
        Say(string.Create(CultureInfo.InvariantCulture, $"full rollup refresh: {refresh.Pairs:N0} county-months in {refresh.Elapsed.TotalSeconds:F1} s"));
        await using (var touch = dataSource.CreateCommand("UPDATE event SET updated_at = now() WHERE id IN (SELECT id FROM event ORDER BY id DESC LIMIT 50)"))
            await touch.ExecuteNonQueryAsync(ct);
        var incremental = await store.RefreshChangedAsync(ct);
        Say(string.Create(CultureInfo.InvariantCulture, $"incremental refresh after 50 changed events: {incremental.Pairs} county-months in {incremental.Elapsed.TotalMilliseconds:F0} ms"));

        var units = new List<(string Level, string Code)> { ("province", "14"), ("city", "1407") };
        await using (var pick = dataSource.CreateCommand("SELECT min(code) FROM admin_unit WHERE parent_code = '1407'"))
            units.Add(("county", (string)(await pick.ExecuteScalarAsync(ct))!));
        await using (var pick = dataSource.CreateCommand("SELECT min(code) FROM admin_unit WHERE parent_code = $1"))
        {
            pick.Parameters.Add(new NpgsqlParameter { Value = units[2].Code });
            units.Add(("township", (string)(await pick.ExecuteScalarAsync(ct))!));
        }
        var (from, to) = (new DateOnly(2013, 1, 1), new DateOnly(2013, 12, 31));
        Say($"KPI report + assessment for 2013, {runs} runs each after 5 warm-up runs (ms):");
        Say("  level      unit         children     p50     p95     max");
        var worst = 0.0;
        foreach (var (level, code) in units)
        {
            var unit = AdminCode.Parse(code);
            KpiReport? report = null;
            for (var i = 0; i < 5; i++)
                report = await store.GetReportAsync(unit, from, to, ct);
            var latencies = new double[runs];
            for (var i = 0; i < runs; i++)
            {
                var start = Stopwatch.GetTimestamp();
                report = await store.GetReportAsync(unit, from, to, ct);
                _ = KpiAssessment.Rank(report!.Children.Select(c => (c.Code, c.Counters)));
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(latencies);
            var p95 = LatencyRecorder.NearestRank(latencies, 95);
            worst = Math.Max(worst, p95);
            Say(string.Create(CultureInfo.InvariantCulture,
                $"  {level,-10} {code,-12} {report!.Children.Count,8} {LatencyRecorder.NearestRank(latencies, 50),7:F1} {p95,7:F1} {latencies[^1],7:F1}"));
        }
        Say(string.Create(CultureInfo.InvariantCulture, $"target p95 < {YardstickMs:F0} ms: {(worst < YardstickMs ? "met" : "MISSED")}"));
        return 0;
    }

    /// <summary>A fresh copy of the province without events: the source database is the template, its events are dropped.</summary>
    private async Task<string> CreateBenchDatabaseAsync(CancellationToken ct)
    {
        var source = new NpgsqlConnectionStringBuilder(connectionString);
        var server = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(ct);
            foreach (var sql in new[] { $"DROP DATABASE IF EXISTS {BenchDatabase} WITH (FORCE)", $"CREATE DATABASE {BenchDatabase} TEMPLATE \"{source.Database}\"" })
            {
                await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        var bench = new NpgsqlConnectionStringBuilder(connectionString) { Database = BenchDatabase }.ConnectionString;
        Migrator.Migrate(bench);
        await using (var connection = new NpgsqlConnection(bench))
        {
            await connection.OpenAsync(ct);
            // A throwaway copy: the append-only guard is lifted here only, to start from no events.
            await using var command = new NpgsqlCommand(
                "ALTER TABLE event_history DISABLE TRIGGER USER; TRUNCATE event_history, event_photo, event, event_kpi, event_load, event_kpi_refresh; " +
                "ALTER TABLE event_history ENABLE TRIGGER USER", connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(ct);
        }
        NpgsqlConnection.ClearAllPools();
        return bench;
    }

    private void Say(string line) => output.WriteLine(line);
}
