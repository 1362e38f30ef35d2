using GridMap.Store.Events;
using GridMap.Store.Notifications;
using Microsoft.AspNetCore.SignalR;

namespace GridMap.GeoApi.Events;

/// <summary>
/// Feeds <see cref="EventsHub"/> from the database: a <see cref="NotificationListener"/> on <see cref="Channels.Events"/>
/// (every event write notifies in its own transaction, so a notice means a committed change; a batch of reports
/// notifies once, its events joined by commas), loads the events' summaries in one query and sends each to the groups
/// whose area covers the event's grid. Notices sent while the listener reconnects are gone, so clients are then told
/// to resync.
/// </summary>
public sealed class EventFeed(NotificationListener listener, EventStore store, IHubContext<EventsHub> hub, ILogger<EventFeed> log)
    : BackgroundService, INotificationHandler
{
    /// <summary>The server process of the LISTEN connection once it listens (tests end it to prove the reconnect).</summary>
    public int? ListenerProcessId => listener.ProcessId;

    /// <summary>How many times the feed has started listening; above 1 means it reconnected.</summary>
    public int Connections => listener.Connections;

    /// <summary>Completes when the feed listens (again, after a reconnect, with a new task).</summary>
    public Task Listening => listener.Listening;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => listener.RunAsync([Channels.Events], this, stoppingToken);

    async Task INotificationHandler.ConnectedAsync(int connection, CancellationToken ct)
    {
        if (connection > 1)
            await hub.Clients.All.SendAsync(EventsHub.Resync, ct);
    }

    async Task INotificationHandler.ReceivedAsync(Notification notification, CancellationToken ct)
    {
        if (!EventNotice.TryParseIds(notification.Payload, out var ids))
        {
            log.LogWarning("Ignoring a malformed event notice {Payload}", notification.Payload);
            return;
        }
        try
        {
            foreach (var summary in await store.SummariesAsync(ids, ct))
                await hub.Clients.Groups(EventsHub.GroupsCovering(summary.Grid)).SendAsync(EventsHub.EventChanged, summary, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not push events {Ids}", string.Join(',', ids));
        }
    }

    void INotificationHandler.Lost(Exception error, TimeSpan retryIn) =>
        log.LogWarning(error, "Event feed lost its LISTEN connection; reconnecting in {Delay}", retryIn);
}

public static class EventFeedSetup
{
    public static IServiceCollection AddEventFeed(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<EventFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<EventFeed>());
        return services;
    }

    public static IEndpointRouteBuilder MapEventFeed(this IEndpointRouteBuilder app)
    {
        app.MapHub<EventsHub>(EventsHub.Path);
        return app;
    }
}
