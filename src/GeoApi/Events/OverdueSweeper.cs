using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Events;

namespace GridMap.GeoApi.Events;

/// <summary>
/// Runs the overdue rule every <c>Events:SweepSeconds</c> (default 30; 0 turns it off): overdue handling steps escalate
/// one level up, other overdue steps get an alert in their history; disputes past their level's time go up a level;
/// proxy requests past their time limit and village contracts about to end are announced.
/// Every API instance may run it; the stores lock each row and re-check it, so none is moved twice.
/// </summary>
public sealed class OverdueSweeper(EventStore store, Store.Disputes.DisputeStore disputes, Store.Villages.VillageStore villages,
    Store.Proxy.ProxyStore proxy, IConfiguration configuration,
    ILogger<OverdueSweeper> logger)
    : PeriodicJob(configuration, logger, "Events:SweepSeconds", 30)
{
    protected override async Task RoundAsync(CancellationToken ct)
    {
        if (await store.SweepOverdueAsync(ct: ct) is > 0 and var touched)
            logger.LogInformation("Overdue sweep escalated or alerted {Count} events", touched);
        if (await disputes.SweepOverdueAsync(ct) is > 0 and var moved)
            logger.LogInformation("Overdue sweep moved {Count} disputes up a level", moved);
        if (await proxy.AnnounceOverdueAsync(ct) is > 0 and var late)
            logger.LogInformation("Announced {Count} proxy requests past their time limit", late);
        if (await villages.RemindExpiringAsync(ct) is > 0 and var reminded)
            logger.LogInformation("Announced {Count} village contracts ending within {Days} days", reminded, Domain.Villages.VillageAffairs.ReminderDays);
    }
}
