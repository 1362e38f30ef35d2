using GridMap.Domain.Access;
using GridMap.Hosting.Authentication;
using GridMap.Store.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace GridMap.GeoApi.Events;

/// <summary>
/// The live event feed for command-centre maps. A client joins the group of its account's area when it connects and
/// receives <see cref="EventChanged"/> with an <see cref="Store.Events.EventSummary"/> for every report or step in
/// that area, and <see cref="Resync"/> when notices may have been missed (the feed reconnected to the database).
/// Clients only listen: every change goes through the events API.
/// </summary>
[Authorize]
public sealed class EventsHub : Hub
{
    public const string Path = TokenAuthenticationHandler.HubsPath + "/events";
    public const string EventChanged = "eventChanged";
    public const string Resync = "resync";

    /// <summary>A new item in the person's inbox (payload: the unread count); see <see cref="Inbox.InboxFeed"/>.</summary>
    public const string InboxChanged = "inbox";

    /// <summary>The group of one person's connections (their inbox pushes).</summary>
    public static string PersonGroup(string username) => "user:" + username;

    /// <summary>The group of everyone whose area is <paramref name="areaCode"/>.</summary>
    public static string GroupOf(string areaCode) => "area:" + areaCode;

    /// <summary>
    /// The groups that may see an event in <paramref name="gridCode"/>: the area codes that are prefixes of it
    /// (province 2, city 4, county 6, township 9, village 12 and the grid itself, 15).
    /// </summary>
    public static IReadOnlyList<string> GroupsCovering(string gridCode) =>
        new[] { 2, 4, 6, 9, 12, 15 }.Where(n => n <= gridCode.Length).Select(n => GroupOf(gridCode[..n])).ToArray();

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.ToCaller() is not { } caller)
        {
            Context.Abort();
            return;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(caller.Scope.Value));
        await Groups.AddToGroupAsync(Context.ConnectionId, PersonGroup(caller.Username));
        await base.OnConnectedAsync();
    }
}
