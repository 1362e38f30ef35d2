using GridMap.Domain.Audit;
using Npgsql;

namespace GridMap.Store.Audit;

/// <summary>
/// Appends to and reads the hash-chained audit log. A change is audited inside the transaction that makes it, so
/// the entry and the change commit together; a read is audited before its data leaves the server.
/// </summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Appends one entry inside the caller's transaction, in one round trip (the SQL function <c>audit_append</c>, migration
    /// 0019): the lock on audit_head orders concurrent appends and is held from here to the caller's commit.
    /// </summary>
    public static async Task<AuditEntry> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string actor, string action, string subject, string purpose, string detail, CancellationToken ct = default)
    {
        var at = AuditChain.Truncate(DateTimeOffset.UtcNow);
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { AppendCommand(at, actor, action, subject, purpose, detail) } };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new AuditEntry(reader.GetInt64(0), at, actor, action, subject, purpose, detail, reader.GetString(1), reader.GetString(2));
    }

    /// <summary>
    /// The append as a command for a batch of the caller's (answers seq, prev_hash, hash), so a writer can send its last
    /// statements and the append in one round trip and commit right after: the chain's lock is held for as short as can be.
    /// </summary>
    public static NpgsqlBatchCommand AppendCommand(DateTimeOffset at, string actor, string action, string subject, string purpose, string detail)
    {
        var command = new NpgsqlBatchCommand("SELECT seq, prev_hash, hash FROM audit_append($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = AuditChain.Truncate(at) });
        foreach (var value in new[] { actor, action, subject, purpose, detail })
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        return command;
    }

    /// <summary>Appends one entry in a transaction of its own (reads, unmasking).</summary>
    public async Task<AuditEntry> AppendAsync(string actor, string action, string subject, string purpose, string detail, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var entry = await AppendAsync(connection, transaction, actor, action, subject, purpose, detail, ct);
        await transaction.CommitAsync(ct);
        return entry;
    }

    /// <summary>Newest first, optionally for one actor or subject.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string? actor, string? subject, long? beforeSeq, int limit, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT seq, at, actor, action, subject, purpose, detail, prev_hash, hash FROM audit_log
            WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR subject = $2) AND ($3::bigint IS NULL OR seq < $3)
            ORDER BY seq DESC LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = actor, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = subject, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = beforeSeq, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            entries.Add(Read(reader));
        return entries;
    }

    /// <summary>Recomputes the whole chain in sequence order and checks its tip against audit_head.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        long headSeq;
        string headHash;
        await using (var head = new NpgsqlCommand("SELECT seq, hash FROM audit_head", connection, transaction))
        await using (var reader = await head.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            headSeq = reader.GetInt64(0);
            headHash = reader.GetString(1);
        }
        await using var command = new NpgsqlCommand(
            "SELECT seq, at, actor, action, subject, purpose, detail, prev_hash, hash FROM audit_log ORDER BY seq", connection, transaction);
        await using var rows = await command.ExecuteReaderAsync(ct);
        long count = 0;
        var lastHash = AuditChain.GenesisHash;
        var broken = AuditChain.Verify(Entries());
        if (broken is null && (count != headSeq || lastHash != headHash))
            broken = new AuditBreak(count + 1, $"the log ends at entry {count} but {headSeq} were written");
        return new AuditVerification(count, broken);

        IEnumerable<AuditEntry> Entries()
        {
            while (rows.Read())
            {
                var entry = Read(rows);
                count++;
                lastHash = entry.Hash;
                yield return entry;
            }
        }
    }

    private static AuditEntry Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8));
}

public sealed record AuditVerification(long Entries, AuditBreak? Break)
{
    public bool Intact => Break is null;
}
