using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Npgsql;

namespace GridMap.Cli.Bench;

/// <summary>
/// The wall display (大屏) in headless Chromium at 1920×1080. Frames: with at least N open events in the unit (topped up
/// through Open311 when fewer), the time from navigation to the first complete frame (map drawn with its incident tiles,
/// every panel filled), median over fresh page loads; then the frame rate while the map is dragged for 10 s, counted
/// from a Chromium performance trace (the compositor's DrawFrame events) and by requestAnimationFrame beside it. Soak:
/// the wall runs on its own for M minutes (sub-unit cycle, refreshes, live events from a simulator ./bench.sh starts) and
/// every minute the page's JS heap (after a forced GC) and the portal's resident memory are sampled.
/// </summary>
internal sealed class WallBenchmark(string portalUrl, string geoApiUrl, string username, string password, TextWriter output)
{
    public const double FirstFrameTargetMs = 3000;
    public const double FrameRateTarget = 30;
    public const double HeapGrowthLimit = 0.20;
    public const double PortalGrowthLimit = 0.10;

    private static readonly TimeSpan DragFor = TimeSpan.FromSeconds(10);

    public async Task<int> RunFramesAsync(NpgsqlDataSource dataSource, string connectionString, string unit, int open, int runs, CancellationToken ct)
    {
        var have = await OpenEventsAsync(unit, ct);
        if (have < open)
        {
            output.WriteLine($"{have} open events in {unit}; reporting {open - have} more through Open311");
            await new IntakeBenchmark(dataSource, connectionString, output).ReportAsync(geoApiUrl, open - have, 8, ct);
            have = await OpenEventsAsync(unit, ct);
        }
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BenchBrowser.LaunchAsync(playwright);
        output.WriteLine($"GridMap wall display benchmark · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · headless Chromium {browser.Version} · 1920×1080 · /wall/{unit} with {have} open events");

        var page = await BenchBrowser.SignedInAsync(browser, portalUrl, username, password, 1920, 1080);
        var firstFrames = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            // A fresh document each time (the circuit, the map, every tile request); the sign-in cookie stays.
            await page.GotoAsync($"{portalUrl}/wall/{unit}?dwell=3600");
            firstFrames.Add(await FirstFrameAsync(page));
        }
        var median = Median(firstFrames);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first complete frame (map with incidents drawn, every panel filled): median {median:F0} ms (runs: {string.Join(", ", firstFrames.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}) — target < {FirstFrameTargetMs:F0} ms: {(median < FirstFrameTargetMs ? "met" : "MISSED")}"));

        var (traced, animationFrames, longestGapMs) = await DragFramesAsync(page, ct);
        var fps = traced > 0 ? traced : animationFrames;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"frame rate while the map is dragged for {DragFor.TotalSeconds:F0} s: {traced:F1} fps drawn (Chromium trace, DrawFrame) · {animationFrames:F1} fps by requestAnimationFrame · longest gap {longestGapMs:F0} ms — target ≥ {FrameRateTarget:F0} fps: {(fps >= FrameRateTarget ? "met" : "MISSED")}"));
        return 0;
    }

    public async Task<int> RunSoakAsync(string unit, TimeSpan duration, int portalPid, CancellationToken ct)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BenchBrowser.LaunchAsync(playwright);
        var page = await BenchBrowser.SignedInAsync(browser, portalUrl, username, password, 1920, 1080);
        await page.GotoAsync($"{portalUrl}/wall/{unit}");
        await FirstFrameAsync(page);
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Performance.enable");
        output.WriteLine($"GridMap wall display soak · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · headless Chromium {browser.Version} · /wall/{unit} on its own for {duration.TotalMinutes:F0} min");
        output.WriteLine("  minute  JS heap MB  DOM nodes  portal RSS MB  wall unit       refreshes");
        var samples = new List<(double Heap, double Rss)>();
        // Growth is measured from the first sample after the wall has been round every sub-unit once and started again
        // (the first round loads code, tiles and every sub-unit's data), to the mean of the last three samples.
        int? baseline = null;
        var lastIndex = 0;
        var clock = Stopwatch.StartNew();
        for (var minute = 0; clock.Elapsed < duration; minute++)
        {
            if (minute > 0)
                await Task.Delay(TimeSpan.FromMinutes(1), ct);
            await cdp.SendAsync("HeapProfiler.collectGarbage");
            var metrics = (await cdp.SendAsync("Performance.getMetrics"))!.Value.GetProperty("metrics").EnumerateArray()
                .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
            var heap = metrics["JSHeapUsedSize"] / 1048576;
            var rss = PortalResidentMegabytes(portalPid);
            var wall = page.GetByTestId("wall");
            var (shown, refreshed) = (await wall.GetAttributeAsync("data-unit"), await wall.GetAttributeAsync("data-refreshed"));
            var index = int.Parse(await wall.GetAttributeAsync("data-cycle") ?? "0", CultureInfo.InvariantCulture);
            samples.Add((heap, rss));
            // The cycle's index falls back when the wall starts a new round from the unit itself.
            if (baseline is null && index < lastIndex)
                baseline = samples.Count - 1;
            lastIndex = index;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {minute,6}  {heap,10:F1}  {metrics["Nodes"],9:F0}  {rss,13:F1}  {shown,-14}  {refreshed}"));
        }
        if (baseline is null || baseline > samples.Count - 3)
        {
            output.WriteLine("the wall did not finish a round of its sub-units with three samples to spare: run longer (--soak) or with a shorter dwell");
            return 1;
        }
        var start = samples[baseline.Value];
        var end = samples.TakeLast(3).ToList();
        var heapGrowth = end.Average(s => s.Heap) / start.Heap - 1;
        var rssGrowth = end.Average(s => s.Rss) / start.Rss - 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"JS heap: {start.Heap:F1} MB at minute {baseline} (a round of {unit}'s sub-units done) → {end.Average(s => s.Heap):F1} MB over the last three ({heapGrowth:+0.0%;-0.0%}) — limit +{HeapGrowthLimit:P0}: {(heapGrowth <= HeapGrowthLimit ? "met" : "MISSED")}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"portal RSS: {start.Rss:F1} MB at minute {baseline} → {end.Average(s => s.Rss):F1} MB over the last three ({rssGrowth:+0.0%;-0.0%}) — limit +{PortalGrowthLimit:P0}: {(rssGrowth <= PortalGrowthLimit ? "met" : "MISSED")}"));
        return 0;
    }

    /// <summary>Milliseconds from navigation start until the map has drawn completely and every panel has its figures.</summary>
    private static async Task<double> FirstFrameAsync(IPage page)
    {
        var done = await page.WaitForFunctionAsync("""
            () => {
              const map = window.gridmap && window.gridmap.firstRenderAt;
              const panels = document.querySelectorAll("[data-testid=wall-today-value]").length === 3
                && document.querySelector("[data-testid=wall-trend]")?.getAttribute("data-points") === "30"
                && document.querySelector("[data-testid=wall-categories]")?.hasAttribute("data-slices");
              return map !== undefined && map !== null && panels ? Math.max(map, performance.now()) : false;
            }
            """, null, new PageWaitForFunctionOptions { Timeout = 120_000, PollingInterval = 16 });
        return await done.JsonValueAsync<double>();
    }

    /// <summary>Drags the map in a circle for <see cref="DragFor"/>; frames per second from the trace and from rAF.</summary>
    private static async Task<(double Traced, double AnimationFrames, double LongestGapMs)> DragFramesAsync(IPage page, CancellationToken ct)
    {
        var box = (await page.GetByTestId("map").BoundingBoxAsync())!;
        var (cx, cy) = (box.X + box.Width / 2, box.Y + box.Height / 2);
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var events = new ConcurrentBag<JsonElement>();
        var complete = new TaskCompletionSource();
        cdp.Event("Tracing.dataCollected").OnEvent += (_, data) =>
        {
            if (data is { } d)
                foreach (var e in d.GetProperty("value").EnumerateArray())
                    events.Add(e.Clone());
        };
        cdp.Event("Tracing.tracingComplete").OnEvent += (_, _) => complete.TrySetResult();
        await page.EvaluateAsync("""
            () => { const w = window.__frames = { count: 0, last: 0, gap: 0, on: true };
              const tick = t => { if (w.last) w.gap = Math.max(w.gap, t - w.last); w.last = t; w.count++; if (w.on) requestAnimationFrame(tick); };
              requestAnimationFrame(tick); }
            """);
        await cdp.SendAsync("Tracing.start", new Dictionary<string, object>
        {
            ["categories"] = "disabled-by-default-devtools.timeline.frame,devtools.timeline",
            ["transferMode"] = "ReportEvents",
        });
        await page.Mouse.MoveAsync((float)cx, (float)cy);
        await page.Mouse.DownAsync();
        var clock = Stopwatch.StartNew();
        for (var step = 0; clock.Elapsed < DragFor; step++)
        {
            var angle = step * 0.05;
            await page.Mouse.MoveAsync((float)(cx + 200 * Math.Cos(angle)), (float)(cy + 120 * Math.Sin(angle)));
        }
        await page.Mouse.UpAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var raf = await page.EvaluateAsync<JsonElement>("() => { window.__frames.on = false; return { count: window.__frames.count, gap: window.__frames.gap }; }");
        await cdp.SendAsync("Tracing.end");
        await complete.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        var drawn = events.Count(e => e.TryGetProperty("name", out var n) && n.GetString() == "DrawFrame");
        return (drawn / seconds, raf.GetProperty("count").GetDouble() / seconds, raf.GetProperty("gap").GetDouble());
    }

    private async Task<int> OpenEventsAsync(string unit, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(geoApiUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
        var token = await DemoSignIn.TokenAsync(http, username, ct, password);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/kpi/{Uri.EscapeDataString(unit)}/wall");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("open").GetInt32();
    }

    private static double PortalResidentMegabytes(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).First();

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
