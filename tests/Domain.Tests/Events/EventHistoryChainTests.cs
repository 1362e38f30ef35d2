using GridMap.Domain.Events;

namespace GridMap.Domain.Tests.Events;

public sealed class EventHistoryChainTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-03-02T09:00:00+08:00");

    private static List<ChainedHistoryEntry> Chain(long eventId, params (string Action, string From, string To, string? Reason)[] steps)
    {
        var entries = new List<ChainedHistoryEntry>();
        var previous = EventHistoryChain.GenesisHash;
        for (var i = 0; i < steps.Length; i++)
        {
            var (action, from, to, reason) = steps[i];
            var at = Start.AddMinutes(i * 7);
            var hash = EventHistoryChain.Hash(eventId, i + 1, at, "township", action, from, to, reason, "140428203", null, previous);
            entries.Add(new ChainedHistoryEntry(eventId, i + 1, at, "township", action, from, to, reason, "140428203", null, previous, hash));
            previous = hash;
        }
        return entries;
    }

    private static readonly (string, string, string, string?)[] Steps =
        [("Report", "Reported", "Reported", "grid"), ("Accept", "Reported", "Accepted", null), ("Register", "Accepted", "Registered", null)];

    [Fact]
    public void An_untouched_chain_verifies() => Assert.Null(EventHistoryChain.Verify(Chain(7, Steps)));

    [Fact]
    public void A_changed_reason_breaks_its_own_step()
    {
        var chain = Chain(7, Steps);
        chain[1] = chain[1] with { Reason = "tampered" };
        Assert.Equal(2, EventHistoryChain.Verify(chain)!.Seq);
    }

    [Fact]
    public void A_removed_step_is_named()
    {
        var chain = Chain(7, Steps);
        chain.RemoveAt(1);
        Assert.Equal((2L, "step 2 is missing (next is 3)"), (EventHistoryChain.Verify(chain)!.Seq, EventHistoryChain.Verify(chain)!.Reason));
    }

    [Fact]
    public void A_step_moved_to_another_event_does_not_verify()
    {
        var moved = Chain(8, Steps);
        var original = Chain(7, Steps);
        Assert.NotEqual(original[0].Hash, moved[0].Hash);
        Assert.Equal(1, EventHistoryChain.Verify([original[0] with { EventId = 8 }])!.Seq);
    }

    [Fact]
    public void A_null_reason_and_an_empty_one_hash_differently() =>
        Assert.NotEqual(
            EventHistoryChain.Hash(1, 1, Start, "a", "Accept", "Reported", "Accepted", null, "140428203", null, EventHistoryChain.GenesisHash),
            EventHistoryChain.Hash(1, 1, Start, "a", "Accept", "Reported", "Accepted", "", "140428203", null, EventHistoryChain.GenesisHash));
}
