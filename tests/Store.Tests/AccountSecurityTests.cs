using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Store.Accounts;
using GridMap.Store.Database;
using GridMap.Testing;

namespace GridMap.Store.Tests;

/// <summary>Sign-in throttling per client address: a burst of wrong passwords from one address waits, other addresses do not.</summary>
public sealed class AccountSecurityTests
{
    [Fact]
    public async Task Fifty_wrong_passwords_from_one_address_make_it_wait_and_leave_other_addresses_alone()
    {
        await using var db = await TestDatabases.CreateAsync("signin");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var accounts = new AccountStore(dataSource);
        await accounts.CreateAsync(new NewAccount("clerk", "乡镇职员", "Clerk-pass-2024", Role.TownshipStaff, AdminCode.Parse("140428203")));
        const string noisy = "203.0.113.7", quiet = "198.51.100.20";

        // Guesses spread over many usernames (none of them locked by it) still count against the address.
        for (var i = 0; i < SignInThrottle.AddressFailures; i++)
            Assert.Equal(SignInAttempt.Wrong, await accounts.AttemptSignInAsync($"guess{i}", "Wrong-pass-1", noisy));
        var refused = await accounts.AttemptSignInAsync("clerk", "Clerk-pass-2024", noisy);
        Assert.Null(refused.Issued);
        Assert.NotNull(refused.WaitUntil);
        Assert.InRange(refused.WaitUntil!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), SignInThrottle.AddressWindow);
        Assert.NotNull((await accounts.AttemptSignInAsync("clerk", "Clerk-pass-2024", quiet)).Issued);
        Assert.NotNull((await accounts.AttemptSignInAsync("clerk", "Clerk-pass-2024", null)).Issued);
    }
}
