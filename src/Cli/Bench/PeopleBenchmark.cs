using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Store.Accounts;
using Npgsql;

namespace GridMap.Cli.Bench;

/// <summary>
/// Locate-search latency over a county through GeoApi (<c>GET /api/buildings/search</c>) as its county-centre demo
/// account: address fragments, building codes, resident names and exact ID numbers drawn from the database.
/// </summary>
internal sealed class PeopleBenchmark(NpgsqlDataSource dataSource, HttpClient api, string county, int queries, TextWriter output)
{
    private const int Workers = 2;

    public async Task RunAsync(CancellationToken ct)
    {
        await DemoAccounts.EnsureAsync(new AccountStore(dataSource), ct);
        api.DefaultRequestHeaders.Authorization = new("Bearer", await DemoSignIn.TokenAsync(api, "county", ct));

        var perKind = Math.Max(1, queries / 4);
        var samples = new List<(string Kind, string Query)>();
        samples.AddRange((await SampleAsync("SELECT road || house_number FROM building WHERE starts_with(grid_code, $1) ORDER BY random() LIMIT $2", perKind, ct)).Select(q => ("address", q)));
        samples.AddRange((await SampleAsync("SELECT code FROM building WHERE starts_with(grid_code, $1) ORDER BY random() LIMIT $2", perKind, ct)).Select(q => ("building code", q)));
        samples.AddRange((await SampleAsync("SELECT name FROM person WHERE starts_with(grid_code, $1) ORDER BY random() LIMIT $2", perKind, ct)).Select(q => ("name", q)));
        samples.AddRange((await SampleAsync("SELECT id_number FROM person WHERE starts_with(grid_code, $1) ORDER BY random() LIMIT $2", perKind, ct)).Select(q => ("ID number", q)));
        if (samples.Count == 0)
            throw new InvalidOperationException($"No population in {county}: run gridmap generate people --county {county} first.");
        var shuffled = samples.OrderBy(_ => Random.Shared.Next()).ToList();

        // Warm the connection pool and plans, then measure.
        await LatencyRecorder.RunAsync(shuffled.Take(20).ToList(), Workers, (s, t) => SearchAsync(s.Query, t), ct);
        var byKind = new Dictionary<string, List<double>>();
        var all = await LatencyRecorder.RunAsync(shuffled, Workers, async (s, t) =>
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            var hits = await SearchAsync(s.Query, t);
            lock (byKind)
                (byKind.TryGetValue(s.Kind, out var list) ? list : byKind[s.Kind] = []).Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            return hits;
        }, ct);

        output.WriteLine($"locate search over {county} via GeoApi, {Workers} concurrent clients, {all.Count} queries in {all.Seconds:F1} s ({all.PerSecond:F0}/s)");
        output.WriteLine("  kind            queries   p50 ms   p95 ms   p99 ms");
        foreach (var (kind, latencies) in byKind.OrderBy(k => k.Key))
        {
            var sorted = latencies.Order().ToArray();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {kind,-15} {sorted.Length,7} {LatencyRecorder.NearestRank(sorted, 50),8:F1} {LatencyRecorder.NearestRank(sorted, 95),8:F1} {LatencyRecorder.NearestRank(sorted, 99),8:F1}"));
        }
        var p95 = all.Percentile(95);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  all             {all.Count,7} {all.Percentile(50),8:F1} {p95,8:F1} {all.Percentile(99),8:F1}   target p95 < 50 ms: {(p95 < 50 ? "met" : "MISSED")}"));
    }

    private async Task<int> SearchAsync(string query, CancellationToken ct)
    {
        using var response = await api.GetAsync($"api/buildings/search?q={Uri.EscapeDataString(query)}", ct);
        response.EnsureSuccessStatusCode();
        var hits = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return hits.GetArrayLength();
    }

    private async Task<List<string>> SampleAsync(string sql, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = county });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            values.Add(reader.GetString(0));
        return values;
    }
}
