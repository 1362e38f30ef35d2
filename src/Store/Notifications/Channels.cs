using System.Globalization;

namespace GridMap.Store.Notifications;

/// <summary>
/// The NOTIFY channels GridMap uses and what their payloads say. Every sender and listener takes the names from here:
/// the .sql files that notify receive the channel as <c>@channel</c>.
/// </summary>
public static class Channels
{
    /// <summary>
    /// Committed event changes, for live maps. The payload is one or more <see cref="EventNotice"/>s joined by ',':
    /// an intake batch (Events/Notify.sql), a transition (Events/UpdateEvent.sql, which formats its one notice in SQL)
    /// and a publish that moved events to other grids (Planning/Publish/NotifyEvents.sql).
    /// </summary>
    public const string Events = "gridmap_events";

    /// <summary>
    /// Tile caches: a new <c>tile_invalidation</c> row (payload its id, sent by <c>tile_invalidate()</c> of migration
    /// 0006, which is history and keeps this name) or a new data load (payload <see cref="DatasetLoaded"/>). Listeners
    /// read the table rather than the payload, so a notice only says "look again".
    /// </summary>
    public const string TileInvalidation = "tile_invalidation";

    /// <summary>A committed personal inbox item: the payload is the recipient's username (Store.Inbox).</summary>
    public const string Inbox = "gridmap_inbox";

    /// <summary>The <see cref="TileInvalidation"/> payload of a completed data load.</summary>
    public const string DatasetLoaded = "dataset";
}

/// <summary>One event in a notice on <see cref="Channels.Events"/>: "&lt;id&gt; &lt;county&gt; &lt;version&gt;".</summary>
public readonly record struct EventNotice(long Id, string County, int Version)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id} {County} {Version}");

    /// <summary>The payload of one notice about several events.</summary>
    public static string Join(IEnumerable<EventNotice> notices) => string.Join(',', notices);

    /// <summary>Reads the event ids from a payload; false unless every part is a well-formed notice.</summary>
    public static bool TryParseIds(string payload, out IReadOnlyList<long> ids)
    {
        var list = new List<long>();
        ids = list;
        foreach (var notice in payload.Split(','))
        {
            var parts = notice.Split(' ');
            if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
                return false;
            list.Add(id);
        }
        return true;
    }
}
