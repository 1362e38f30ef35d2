using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Kpi;

namespace GridMap.GeoApi.Kpi;

/// <summary>
/// Keeps the KPI rollup current: every <c>Kpi:RefreshSeconds</c> (default 30; 0 turns it off) it recounts the months
/// and counties of events changed since the last refresh, so live events show in the KPIs within a minute. With several
/// GeoApi instances the refreshes take turns (an advisory lock).
/// </summary>
public sealed class KpiRefresher(KpiStore store, IConfiguration configuration, ILogger<KpiRefresher> logger)
    : PeriodicJob(configuration, logger, "Kpi:RefreshSeconds", 30)
{
    protected override async Task RoundAsync(CancellationToken ct)
    {
        var done = await store.RefreshChangedAsync(ct);
        if (done.Pairs > 0)
            logger.LogInformation("KPI rollup: recounted {Pairs} county-months in {Ms:F0} ms", done.Pairs, done.Elapsed.TotalMilliseconds);
    }
}
