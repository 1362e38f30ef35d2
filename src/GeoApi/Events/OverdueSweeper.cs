using GridMap.Store.Events;

namespace GridMap.GeoApi.Events;

/// <summary>
/// Runs the overdue rule every <c>Events:SweepSeconds</c> (default 30; 0 turns it off): overdue handling steps escalate
/// one level up, other overdue steps get an alert in their history. Every API instance may run it; the store skips
/// rows another instance holds.
/// </summary>
public sealed class OverdueSweeper(EventStore store, IConfiguration configuration, ILogger<OverdueSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = configuration.GetValue("Events:SweepSeconds", 30);
        if (seconds <= 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await store.SweepOverdueAsync(ct: stoppingToken) is > 0 and var touched)
                    log.LogInformation("Overdue sweep escalated or alerted {Count} events", touched);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Overdue sweep failed; retrying next tick");
            }
        }
    }
}
