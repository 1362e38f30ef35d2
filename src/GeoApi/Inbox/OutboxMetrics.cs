using GridMap.Store.Inbox;
using GridMap.Metrics;

namespace GridMap.GeoApi.Inbox;

/// <summary>The text-message outbox on <c>/metrics</c>, read from the database at each scrape (one indexed count).</summary>
public static class OutboxMetrics
{
    public static WebApplication AddOutboxMetrics(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<InboxStore>();
        var metrics = app.Services.GetRequiredService<HostMetrics>();
        var depth = metrics.Factory.CreateGauge("gridmap_sms_outbox_depth", "Text messages not yet sent: waiting, or given up after 10 failed attempts.", labelNames: ["state"]);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GridMap.GeoApi.Metrics");
        metrics.Registry.AddBeforeCollectCallback(async ct =>
        {
            try
            {
                var (waiting, givenUp) = await store.OutboxDepthAsync(ct);
                depth.WithLabels("waiting").Set(waiting);
                depth.WithLabels("given_up").Set(givenUp);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                // The scrape still answers with what it has; the database's own state shows on /health.
                logger.LogWarning("The outbox depth could not be read: {Message}", e.Message);
            }
        });
        return app;
    }
}
