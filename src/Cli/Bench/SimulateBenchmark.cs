using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace GridMap.Cli.Bench;

/// <summary>
/// The hosts under a living province: while <c>gridmap simulate</c> (started beside it by ./bench.sh) reports and
/// handles events at N× through GeoApi, the province's wall display runs in headless Chromium as a command centre would
/// show it (its refreshes, live events and incident tiles). Each host's request latency is read from its own
/// <c>/metrics</c> histogram at the start, every minute and at the end: requests, p50 and p99 per host and the slowest
/// routes. Long-lived connections (Blazor's circuit, the SignalR event hub) and the scrapes are left out of the figures.
/// </summary>
internal sealed class SimulateBenchmark(IReadOnlyList<(string Name, string Url)> hosts, string portalUrl, TextWriter output)
{
    public const double TargetP99Ms = 200;

    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(60);

    // A SignalR hub's route times the whole connection (minutes), not a request; negotiations are requests and count.
    private static readonly HashSet<string> NotRequests = ["/metrics", "/_blazor", "/hubs/events"];

    public static bool Counted(string endpoint) => endpoint.Length > 0 && !NotRequests.Contains(endpoint);

    public async Task<int> RunAsync(TimeSpan duration, string wallUnit, string username, string password, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BenchBrowser.LaunchAsync(playwright);
        var page = await BenchBrowser.SignedInAsync(browser, portalUrl, username, password, 1920, 1080);
        await page.GotoAsync($"{portalUrl}/wall/{wallUnit}");
        // Sustained means after start-up: the hosts' first requests (JIT, the first tiles, the simulator opening its first
        // accounts) are a minute's warm-up, not measured.
        await Task.Delay(WarmUp, ct);
        var before = new Dictionary<string, MetricsSnapshot>();
        foreach (var (name, url) in hosts)
            before[name] = await MetricsSnapshot.ScrapeAsync(http, url, ct);
        output.WriteLine($"GridMap under simulation · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · the wall of {wallUnit} open in headless Chromium {browser.Version} · {duration.TotalMinutes:F0} min measured after {WarmUp.TotalSeconds:F0} s warm-up");

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(60, Math.Max(1, (duration - clock.Elapsed).TotalSeconds))), ct);
            var line = new List<string>();
            foreach (var (name, url) in hosts)
            {
                var (count, _, p99) = (await MetricsSnapshot.ScrapeAsync(http, url, ct)).Since(before[name]).Summary(Counted);
                line.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {count} req p99 {p99:F0} ms"));
            }
            output.WriteLine($"  {clock.Elapsed:mm\\:ss}  {string.Join(" · ", line)}");
        }

        var met = true;
        output.WriteLine($"requests answered in {duration.TotalMinutes:F0} min (long-lived connections and scrapes left out):");
        foreach (var (name, url) in hosts)
        {
            var since = (await MetricsSnapshot.ScrapeAsync(http, url, ct)).Since(before[name]);
            var (count, p50, p99) = since.Summary(Counted);
            met &= count == 0 || p99 < TargetP99Ms;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-8} {count,7} requests ({count / duration.TotalSeconds:F1}/s)   p50 {p50:F1} ms   p99 {p99:F1} ms"));
            foreach (var (endpoint, routeCount, routeP99) in since.Routes(Counted).Where(r => r.Count >= 20).Take(4))
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      slowest: {endpoint} {routeCount} requests, p99 {routeP99:F0} ms"));
        }
        output.WriteLine($"every host's p99 < {TargetP99Ms:F0} ms: {(met ? "met" : "MISSED")}");
        return 0;
    }
}
