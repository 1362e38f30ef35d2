using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Store.Accounts;
using GridMap.Store.Open311;
using Npgsql;

namespace GridMap.Cli.Bench;

/// <summary>
/// Event intake over HTTP through Open311 (<c>POST /open311/v2/requests.json</c> with an API key of its own, so no per-IP
/// limit applies): each report has a fresh idempotency key and a point in one of 2,000 grids spread over the province
/// (a real day's reports spread too; piling every run into one grid made the duplicate check read thousands of open
/// events in a few cells, growing with every run inside the 24-hour window). Plain mode
/// measures sustained reports/s and latency against a running GeoApi. Kill mode starts its own GeoApi, retries every
/// report with the same key until acknowledged, kills the API with SIGKILL at ~30 % of the burst, restarts it, and then
/// counts in PostgreSQL that every report exists exactly once.
/// </summary>
internal sealed class IntakeBenchmark(NpgsqlDataSource dataSource, string connectionString, TextWriter output)
{
    private const string ClientName = "bench-intake";
    // Enough reports for GeoApi's and this client's code to reach tiered compilation's optimised steady state.
    private const int WarmUp = 3000;
    private const int SpreadGrids = 2000;

    private string apiKey = "";
    private int clientId;
    private List<(double Lon, double Lat)> points = [];
    private string[] categories = [];

    public async Task<int> RunAsync(string geoApi, int reports, int clients, CancellationToken ct)
    {
        await PrepareAsync(ct);
        using var http = NewClient(geoApi, clients);
        var run = NewRunId();
        await LatencyRecorder.RunAsync(Enumerable.Range(0, WarmUp).ToList(), clients, (i, t) => SendOnceAsync(http, $"{run}w", i, t), ct);
        var result = await LatencyRecorder.RunAsync(Enumerable.Range(0, reports).ToList(), clients, (i, t) => SendOnceAsync(http, run, i, t), ct);
        var (events, distinct) = await CountAsync(run, ct);
        var p99 = result.Percentile(99);
        output.WriteLine($"event intake via {geoApi}/open311/v2/requests.json, {clients} concurrent clients, {result.Count} reports in {result.Seconds:F1} s");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {result.PerSecond:F0} reports/s   p50 {result.Percentile(50):F1} ms   p95 {result.Percentile(95):F1} ms   p99 {p99:F1} ms"));
        output.WriteLine($"  events in PostgreSQL with this run's keys: {events} ({distinct} distinct keys)");
        output.WriteLine($"  target ≥ 1000 reports/s with p99 < 100 ms: {(result.PerSecond >= 1000 && p99 < 100 ? "met" : "MISSED")}");
        return events == reports && distinct == reports ? 0 : 1;
    }

    /// <summary>Sends <paramref name="reports"/> reports spread over the province (other benchmarks' load: open events on a wall).</summary>
    public async Task<LatencyRecorder.Result> ReportAsync(string geoApi, int reports, int clients, CancellationToken ct)
    {
        await PrepareAsync(ct);
        using var http = NewClient(geoApi, clients);
        var run = NewRunId();
        return await LatencyRecorder.RunAsync(Enumerable.Range(0, reports).ToList(), clients, (i, t) => SendOnceAsync(http, run, i, t), ct);
    }

