using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace GridMap.Cli.Bench;

/// <summary>
/// The portal in headless Chromium: time to the first complete map frame after navigation, and each drill step
/// (click in the panel → new unit in the panel, the map settled on it and drawn), median over several runs.
/// </summary>
internal sealed class PortalBenchmark(string portalUrl, string geoApiUrl, int runs, TextWriter output)
{
    public async Task RunAsync(CancellationToken ct)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BenchBrowser.LaunchAsync(playwright);
        var path = await DrillPathAsync(ct);
        output.WriteLine($"GridMap portal benchmark · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · headless Chromium {browser.Version} · {runs} runs");

        var firstPaint = new List<double>();
        var steps = path.ToDictionary(p => p.Code, _ => new List<double>());
        for (var run = 0; run < runs; run++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
            var page = await context.NewPageAsync();
            await page.GotoAsync(portalUrl + "/map");
            await page.WaitForFunctionAsync("() => window.gridmap && window.gridmap.firstRenderAt !== undefined", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
            firstPaint.Add(await page.EvaluateAsync<double>("() => window.gridmap.firstRenderAt"));
            await page.WaitForFunctionAsync("() => window.gridmap.shown === '14'", null, new PageWaitForFunctionOptions { Timeout = 60_000 });

            foreach (var (code, name) in path)
            {
                var before = await page.EvaluateAsync<int>("() => window.gridmap.renderCount");
                var clock = Stopwatch.StartNew();
                await page.Locator($"table.children a[data-code='{code}']").ClickAsync();
                await page.WaitForFunctionAsync("([code, name, n]) => window.gridmap.shown === code && window.gridmap.renderCount > n && document.querySelector('[data-testid=unit-name]')?.textContent === name",
                    new object[] { code, name, before }, new PageWaitForFunctionOptions { Timeout = 60_000 });
                steps[code].Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first complete map frame after navigation: median {Median(firstPaint):F0} ms (runs: {string.Join(", ", firstPaint.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}) — target < 2000 ms: {(Median(firstPaint) < 2000 ? "met" : "MISSED")}"));
        foreach (var (code, name) in path)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  drill to {name} ({code}): median {Median(steps[code]):F0} ms"));
        var all = steps.Values.SelectMany(v => v).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"drill step (click → unit in panel, map settled and drawn): median {Median(all):F0} ms over {all.Count} steps — target < 1000 ms: {(Median(all) < 1000 ? "met" : "MISSED")}"));
    }

    /// <summary>长治市 → 长子县 → its first township → first village → first grid.</summary>
    private async Task<List<(string Code, string Name)>> DrillPathAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(geoApiUrl.TrimEnd('/') + "/") };
        var path = new List<(string, string)> { ("1404", "长治市"), ("140428", "长子县") };
        for (var i = 0; i < 3; i++)
        {
            var children = (await http.GetFromJsonAsync<JsonElement>($"api/units/{path[^1].Item1}/children", ct)).GetProperty("children");
            path.Add((children[0].GetProperty("code").GetString()!, children[0].GetProperty("name").GetString()!));
        }
        return path;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
