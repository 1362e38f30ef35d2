using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using GridMap.Domain.Codes;

namespace GridMap.Domain.Topology;

/// <summary>
/// A planner's hold on one village's boundaries for an edit session. It lapses two hours after it was
/// taken or last extended, so a forgotten session frees the village by itself; others see who holds it
/// and until when. Time is always passed in: nothing here reads a clock.
/// </summary>
public sealed record EditLock(AdminCode Village, string Holder, DateTimeOffset Acquired, DateTimeOffset Expires)
{
    public static readonly TimeSpan Duration = TimeSpan.FromHours(2);

    public bool IsExpired(DateTimeOffset now) => now >= Expires;

    public bool IsHeldBy(string user, DateTimeOffset now) => !IsExpired(now) && string.Equals(Holder, user, StringComparison.Ordinal);

    /// <summary>Takes the village for <paramref name="user"/> unless someone else holds a live lock; taking your own again renews it.</summary>
    public static bool TryAcquire(EditLock? current, AdminCode village, string user, DateTimeOffset now,
        [NotNullWhen(true)] out EditLock? taken, [NotNullWhen(false)] out string? refusal)
    {
        if (village.Level != AdminLevel.Village)
            throw new ArgumentException($"{village} is not a village code.", nameof(village));
        if (current is not null && current.Village != village)
            throw new ArgumentException($"The lock given is on {current.Village}, not {village}.", nameof(current));
        if (current is not null && !current.IsExpired(now) && current.Holder != user)
        {
            taken = null;
            refusal = current.HeldMessage();
            return false;
        }
        taken = new EditLock(village, user, now, now + Duration);
        refusal = null;
        return true;
    }

    /// <summary>Two more hours from now, for the holder of a live lock only: a lapsed lock may already be someone else's.</summary>
    public bool TryExtend(string user, DateTimeOffset now, [NotNullWhen(true)] out EditLock? extended, [NotNullWhen(false)] out string? refusal)
    {
        extended = null;
        if (Holder != user)
        {
            refusal = IsExpired(now) ? $"The lock on {Village} has lapsed; take it again." : HeldMessage();
            return false;
        }
        if (IsExpired(now))
        {
            refusal = string.Create(CultureInfo.InvariantCulture, $"Your lock on {Village} lapsed at {Expires:yyyy-MM-dd HH:mm zzz}; take it again.");
            return false;
        }
        extended = this with { Expires = now + Duration };
        refusal = null;
        return true;
    }

    public string HeldMessage() =>
        string.Create(CultureInfo.InvariantCulture, $"Village {Village} is being edited by {Holder} until {Expires:yyyy-MM-dd HH:mm zzz}.");
}
