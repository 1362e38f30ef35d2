using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace GridMap.Cli.Bench;

/// <summary>
/// The field app as a phone meets it, in headless Chromium against a published GeoApi (trimmed, compressed assets):
/// bytes of a first visit, a first visit over emulated 3G to a usable sign-in, a later start from the cache with 4×
/// CPU throttling to the own grid's map, and 100 actions queued offline synced once the connection returns.
/// </summary>
internal sealed class FieldBenchmark(string geoApiUrl, string username, string password, int queued, TextWriter output)
{
    private const string Pin = "2468";
    private const float Wait = 120_000;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
        var url = geoApiUrl.TrimEnd('/') + "/field/";
        output.WriteLine($"GridMap field app benchmark · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · headless Chromium {browser.Version} · {url}");
        var met = true;

        // 1. A first visit: every byte the browser receives until the sign-in form is usable (headers included).
        await using (var context = await PhoneAsync(browser))
        {
            var page = await context.NewPageAsync();
            long bytes = 0;
            var cdp = await context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Network.enable");
            cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
                Interlocked.Add(ref bytes, (long)(e?.GetProperty("encodedDataLength").GetDouble() ?? 0));
            await page.GotoAsync(url);
            await page.GetByTestId("username").WaitForAsync(new() { Timeout = Wait });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var megabytes = bytes / 1024.0 / 1024.0;
            met &= megabytes <= 6;
            output.WriteLine(Invariant($"first visit, bytes received until the sign-in is usable: {megabytes:F2} MB — target ≤ 6 MB compressed: {Verdict(megabytes <= 6)}"));
        }

