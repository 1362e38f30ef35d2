using GridMap.Store.Kpi;

namespace GridMap.GeoApi.Kpi;

/// <summary>
/// Keeps the KPI rollup current: every <c>Kpi:RefreshSeconds</c> (default 30; 0 turns it off) it recounts the months
/// and counties of events changed since the last refresh, so live events show in the KPIs within a minute. With several
/// GeoApi instances the refreshes take turns (an advisory lock); a failed round is logged and retried next time.
/// </summary>
public sealed class KpiRefresher(KpiStore store, IConfiguration configuration, ILogger<KpiRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = configuration.GetValue("Kpi:RefreshSeconds", 30);
        if (seconds <= 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var done = await store.RefreshChangedAsync(stoppingToken);
                if (done.Pairs > 0)
                    logger.LogInformation("KPI rollup: recounted {Pairs} county-months in {Ms:F0} ms", done.Pairs, done.Elapsed.TotalMilliseconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "KPI rollup refresh failed; retrying in {Seconds} s", seconds);
            }
        }
    }
}
