using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using GridMap.Cli.Operations;
using GridMap.Store.Notifications;
using Npgsql;

namespace GridMap.Cli.Bench;

/// <summary>
/// The database crash drill (issue 20, item 3): a burst of reports through Open311, each retried with its idempotency key
/// until acknowledged; at ~30 % PostgreSQL's postmaster is killed with SIGKILL, left down for a while and started again
/// (crash recovery). Meanwhile probes read GeoApi and the tiling service: while the database is down each must answer
/// promptly with 503 and Retry-After (no hang, no crash). Afterwards: every acknowledged report stored exactly once, no
/// report doubled, both hosts' LISTEN connections reconnected by themselves and hearing notices again.
/// </summary>
internal sealed class CrashDrill(NpgsqlDataSource dataSource, string connectionString, TextWriter output)
{
    /// <summary>One read: when it was sent (ms into the drill), of which host, its status (0: no answer), Retry-After, how long.</summary>
    private sealed record Probe(double At, string Host, int Status, bool RetryAfter, double Ms);

    public async Task<int> RunAsync(string geoApi, string tiles, string pgData, int reports, int clients, int downSeconds, CancellationToken ct)
    {
        var intake = new IntakeBenchmark(dataSource, connectionString, TextWriter.Null);
        await intake.PrepareAsync(ct);
        using var http = IntakeBenchmark.NewClient(geoApi, clients);
        using var probeClient = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var run = IntakeBenchmark.NewRunId();
        var listenersBefore = await ListenerCountsAsync(probeClient, geoApi, tiles, ct);

        var failures = new ConcurrentDictionary<string, int>();
        var probes = new ConcurrentBag<Probe>();
        var killed = 0;
        var acknowledgedSoFar = 0;
        var crash = Task.CompletedTask;
        TimeSpan down = default, back = default;
        var sinceRestart = new Stopwatch();
        var clock = Stopwatch.StartNew();
        var killAt = reports * 3 / 10;
        output.WriteLine($"crash drill: {reports} reports from {clients} clients through Open311, each retried with its key until acknowledged; kill -9 of PostgreSQL at {killAt}");
        var burst = await intake.SendUntilAcknowledgedAsync(http, run, reports, clients, retryAfter: TimeSpan.FromMilliseconds(100), acknowledged =>
        {
            Interlocked.Exchange(ref acknowledgedSoFar, acknowledged);
            if (acknowledged >= killAt && Interlocked.Exchange(ref killed, 1) == 0)
                crash = CrashAsync(acknowledged);
        }, label => failures.AddOrUpdate(label, 1, (_, n) => n + 1), ct);
        await crash;
        var acks = burst.Acknowledged;
        var seconds = clock.Elapsed.TotalSeconds;

        async Task CrashAsync(int acknowledgedAtKill)
        {
            var outage = Stopwatch.StartNew();
            var postmaster = KillPostmaster(pgData);
            output.WriteLine($"  kill -9 PostgreSQL's postmaster (pid {postmaster}) after {acknowledgedAtKill} acknowledged reports; down for {downSeconds} s");
            using var stopProbes = new CancellationTokenSource();
            var probing = ProbeAsync(probeClient, geoApi, tiles, probes, stopProbes.Token);
            await Task.Delay(TimeSpan.FromSeconds(downSeconds), ct);
            await PostgresTools.StartAsLastRunAsync(pgData, ct);
            // The drill's own idle connections died with the server (the hosts' pools find theirs broken and drop them).
            dataSource.Clear();
            sinceRestart.Start();
            down = outage.Elapsed;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  PostgreSQL started again (crash recovery) {down.TotalSeconds:F1} s after the kill"));
            var acked = Volatile.Read(ref acknowledgedSoFar);
            while (Volatile.Read(ref acknowledgedSoFar) == acked && acked < reports)
                await Task.Delay(50, ct);
            back = outage.Elapsed;
            await stopProbes.CancelAsync();
            await probing;
        }

        // Both hosts' LISTEN connections back: a new connection each, and notices heard on it — the reports themselves on
        // the events channel (GeoApi), the drill's own "look again" on the tile channel (tiling), sent every second.
        var waitedForListeners = Stopwatch.StartNew();
        var listenersAfter = listenersBefore;
        while (waitedForListeners.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Notifier.NotifyAsync(dataSource, Channels.TileInvalidation, "", ct);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            listenersAfter = await ListenerCountsAsync(probeClient, geoApi, tiles, ct);
            if (listenersAfter.All(l => l.Value.Connects > listenersBefore.GetValueOrDefault(l.Key).Connects
                                        && l.Value.Notices > listenersBefore.GetValueOrDefault(l.Key).Notices))
                break;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  both hosts' listeners seen back {sinceRestart.Elapsed.TotalSeconds:F1} s after PostgreSQL was started again"));

        var (events, distinct, lost, _) = await intake.CheckAsync(run, reports, acks, ct);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {seconds:F1} s in all; database down {down.TotalSeconds:F1} s, first report acknowledged again {back.TotalSeconds:F1} s after the kill; {burst.Attempts} attempts"));
        output.WriteLine($"  failed attempts, retried: {(failures.IsEmpty ? "none" : string.Join(", ", failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} × {f.Value}")))}");
        foreach (var host in probes.GroupBy(p => p.Host))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {host.Key} during the outage: {Statuses(host)}; slowest answer {host.Max(p => p.Ms):F0} ms"));
        }
        output.WriteLine($"  acknowledged: {acks.Count}   events with these keys: {events}   distinct keys: {distinct}   lost: {lost}   duplicated: {events - distinct}");
        var reconnected = true;
        foreach (var (key, (connects, notices)) in listenersAfter)
        {
            var (connectsBefore, noticesBefore) = listenersBefore.GetValueOrDefault(key);
            var ok = connects > connectsBefore && notices > noticesBefore;
            reconnected &= ok;
            output.WriteLine($"  {key}: LISTEN connections {connectsBefore} → {connects}, notices {noticesBefore} → {notices}: {(ok ? "reconnected and hearing" : "NOT BACK")}");
        }
        var answered = probes.Where(p => p.Status == 503).ToList();
        var promptly = probes.All(p => p.Ms < 10_000) && probes.Where(p => p.Status >= 500).All(p => p.Status == 503 && p.RetryAfter);
        var proven = acks.Count == reports && events == reports && distinct == reports && lost == 0 && reconnected && listenersAfter.Count == 2
            && answered.Select(p => p.Host).Distinct().Count() == 2 && promptly;
        output.WriteLine(proven
            ? $"  exactly {reports} events, 0 lost, 0 doubled; both hosts answered 503 with Retry-After while it was down and reconnected by themselves: PROVEN"
            : "  FAILED: see the figures above");
        return proven ? 0 : 1;
    }

    /// <summary>
    /// A standby killed under read load (issue 20, item 3): readers fetch tiles no cache holds and OGC item pages (both
    /// read on the standby) without pause; a third of the way in the standby's postmaster is killed with SIGKILL, started
    /// again after <paramref name="downSeconds"/>. Every answer must be 200, or 503 with Retry-After for a read the kill
    /// cut off (204 for an empty tile); both hosts' /health must show the standby out of reads and then back.
    /// </summary>
    public async Task<int> RunStandbyAsync(string geoApi, string tiles, string standbyData, int readers, int seconds, int downSeconds, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var answers = new ConcurrentBag<Probe>();
        var health = new ConcurrentBag<(double At, string Host, bool InReads)>();
        var clock = Stopwatch.StartNew();
        var next = -1;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, readers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                var (host, url) = i % 2 == 0
                    ? ("tiling", $"{tiles.TrimEnd('/')}/tiles/grids/16/{53150 + i / 2 % 400}/{25200 + i / 800}.mvt")
                    : ("GeoApi", $"{geoApi.TrimEnd('/')}/ogc/collections/grids/items?limit=1&offset={i}");
                answers.Add(await ReadAsync(http, clock, host, url));
            }
        }, ct)).ToList();
        var watching = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var (host, url) in new[] { ("GeoApi", geoApi), ("tiling", tiles) })
                {
                    try
                    {
                        var body = await http.GetStringAsync(url.TrimEnd('/') + "/health", CancellationToken.None);
                        health.Add((clock.Elapsed.TotalMilliseconds, host, body.Contains("\"inReads\":true", StringComparison.Ordinal)));
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                    }
                }
                await Task.Delay(250, CancellationToken.None);
            }
        }, ct);

        await Task.Delay(TimeSpan.FromSeconds(seconds / 3.0), ct);
        var killedAt = clock.Elapsed.TotalMilliseconds;
        var postmaster = KillPostmaster(standbyData);
        output.WriteLine($"standby crash drill: {readers} readers on the standby through both hosts; kill -9 of the standby's postmaster (pid {postmaster}) at {killedAt / 1000:F1} s");
        await Task.Delay(TimeSpan.FromSeconds(downSeconds), ct);
        await PostgresTools.StartAsLastRunAsync(standbyData, ct);
        var restartedAt = clock.Elapsed.TotalMilliseconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  standby started again at {restartedAt / 1000:F1} s"));
        var rest = TimeSpan.FromSeconds(seconds) - clock.Elapsed;
        await Task.Delay(rest > TimeSpan.FromSeconds(10) ? rest : TimeSpan.FromSeconds(10), ct);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        await watching;

        var all = answers.ToList();
        // 204 is an empty tile (no grid there): an answer like 200.
        var bad = all.Where(a => a.Status is not (200 or 204) && !(a.Status == 503 && a.RetryAfter)).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {all.Count} reads in {clock.Elapsed.TotalSeconds:F0} s"));
        foreach (var host in all.GroupBy(a => a.Host))
        {
            var during = host.Where(a => a.At >= killedAt && a.At < restartedAt).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {host.Key}: {Statuses(host)}; while the standby was down {during.Count} reads, {during.Count(a => a.Status is 200 or 204)} answered 200 or 204; slowest answer {host.Max(a => a.Ms):F0} ms"));
        }
        var proven = bad.Count == 0 && all.All(a => a.Ms < 10_000);
        foreach (var host in health.GroupBy(h => h.Host))
        {
            var outAt = host.Where(h => h.At > killedAt && !h.InReads).Select(h => h.At).DefaultIfEmpty(double.NaN).Min();
            var backAt = host.Where(h => h.At > restartedAt && h.InReads).Select(h => h.At).DefaultIfEmpty(double.NaN).Min();
            var back = host.OrderBy(h => h.At).Last().InReads;
            proven &= !double.IsNaN(outAt) && !double.IsNaN(backAt) && back;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {host.Key} /health: standby out of reads {(outAt - killedAt) / 1000:F1} s after the kill, back in reads {(backAt - restartedAt) / 1000:F1} s after its restart"));
        }
        output.WriteLine(proven
            ? "  every read answered 200/204 or 503 with Retry-After, reads moved to the primary and back: PROVEN"
            : $"  FAILED: {bad.Count} answers neither 200/204 nor 503 with Retry-After, or the standby was not seen leaving and rejoining the reads");
        return proven ? 0 : 1;
    }

    /// <summary>Every 250 ms one read of each host that needs the database: an OGC item page, and a tile no cache holds.</summary>
    private static async Task ProbeAsync(HttpClient http, string geoApi, string tiles, ConcurrentBag<Probe> probes, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var x = 13300;
        while (!ct.IsCancellationRequested)
        {
            var tile = $"{tiles.TrimEnd('/')}/tiles/grids/14/{x++}/6326.mvt";
            var answers = await Task.WhenAll(
                ReadAsync(http, clock, "GeoApi", $"{geoApi.TrimEnd('/')}/ogc/collections/grids/items?limit=1&offset={x}"),
                ReadAsync(http, clock, "tiling", tile));
            foreach (var answer in answers)
                probes.Add(answer);
            try
            {
                await Task.Delay(250, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<Probe> ReadAsync(HttpClient http, Stopwatch clock, string host, string url)
    {
        var started = clock.Elapsed.TotalMilliseconds;
        try
        {
            using var response = await http.GetAsync(url, CancellationToken.None);
            return new Probe(started, host, (int)response.StatusCode, response.Headers.RetryAfter is not null, clock.Elapsed.TotalMilliseconds - started);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Probe(started, host, 0, false, clock.Elapsed.TotalMilliseconds - started);
        }
    }

    /// <summary>The answers by status, e.g. "200 × 846, 503 with Retry-After × 1".</summary>
    private static string Statuses(IEnumerable<Probe> probes) =>
        string.Join(", ", probes.GroupBy(p => p.RetryAfter ? $"{p.Status} with Retry-After" : p.Status == 0 ? "no answer" : $"{p.Status}")
            .Select(g => $"{g.Key} × {g.Count()}"));

    /// <summary>SIGKILL to a cluster's postmaster (its pid from postmaster.pid); returns the pid.</summary>
    private static int KillPostmaster(string pgData)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(pgData, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        Process.GetProcessById(postmaster).Kill();
        return postmaster;
    }

    /// <summary>Each host's LISTEN connects and notices, summed over its listeners.</summary>
    private static async Task<Dictionary<string, (double Connects, double Notices)>> ListenerCountsAsync(HttpClient http, string geoApi, string tiles, CancellationToken ct)
    {
        var counts = new Dictionary<string, (double, double)>();
        foreach (var (host, url) in new[] { ("GeoApi", geoApi), ("tiling", tiles) })
        {
            var text = await http.GetStringAsync(url.TrimEnd('/') + "/metrics", ct);
            counts[host] = (Sum(text, "gridmap_notifications_listener_connects"), Sum(text, "gridmap_notifications_listener_notifications"));
        }
        return counts;
    }

    private static double Sum(string metrics, string name) =>
        metrics.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length > name.Length && l[name.Length] is '{' or ' ' or '_'))
            .Where(l => !l.StartsWith(name + "_created", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
