using GridMap.GeoApi.Events;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Inbox;
using GridMap.Store.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;

namespace GridMap.GeoApi.Inbox;

/// <summary>The personal inbox: read it, mark items read; pushed live on the events hub.</summary>
public static class InboxApi
{
    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder app)
    {
        var inbox = app.MapGroup("/api/inbox").WithTags("Inbox").RequireAuthorization().WithSmallBody();
        inbox.MapGet("/", Get).WithSummary(
            "Your inbox: steps assigned to you, supervised, returned for rework or overdue (newest first, read or unread), and the steps you hold due within 4 working hours.");
        inbox.MapPost("/{id:long}/read", (long id, HttpContext http, InboxStore store, CancellationToken ct) => Read(id, http, store, ct))
            .DisableAntiforgery().WithSummary("Mark one item read.").ProducesProblem(404);
        inbox.MapPost("/read", (HttpContext http, InboxStore store, CancellationToken ct) => Read(null, http, store, ct))
            .DisableAntiforgery().WithSummary("Mark every item read.");
        return app;
    }

    public static async Task<Ok<InboxView>> Get(bool? unread, HttpContext http, InboxStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetAsync(RequestCaller.Get(http).Username, unread ?? false, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> Read(long? id, HttpContext http, InboxStore store, CancellationToken ct) =>
        await store.MarkReadAsync(RequestCaller.Get(http).Username, id, ct)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound($"No item {id} in your inbox.");

    public static IServiceCollection AddInbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<InboxFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxFeed>());
        services.AddSingleton<ISmsGateway>(sp => new LogFileSmsGateway(
            configuration["Sms:LogPath"] is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "sms.log")));
        services.AddHostedService<SmsOutboxSender>();
        return services;
    }
}

/// <summary>
/// Tells each person's live clients that their inbox has a new item: LISTEN on <see cref="Channels.Inbox"/> (the store
/// notifies in the item's own transaction), push the unread count to the person's group on the events hub. A client
/// that was offline reads the stored inbox when it comes back, so a missed push loses nothing.
/// </summary>
public sealed class InboxFeed(NotificationListener listener, InboxStore store, IHubContext<EventsHub> hub, ILogger<InboxFeed> log)
    : BackgroundService, INotificationHandler
{
    public Task Listening => listener.Listening;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => listener.RunAsync([Channels.Inbox], this, stoppingToken);

    Task INotificationHandler.ConnectedAsync(int connection, CancellationToken ct) =>
        connection > 1 ? hub.Clients.All.SendAsync(EventsHub.Resync, ct) : Task.CompletedTask;

    async Task INotificationHandler.ReceivedAsync(Notification notification, CancellationToken ct)
    {
        var username = notification.Payload;
        if (username.Length is 0 or > 40)
            return;
        try
        {
            var unread = await store.UnreadAsync(username, ct);
            await hub.Clients.Group(EventsHub.PersonGroup(username)).SendAsync(EventsHub.InboxChanged, unread, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not push the inbox of {Username}", username);
        }
    }

    void INotificationHandler.Lost(Exception error, TimeSpan retryIn) =>
        log.LogWarning(error, "Inbox feed lost its LISTEN connection; reconnecting in {Delay}", retryIn);
}
