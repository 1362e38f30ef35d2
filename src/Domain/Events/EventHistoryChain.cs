using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GridMap.Domain.Audit;

namespace GridMap.Domain.Events;

/// <summary>One stored line of an event's history with its place in the event's own hash chain.</summary>
public sealed record ChainedHistoryEntry(
    long EventId,
    int Seq,
    DateTimeOffset At,
    string Actor,
    string Action,
    string FromState,
    string ToState,
    string? Reason,
    string OwnerUnit,
    string? OwnerDepartment,
    string PrevHash,
    string Hash);

/// <summary>
/// Each event's history is a chain of its own: an entry's hash is SHA-256 over the event id, its fields and the previous
/// entry's hash, the first one linking to 64 zeros. Chains per event keep intake parallel (no global tip to lock) while
/// still exposing any changed, removed or reordered step of an event.
/// </summary>
public static class EventHistoryChain
{
    public static string GenesisHash => AuditChain.GenesisHash;

    public static string Hash(long eventId, int seq, DateTimeOffset at, string actor, string action, string fromState, string toState,
        string? reason, string ownerUnit, string? ownerDepartment, string prevHash)
    {
        var canonical = string.Join('\u001f',
            eventId.ToString(CultureInfo.InvariantCulture),
            seq.ToString(CultureInfo.InvariantCulture),
            AuditChain.Truncate(at).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            actor, action, fromState, toState, reason ?? "\u0000", ownerUnit, ownerDepartment ?? "\u0000", prevHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public static string Hash(ChainedHistoryEntry e) =>
        Hash(e.EventId, e.Seq, e.At, e.Actor, e.Action, e.FromState, e.ToState, e.Reason, e.OwnerUnit, e.OwnerDepartment, e.PrevHash);

    /// <summary>The first entry whose link or content does not hold, or null when the event's chain is intact.</summary>
    public static AuditBreak? Verify(IEnumerable<ChainedHistoryEntry> entries)
    {
        var previous = GenesisHash;
        var expected = 1;
        foreach (var e in entries)
        {
            if (e.Seq != expected)
                return new AuditBreak(expected, $"step {expected} is missing (next is {e.Seq})");
            if (e.PrevHash != previous)
                return new AuditBreak(e.Seq, "its link to the previous step does not match");
            if (Hash(e) != e.Hash)
                return new AuditBreak(e.Seq, "its content does not match its hash");
            previous = e.Hash;
            expected++;
        }
        return null;
    }
}
