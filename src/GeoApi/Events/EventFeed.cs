using System.Threading.Channels;
using GridMap.Store.Events;
using Microsoft.AspNetCore.SignalR;
using Npgsql;

namespace GridMap.GeoApi.Events;

/// <summary>
/// Feeds <see cref="EventsHub"/> from the database: one connection LISTENs on <see cref="EventStore.NotifyChannel"/>
/// (every event write notifies "&lt;id&gt; &lt;county&gt; &lt;version&gt;" in its own transaction, so a notice means a
/// committed change; a batch of reports notifies once, its events joined by commas), loads the events' summaries in one query and sends it to the groups whose area covers the event's grid. A lost
/// connection is reopened with back-off; since notices sent meanwhile are gone, clients are then told to resync.
/// </summary>
public sealed class EventFeed(NpgsqlDataSource dataSource, EventStore store, IHubContext<EventsHub> hub, ILogger<EventFeed> log) : BackgroundService
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);

    private readonly Channel<string> notices = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The server process of the LISTEN connection once it listens (tests end it to prove the reconnect).</summary>
    public int? ListenerProcessId { get; private set; }

    /// <summary>How many times the feed has started listening; above 1 means it reconnected.</summary>
    public int Connections { get; private set; }

    /// <summary>Completes when the feed listens (again, after a reconnect, with a new task).</summary>
    public Task Listening => listening.Task;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), ForwardAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken ct)
    {
        var backOff = TimeSpan.FromMilliseconds(250);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, e) => notices.Writer.TryWrite(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {EventStore.NotifyChannel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                ListenerProcessId = connection.ProcessID;
                if (++Connections > 1)
                    await hub.Clients.All.SendAsync(EventsHub.Resync, ct);
                listening.TrySetResult();
                backOff = TimeSpan.FromMilliseconds(250);
                while (!ct.IsCancellationRequested)
                {
                    // A quiet connection is probed now and then, so a dead one is noticed without a notice to fail on.
                    if (!await connection.WaitAsync(KeepAlive, ct))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Event feed lost its LISTEN connection; reconnecting in {Delay}", backOff);
                if (listening.Task.IsCompleted)
                    listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                try
                {
                    await Task.Delay(backOff, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backOff = TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, MaxBackOff.Ticks));
            }
        }
    }

    private async Task ForwardAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var payload in notices.Reader.ReadAllAsync(ct))
            {
                if (!TryParse(payload, out var ids))
                {
                    log.LogWarning("Ignoring a malformed event notice {Payload}", payload);
                    continue;
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
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads the event ids from a notice: one or more "&lt;id&gt; &lt;county&gt; &lt;version&gt;" joined by commas.</summary>
    public static bool TryParse(string payload, out IReadOnlyList<long> ids)
    {
        var list = new List<long>();
        ids = list;
        foreach (var notice in payload.Split(','))
        {
            var parts = notice.Split(' ');
            if (parts.Length != 3 || !long.TryParse(parts[0], System.Globalization.NumberStyles.None, null, out var id) || id <= 0)
                return false;
            list.Add(id);
        }
        return true;
    }
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
