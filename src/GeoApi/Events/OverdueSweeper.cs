using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Events;

namespace GridMap.GeoApi.Events;

/// <summary>
/// Runs the overdue rule every <c>Events:SweepSeconds</c> (default 30; 0 turns it off): overdue handling steps escalate
/// one level up, other overdue steps get an alert in their history. Every API instance may run it; the store skips
/// rows another instance holds.
/// </summary>
public sealed class OverdueSweeper(EventStore store, IConfiguration configuration, ILogger<OverdueSweeper> logger)
    : PeriodicJob(configuration, logger, "Events:SweepSeconds", 30)
{
    protected override async Task RoundAsync(CancellationToken ct)
    {
        if (await store.SweepOverdueAsync(ct: ct) is > 0 and var touched)
            logger.LogInformation("Overdue sweep escalated or alerted {Count} events", touched);
    }
}
