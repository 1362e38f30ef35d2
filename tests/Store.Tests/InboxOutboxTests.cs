using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using GridMap.Store.Accounts;
using GridMap.Store.Database;
using GridMap.Store.Inbox;
using GridMap.Testing;

namespace GridMap.Store.Tests;

/// <summary>The inbox and the text-message outbox: stored with the step, read per person, each message sent once, failures retried.</summary>
public sealed class InboxOutboxTests
{
    [Fact]
    public async Task Items_are_kept_per_person_and_each_text_message_is_sent_once_after_a_failing_gateway_recovers()
    {
        await using var db = await TestDatabases.CreateAsync("inbox");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var accounts = new AccountStore(dataSource);
        await accounts.CreateAsync(new NewAccount("clerk", "乡镇职员", "Clerk-pass-2024", Role.TownshipStaff, AdminCode.Parse("140428203"),
            Phone: "13800001234"));
        await accounts.CreateAsync(new NewAccount("nophone", "无手机", "Clerk-pass-2024", Role.TownshipStaff, AdminCode.Parse("140428203")));
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await InboxStore.AddAsync(connection, transaction, "clerk", NoticeKind.Assigned, null, "【GridMap】测试 指派", DateTimeOffset.UtcNow, default);
            await InboxStore.AddAsync(connection, transaction, "nophone", NoticeKind.Overdue, null, "【GridMap】测试 超期", DateTimeOffset.UtcNow, default);
            await transaction.CommitAsync();
        }
        var inbox = new InboxStore(dataSource, TimeProvider.System);
        var clerk = await inbox.GetAsync("clerk", unreadOnly: false);
        Assert.Equal(1, clerk.Unread);
        Assert.Equal("assigned", Assert.Single(clerk.Items).Kind);
        Assert.Equal("overdue", Assert.Single((await inbox.GetAsync("nophone", false)).Items).Kind);
        Assert.False(await inbox.MarkReadAsync("nophone", clerk.Items[0].Id));
        Assert.True(await inbox.MarkReadAsync("clerk", clerk.Items[0].Id));
        Assert.Equal(0, (await inbox.GetAsync("clerk", false)).Unread);

        // Only the account with a phone gets a text message; a failing gateway leaves it waiting, counted.
        var sent = new List<OutgoingSms>();
        Assert.Equal(0, await inbox.DrainOutboxAsync((_, _) => throw new HttpRequestException("gateway down")));
        Assert.Equal(1, await dataSource.ScalarAsync<int>("SELECT attempts FROM sms_outbox"));
        Assert.Equal("gateway down", await dataSource.ScalarAsync<string>("SELECT last_error FROM sms_outbox"));
        Assert.Equal(1, await inbox.DrainOutboxAsync((sms, _) => { sent.Add(sms); return Task.CompletedTask; }));
        Assert.Equal(0, await inbox.DrainOutboxAsync((sms, _) => { sent.Add(sms); return Task.CompletedTask; }));
        var message = Assert.Single(sent);
        Assert.Equal(("13800001234", "【GridMap】测试 指派"), (message.Phone, message.Text));
        Assert.Equal(1L, await dataSource.ScalarAsync<long>("SELECT count(*) FROM sms_outbox WHERE sent_at IS NOT NULL"));
    }
}
