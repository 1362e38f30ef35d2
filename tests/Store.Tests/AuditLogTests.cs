using GridMap.Domain.Audit;
using GridMap.Store.Audit;
using GridMap.Store.Database;
using GridMap.Testing;
using Npgsql;

namespace GridMap.Store.Tests;

/// <summary>The audit log: appended in order, hash-chained, refuses updates and deletes, and reveals tampering.</summary>
public sealed class AuditLogTests
{
    [Fact]
    public async Task Appends_chain_and_verify()
    {
        await using var db = await TestDatabases.CreateAsync("audit");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var audit = new AuditLog(dataSource);
        var first = await audit.AppendAsync("gridmanager", "unmask", "person:1", "入户核实", "{\"fields\":[\"id_number\"]}");
        var second = await audit.AppendAsync("auditor", "read_special_group", "person:2", "duty", "{}");
        Assert.Equal(1, first.Seq);
        Assert.Equal(AuditChain.GenesisHash, first.PrevHash);
        Assert.Equal(first.Hash, second.PrevHash);
        var verification = await audit.VerifyAsync();
        Assert.True(verification.Intact, verification.Break?.Reason);
        Assert.Equal(2, verification.Entries);
        var listed = await audit.ListAsync("gridmanager", null, null, 10);
        Assert.Equal("入户核实", Assert.Single(listed).Purpose);
    }

    [Fact]
    public async Task Concurrent_appends_keep_one_unbroken_chain()
    {
        await using var db = await TestDatabases.CreateAsync("auditconcurrent");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var audit = new AuditLog(dataSource);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => audit.AppendAsync($"user{i % 4}", "read", $"person:{i}", "duty", "{}")));
        var verification = await audit.VerifyAsync();
        Assert.True(verification.Intact, verification.Break?.Reason);
        Assert.Equal(40, verification.Entries);
    }

    [Fact]
    public async Task Updates_and_deletes_are_refused()
    {
        await using var db = await TestDatabases.CreateAsync("auditappendonly");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        await new AuditLog(dataSource).AppendAsync("a", "unmask", "person:1", "why", "{}");
        foreach (var sql in new[] { "UPDATE audit_log SET purpose = 'nothing'", "DELETE FROM audit_log", "TRUNCATE audit_log" })
        {
            await using var command = dataSource.CreateCommand(sql);
            var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", error.MessageText);
        }
    }

    [Theory]
    [InlineData("UPDATE audit_log SET purpose = 'covering tracks' WHERE seq = 2", 2, "content")]
    [InlineData("DELETE FROM audit_log WHERE seq = 2", 2, "missing")]
    [InlineData("DELETE FROM audit_log WHERE seq = 3", 3, "ends at entry 2")]
    [InlineData("UPDATE audit_log SET hash = repeat('a', 64) WHERE seq = 1", 1, "content")]
    public async Task Tampering_is_detected_at_the_changed_entry(string tamper, long brokenAt, string reason)
    {
        await using var db = await TestDatabases.CreateAsync("audittamper");
        await using var dataSource = GridMapDataSource.Create(db.ConnectionString);
        var audit = new AuditLog(dataSource);
        for (var i = 1; i <= 3; i++)
            await audit.AppendAsync("gridmanager", "unmask", $"person:{i}", "入户核实", "{}");
        // Someone with the database owner's rights switches the guard off first.
        await using (var command = dataSource.CreateCommand($"ALTER TABLE audit_log DISABLE TRIGGER USER; {tamper}; ALTER TABLE audit_log ENABLE TRIGGER USER"))
            await command.ExecuteNonQueryAsync();
        var verification = await audit.VerifyAsync();
        Assert.False(verification.Intact);
        Assert.Equal(brokenAt, verification.Break!.Seq);
        Assert.Contains(reason, verification.Break.Reason);
    }
}
