using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;

namespace GridMap.MapPortal.Live;

/// <summary>
/// One circuit's subscription to GeoApi's live event hub (/hubs/events), made from the portal server with the signed-in
/// person's token.
/// </summary>
/// <remarks>
/// Why the circuit and not the browser: the page's state (area, filters, which events are on the map) already lives in
/// .NET, so a pushed event is matched against the filters there and the JS only draws what it is given; GeoApi needs no
/// CORS for the hub; and no second JS library has to be shipped. The hop through the circuit costs a few milliseconds on
/// top of LISTEN/NOTIFY.
/// </remarks>
public sealed class EventFeedClient(IOptions<GeoApiOptions> options, ILogger<EventFeedClient> log) : IAsyncDisposable
{
    private HubConnection? connection;

    public bool Connected => connection?.State == HubConnectionState.Connected;

    /// <summary>Connects once; <paramref name="onChanged"/> gets each pushed event, <paramref name="onResync"/> when some may have been missed.</summary>
    public Task StartAsync(string token, Func<EventSummaryDto, Task> onChanged, Func<Task> onResync, CancellationToken ct = default) =>
        StartAsync(token, onChanged, onResync, null, ct);

    /// <summary>As above; <paramref name="onInbox"/> gets the person's unread count whenever their inbox gains an item.</summary>
    public async Task StartAsync(string token, Func<EventSummaryDto, Task>? onChanged, Func<Task> onResync, Func<int, Task>? onInbox,
        CancellationToken ct = default)
    {
        if (connection is not null)
            return;
        var url = new Uri(new Uri(options.Value.BaseUrl.TrimEnd('/') + "/"), "hubs/events");
        connection = new HubConnectionBuilder()
            .WithUrl(url, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .WithAutomaticReconnect()
            .Build();
        if (onChanged is not null)
            connection.On<EventSummaryDto>("eventChanged", onChanged);
        if (onInbox is not null)
            connection.On<int>("inbox", onInbox);
        connection.On("resync", onResync);
        // After the portal's own link drops and comes back, notices sent meanwhile are gone too.
        connection.Reconnected += _ => onResync();
        try
        {
            await connection.StartAsync(ct);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            log.LogWarning(e, "Could not subscribe to the live event feed at {Url}; the page works without live updates", url);
        }
    }

    /// <summary>Ends the subscription (the page that wanted it is gone; the circuit may live on with other pages).</summary>
    public async Task StopAsync()
    {
        if (connection is null)
            return;
        var ending = connection;
        connection = null;
        await ending.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
