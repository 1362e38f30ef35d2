using GridMap.Domain.Access;

namespace GridMap.Domain.Tests;

public sealed class AccountSecurityRulesTests
{
    [Theory]
    [InlineData("Strong-pass-1", true)]
    [InlineData("another Pass 9", true)]
    [InlineData("网格Grid-2024", true)]
    [InlineData("Short-1", false)]
    [InlineData("onlylowercaseletters", false)]
    [InlineData("lowercase-with-symbols", false)]
    [InlineData("ZHANGSAN-wang-1", false)]
    [InlineData("Aa1Aa1Aa1Aa1", false)]
    public void A_new_password_needs_length_three_kinds_of_character_and_not_the_username(string password, bool accepted) =>
        Assert.Equal(accepted, PasswordPolicy.Check("zhangsan", password) is null);

    [Fact]
    public void A_password_over_the_maximum_is_refused() =>
        Assert.NotNull(PasswordPolicy.Check("zhangsan", "Aa1-" + new string('x', PasswordPolicy.MaxLength)));

    [Fact]
    public void The_delay_doubles_after_the_free_failures_and_a_try_inside_it_waits()
    {
        Assert.Equal(TimeSpan.Zero, SignInThrottle.DelayAfter(SignInThrottle.FreeFailures - 1));
        Assert.Equal(TimeSpan.FromSeconds(5), SignInThrottle.DelayAfter(SignInThrottle.FreeFailures));
        Assert.Equal(TimeSpan.FromSeconds(10), SignInThrottle.DelayAfter(SignInThrottle.FreeFailures + 1));
        Assert.Equal(TimeSpan.FromSeconds(40), SignInThrottle.DelayAfter(SignInThrottle.FreeFailures + 3));
        var last = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(last.AddSeconds(5), SignInThrottle.WaitUntil(SignInThrottle.FreeFailures, last, last.AddSeconds(2)));
        Assert.Null(SignInThrottle.WaitUntil(SignInThrottle.FreeFailures, last, last.AddSeconds(6)));
        Assert.Null(SignInThrottle.WaitUntil(2, last, last));
        Assert.False(SignInThrottle.Locks(SignInThrottle.LockAfter - 1));
        Assert.True(SignInThrottle.Locks(SignInThrottle.LockAfter));
    }
}
