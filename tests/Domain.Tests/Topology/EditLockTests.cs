using GridMap.Domain.Topology;

namespace GridMap.Domain.Tests.Topology;

/// <summary>A two-hour hold on one village, always judged against a given clock reading.</summary>
public class EditLockTests
{
    private static readonly DateTimeOffset Nine = DateTimeOffset.Parse("2026-03-02T09:00:00+08:00");

    private static EditLock TakenByWang()
    {
        Assert.True(EditLock.TryAcquire(null, Fixtures.Village, "wang", Nine, out var taken, out _));
        return taken;
    }

    [Fact]
    public void A_lock_lasts_two_hours()
    {
        var held = TakenByWang();
        Assert.Equal(Nine.AddHours(2), held.Expires);
        Assert.True(held.IsHeldBy("wang", Nine.AddMinutes(119)));
        Assert.False(held.IsHeldBy("wang", Nine.AddHours(2)));
        Assert.True(held.IsExpired(Nine.AddHours(2)));
        Assert.False(held.IsHeldBy("li", Nine));
    }

    [Fact]
    public void Another_planner_is_told_who_holds_the_village_and_until_when()
    {
        Assert.False(EditLock.TryAcquire(TakenByWang(), Fixtures.Village, "li", Nine.AddHours(1), out _, out var refusal));
        Assert.Equal("Village 140428100201 is being edited by wang until 2026-03-02 11:00 +08:00.", refusal);
    }

    [Fact]
    public void A_lapsed_lock_can_be_taken_by_another_planner()
    {
        Assert.True(EditLock.TryAcquire(TakenByWang(), Fixtures.Village, "li", Nine.AddHours(2), out var taken, out _));
        Assert.Equal(("li", Nine.AddHours(4)), (taken.Holder, taken.Expires));
    }

    [Fact]
    public void Extending_gives_the_holder_two_hours_from_now()
    {
        Assert.True(TakenByWang().TryExtend("wang", Nine.AddMinutes(110), out var extended, out _));
        Assert.Equal(Nine.AddMinutes(230), extended.Expires);
        Assert.Equal(Nine, extended.Acquired);
    }

    [Fact]
    public void Taking_your_own_lock_again_renews_it()
    {
        Assert.True(EditLock.TryAcquire(TakenByWang(), Fixtures.Village, "wang", Nine.AddHours(1), out var renewed, out _));
        Assert.Equal(Nine.AddHours(3), renewed.Expires);
    }

    [Theory]
    [InlineData("li", 60, "being edited by wang")]
    [InlineData("wang", 120, "lapsed")]
    [InlineData("li", 121, "lapsed")]
    public void Only_the_holder_of_a_live_lock_may_extend_it(string user, int minutesLater, string reason)
    {
        Assert.False(TakenByWang().TryExtend(user, Nine.AddMinutes(minutesLater), out _, out var refusal));
        Assert.Contains(reason, refusal);
    }
}
