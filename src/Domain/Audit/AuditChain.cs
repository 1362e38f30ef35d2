using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GridMap.Domain.Audit;

/// <summary>One entry of the append-only audit log: who did what to which subject, when and why.</summary>
public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Action, string Subject, string Purpose, string Detail, string PrevHash, string Hash);

/// <summary>
/// The audit log's hash chain: each entry's hash is SHA-256 over its own fields and the previous entry's hash, so
/// changing, removing or reordering any entry breaks every hash after it.
/// </summary>
public static class AuditChain
{
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>PostgreSQL keeps microseconds; entries are hashed at that precision so a read-back verifies.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    public static string Hash(long seq, DateTimeOffset at, string actor, string action, string subject, string purpose, string detail, string prevHash)
    {
        var canonical = string.Join('\u001f',
            seq.ToString(CultureInfo.InvariantCulture),
            Truncate(at).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            actor, action, subject, purpose, detail, prevHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The first entry (in sequence order) whose link or hash does not hold, or null when the chain is intact.</summary>
    public static AuditBreak? Verify(IEnumerable<AuditEntry> entries)
    {
        var previous = GenesisHash;
        var expectedSeq = 1L;
        foreach (var e in entries)
        {
            if (e.Seq != expectedSeq)
                return new AuditBreak(expectedSeq, $"entry {expectedSeq} is missing (next is {e.Seq})");
            if (e.PrevHash != previous)
                return new AuditBreak(e.Seq, "its link to the previous entry does not match");
            if (Hash(e.Seq, e.At, e.Actor, e.Action, e.Subject, e.Purpose, e.Detail, e.PrevHash) != e.Hash)
                return new AuditBreak(e.Seq, "its content does not match its hash");
            previous = e.Hash;
            expectedSeq++;
        }
        return null;
    }
}

public sealed record AuditBreak(long Seq, string Reason);