        // 2. The same over emulated 3G (1.6 Mbps down, 750 kbps up, 300 ms round trip), a fresh profile.
        await using (var context = await PhoneAsync(browser))
        {
            var page = await context.NewPageAsync();
            var cdp = await context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Network.enable");
            await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
            {
                ["offline"] = false, ["latency"] = 300, ["downloadThroughput"] = 1_600_000 / 8, ["uploadThroughput"] = 750_000 / 8,
            });
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(url, new() { Timeout = Wait });
            await page.GetByTestId("username").WaitForAsync(new() { Timeout = Wait });
            var seconds = clock.Elapsed.TotalSeconds;
            met &= seconds < 30;
            output.WriteLine(Invariant($"first visit over emulated 3G to a usable sign-in: {seconds:F1} s — target < 30 s: {Verdict(seconds < 30)}"));
        }

        // 3. Signed in once; then later starts from the cache with the CPU 4× slower: to the PIN prompt, PIN to the own
        //    grid's map drawn (js/start.js, plain JavaScript: the map pans and zooms), and on to the actions (Blazor's page).
        await using (var context = await PhoneAsync(browser))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(url);
            await SignInAsync(page);
            var cdp = await context.NewCDPSessionAsync(page);
            await cdp.SendAsync("Emulation.setCPUThrottlingRate", new Dictionary<string, object> { ["rate"] = 4 });
            var boots = new List<double>();
            var unlocks = new List<double>();
            var actions = new List<double>();
            var completes = new List<double>();
            for (var run = 0; run < 5; run++)
            {
                var clock = Stopwatch.StartNew();
                await page.ReloadAsync();
                await page.GetByTestId("pin").WaitForAsync(new() { Timeout = Wait });
                boots.Add(clock.Elapsed.TotalMilliseconds);
                await page.GetByTestId("pin").FillAsync(Pin);
                clock.Restart();
                await page.GetByTestId("unlock").ClickAsync();
                await page.Locator("[data-testid=quick-map][data-rendered='1'], [data-testid=field-map][data-rendered='1']").First
                    .WaitForAsync(new() { Timeout = Wait });
                unlocks.Add(clock.Elapsed.TotalMilliseconds);
                await page.Locator("[data-testid=quick-map][data-complete='1'], [data-testid=field-map][data-complete='1']").First
                    .WaitForAsync(new() { Timeout = Wait });
                completes.Add(clock.Elapsed.TotalMilliseconds);
                await page.GetByTestId("go-patrol").WaitForAsync(new() { Timeout = Wait });
                await page.Locator("#quick").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = Wait });
                actions.Add(clock.Elapsed.TotalMilliseconds);
            }
            var total = Median(boots) + Median(unlocks);
            met &= total < 2000;
            output.WriteLine(Invariant(
                $"later start from the cache, CPU 4× throttled (median of 5): to the PIN prompt {Median(boots):F0} ms, PIN to the own grid's map drawn {Median(unlocks):F0} ms, together {total:F0} ms — target < 2000 ms: {Verdict(total < 2000)}; PIN to the tiles around it drawn {Median(completes):F0} ms; PIN to the actions usable {Median(actions):F0} ms"));
            await cdp.SendAsync("Emulation.setCPUThrottlingRate", new Dictionary<string, object> { ["rate"] = 1 });

            // 4. Offline, N visits queued (spread over the grid's households); back online, the time until the queue is empty.
            await context.SetOfflineAsync(true);
            var households = await page.EvaluateAsync<long[]>("""
                async () => JSON.parse(await (await import('./js/field.js')).getSecret('bundle')).buildings
                    .flatMap(b => b.houses.flatMap(h => h.households.map(hh => hh.id)))
                """);
            await page.EvaluateAsync("""
                async ([households, n]) => {
                  const field = await import('./js/field.js');
                  for (let i = 0; i < n; i++) {
                    const body = { householdId: households[i % households.length], visitedAt: new Date().toISOString(), note: `基准走访 ${i + 1}` };
                    await field.outboxAdd(JSON.stringify({ key: crypto.randomUUID().replaceAll('-', ''), kind: 'visit', title: `走访 ${i + 1}`,
                      method: 'POST', path: 'api/field/visits', body: JSON.stringify(body), subject: null, rowVersion: null,
                      recordedAt: new Date().toISOString(), state: 'Waiting', attempts: 0 }));
                  }
                }
                """, new object[] { households, queued });
            await page.ReloadAsync();
            await page.GetByTestId("pin").FillAsync(Pin, new() { Timeout = Wait });
            await page.GetByTestId("unlock").ClickAsync();
            await page.Locator($"[data-testid=waiting]:text-is('{queued}')").WaitForAsync(new() { Timeout = Wait });
            var sync = Stopwatch.StartNew();
            await context.SetOfflineAsync(false);
            await page.Locator("[data-testid=waiting]:text-is('0')").WaitForAsync(new() { Timeout = Wait });
            var seconds = sync.Elapsed.TotalSeconds;
            met &= seconds < 10;
            output.WriteLine(Invariant($"{queued} visits queued offline, synced after the connection returned in {seconds:F1} s — target < 10 s: {Verdict(seconds < 10)}"));
        }
        return met ? 0 : 1;
    }

    private static Task<IBrowserContext> PhoneAsync(IBrowser browser) => browser.NewContextAsync(new BrowserNewContextOptions
    {
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        ServiceWorkers = ServiceWorkerPolicy.Allow,
    });

    private async Task SignInAsync(IPage page)
    {
        await page.GetByTestId("username").FillAsync(username, new() { Timeout = Wait });
        await page.GetByTestId("password").FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.GetByTestId("new-pin").FillAsync(Pin, new() { Timeout = Wait });
        await page.GetByTestId("new-pin-again").FillAsync(Pin);
        await page.GetByTestId("set-pin").ClickAsync();
        await page.GetByTestId("buildings").WaitForAsync(new() { Timeout = Wait });
        await page.WaitForFunctionAsync("""
            async () => !!navigator.serviceWorker.controller && !!(await (await caches.open("gridmap-field-shell")).match(document.baseURI))
            """, null, new() { Timeout = Wait });
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
