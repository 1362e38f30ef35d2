using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Register;

namespace GridMap.GeoApi.Register;

/// <summary>
/// Keeps grid freshness exact as time passes: every <c>Register:FreshnessSeconds</c> (default 60; 0 turns it off) it
/// recomputes the grids whose oldest fresh household has just aged out of the window. Changes themselves recompute
/// their grids in their own transaction.
/// </summary>
public sealed class FreshnessRefresher(RegisterStore store, IConfiguration configuration, ILogger<FreshnessRefresher> logger)
    : PeriodicJob(configuration, logger, "Register:FreshnessSeconds", 60)
{
    protected override async Task RoundAsync(CancellationToken ct)
    {
        var grids = await store.RefreshExpiredAsync(ct);
        if (grids > 0)
            logger.LogInformation("Freshness: recomputed {Grids} grids whose households aged out", grids);
    }
}