    public async Task<int> RunWithKillAsync(string geoApiDll, int reports, int clients, int port, CancellationToken ct)
    {
        await PrepareAsync(ct);
        var url = $"http://127.0.0.1:{port}";
        using var http = NewClient(url, clients);
        var run = NewRunId();
        var api = await StartApiAsync(geoApiDll, url, http, ct);
        var outage = Stopwatch.StartNew();
        TimeSpan down = default;
        var restart = Task.CompletedTask;
        var clock = Stopwatch.StartNew();
        var killed = 0;
        Burst burst;
        try
        {
            burst = await SendUntilAcknowledgedAsync(http, run, reports, clients, retryAfter: TimeSpan.FromMilliseconds(50), acknowledged =>
            {
                if (acknowledged >= reports * 3 / 10 && Interlocked.Exchange(ref killed, 1) == 0)
                    restart = KillAndRestartAsync(acknowledged);
            }, null, ct);
            await restart;
        }
        finally
        {
            Stop(api);
        }
        var acks = burst.Acknowledged;

        async Task KillAndRestartAsync(int acknowledgedAtKill)
        {
            outage.Restart();
            api.Kill(entireProcessTree: false);
            await api.WaitForExitAsync(ct);
            output.WriteLine($"  kill -9 GeoApi (pid {api.Id}) after {acknowledgedAtKill} acknowledged reports; restarting");
            api = await StartApiAsync(geoApiDll, url, http, ct);
            down = outage.Elapsed;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var (events, distinct, lost, missing) = await CheckAsync(run, reports, acks, ct);
        output.WriteLine($"event intake with kill -9: {reports} reports, {clients} concurrent clients, each retried with its idempotency key until acknowledged");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {seconds:F1} s in all; API down and back in {down.TotalSeconds:F1} s; {burst.Attempts} attempts, {burst.Attempts - reports} failed and retried"));
        output.WriteLine($"  retries answered with the event an unacknowledged attempt had already stored (200, not 201): {burst.Replays}");
        output.WriteLine($"  acknowledged: {acks.Count}   events in PostgreSQL with these keys: {events}   distinct keys: {distinct}");
        output.WriteLine($"  lost (acknowledged but not stored, or stored under another tracking number): {lost}   never stored: {missing}   duplicated: {events - distinct}");
        var proven = acks.Count == reports && events == reports && distinct == reports && lost == 0 && missing == 0;
        output.WriteLine(proven ? $"  exactly {reports} events, 0 lost, 0 duplicated: PROVEN" : "  FAILED: see the figures above");
        return proven ? 0 : 1;
    }

    /// <summary>What a burst retried until every report was acknowledged leaves: report number → tracking number, attempts, replays.</summary>
    internal sealed record Burst(ConcurrentDictionary<int, string> Acknowledged, long Attempts, long Replays);

    /// <summary>
    /// Sends reports 0…<paramref name="reports"/>−1 from <paramref name="clients"/> clients, each retried with its own
    /// idempotency key after <paramref name="retryAfter"/> until acknowledged (the kill drills: the API or the database
    /// goes away mid-burst); <paramref name="acknowledged"/> hears the running count after each acknowledgement.
    /// </summary>
    internal async Task<Burst> SendUntilAcknowledgedAsync(HttpClient http, string run, int reports, int clients, TimeSpan retryAfter,
        Action<int> acknowledged, Action<string>? failed, CancellationToken ct)
    {
        var acks = new ConcurrentDictionary<int, string>();
        long attempts = 0, replays = 0;
        await LatencyRecorder.RunAsync(Enumerable.Range(0, reports).ToList(), clients, async (i, t) =>
        {
            while (true)
            {
                Interlocked.Increment(ref attempts);
                var (trackingNo, created) = await TrySendAsync(http, run, i, t, failed);
                if (trackingNo is not null)
                {
                    if (!created)
                        Interlocked.Increment(ref replays);
                    if (acks.TryAdd(i, trackingNo))
                        acknowledged(acks.Count);
                    return 0;
                }
                await Task.Delay(retryAfter, t);
            }
        }, ct);
        return new Burst(acks, attempts, replays);
    }

    /// <summary>
    /// This run's events in PostgreSQL, their distinct keys, the acknowledged reports not stored under their tracking number
    /// (lost), and the reports not stored at all.
    /// </summary>
    internal async Task<(long Events, long Distinct, int Lost, int Missing)> CheckAsync(string run, int reports, IReadOnlyDictionary<int, string> acks,
        CancellationToken ct)
    {
        var (events, distinct) = await CountAsync(run, ct);
        var stored = await StoredAsync(run, ct);
        return (events, distinct, acks.Count(a => !stored.TryGetValue(a.Key, out var no) || no != a.Value),
            Enumerable.Range(0, reports).Count(i => !stored.ContainsKey(i)));
    }

    internal async Task PrepareAsync(CancellationToken ct)
    {
        await DemoAccounts.EnsureAsync(new AccountStore(dataSource), ct);
        apiKey = await new Open311Store(dataSource, TimeProvider.System).CreateKeyAsync(ClientName, ct);
        clientId = (await new Open311Store(dataSource, TimeProvider.System).ClientAsync(apiKey, ct))!.Id;
        // One point in each of 2,000 grids across the province, the same grids every run (ordered by a hash of the code).
        await using (var command = dataSource.CreateCommand(
            "SELECT ST_X(p.geom), ST_Y(p.geom) FROM (SELECT geom FROM grid ORDER BY md5(code) LIMIT $1) g, ST_Dump(ST_GeneratePoints(g.geom, 1, 42)) p"))
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = SpreadGrids });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                points.Add((reader.GetDouble(0), reader.GetDouble(1)));
        }
        if (points.Count == 0)
            throw new InvalidOperationException("No grids: load the province first (gridmap generate).");
        await using (var command = dataSource.CreateCommand("SELECT code FROM event_category WHERE active AND left(code, 2) <> '05' ORDER BY code"))
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            var list = new List<string>();
            while (await reader.ReadAsync(ct))
                list.Add(reader.GetString(0));
            categories = [.. list];
        }
    }

    internal static string NewRunId() => $"bench-{DateTime.UtcNow:yyyyMMddHHmmss}-{Random.Shared.Next(10000):D4}";

    internal static HttpClient NewClient(string baseUrl, int clients) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };

    private HttpRequestMessage Request(string run, int i)
    {
        var (lon, lat) = points[i % points.Count];
        var message = new HttpRequestMessage(HttpMethod.Post, "open311/v2/requests.json")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = apiKey,
                ["service_code"] = categories[i % categories.Length],
                ["lat"] = lat.ToString("R", CultureInfo.InvariantCulture),
                ["long"] = lon.ToString("R", CultureInfo.InvariantCulture),
                ["description"] = $"基准测试上报 bench report {run} #{i}",
            }),
        };
        message.Headers.Add("Idempotency-Key", Key(run, i));
        return message;
    }

    private static string Key(string run, int i) => $"{run}-{i:D7}";

    private async Task<int> SendOnceAsync(HttpClient http, string run, int i, CancellationToken ct)
    {
        using var response = await http.SendAsync(Request(run, i), ct);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
            throw new InvalidOperationException($"report {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return 0;
    }

    /// <summary>The tracking number once acknowledged and whether this attempt created it; null when the API is down or answered 5xx (to be retried).</summary>
    internal async Task<(string? TrackingNo, bool Created)> TrySendAsync(HttpClient http, string run, int i, CancellationToken ct, Action<string>? failed = null)
    {
        try
        {
            using var response = await http.SendAsync(Request(run, i), ct);
            if ((int)response.StatusCode >= 500)
            {
                failed?.Invoke($"{(int)response.StatusCode}{(response.Headers.RetryAfter is null ? "" : " with Retry-After")}");
                return (null, false);
            }
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
                throw new InvalidOperationException($"report {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            return (body[0].GetProperty("service_request_id").GetString(), response.StatusCode == HttpStatusCode.Created);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException
                                   || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            failed?.Invoke(e is TaskCanceledException ? "no answer within 30 s" : "no connection");
            return (null, false);
        }
    }

    private async Task<(long Events, long Distinct)> CountAsync(string run, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*), count(DISTINCT idempotency_key) FROM event WHERE idempotency_key LIKE $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"o311:{clientId}:{run}-%" });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>This run's events by report number and tracking number, in <paramref name="database"/> (default: the benchmark's own).</summary>
    internal async Task<Dictionary<int, string>> StoredAsync(string run, CancellationToken ct, NpgsqlDataSource? database = null)
    {
        var prefix = $"o311:{clientId}:{run}-";
        await using var command = (database ?? dataSource).CreateCommand("SELECT idempotency_key, tracking_no FROM event WHERE idempotency_key LIKE $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix + "%" });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var stored = new Dictionary<int, string>();
        while (await reader.ReadAsync(ct))
            stored[int.Parse(reader.GetString(0)[prefix.Length..], CultureInfo.InvariantCulture)] = reader.GetString(1);
        return stored;
    }

    private async Task<Process> StartApiAsync(string dll, string url, HttpClient http, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.Environment["Database__ConnectionString"] = connectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 240; i++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"GeoApi exited with {process.ExitCode} while starting.");
            try
            {
                using var health = await http.GetAsync("health", ct);
                if (health.IsSuccessStatusCode)
                    return process;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250, ct);
        }
        Stop(process);
        throw new InvalidOperationException($"GeoApi did not answer {url}/health within 60 s.");
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
        process.Dispose();
    }
}
