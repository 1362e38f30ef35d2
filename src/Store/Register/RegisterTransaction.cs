using System.Text.Json;
using GridMap.Domain.Access;
using GridMap.Store.Audit;
using Npgsql;

namespace GridMap.Store.Register;

/// <summary>
/// One register change in progress: its connection and transaction, the change rows it wrote (each audited in the
/// hash chain at commit, with its reason) and the grids whose freshness it touched (recomputed at commit).
/// </summary>
internal sealed class RegisterTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, Caller caller, DateTimeOffset now)
{
    private readonly List<(long Id, string Kind, string Subject, string Reason, string Detail)> changes = [];
    private readonly HashSet<string> grids = [];
    private readonly HashSet<long> touchedHouseholds = [];

    public Caller Caller => caller;

    public DateTimeOffset Now => now;

    public DateOnly Today => DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime);

    public IReadOnlyList<long> ChangeIds => changes.Select(c => c.Id).ToArray();

    public NpgsqlCommand Command(string sql, params object?[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken ct, params object?[] parameters)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default : (T)value;
    }

    public async Task ExecuteAsync(string sql, CancellationToken ct, params object?[] parameters)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Several statements in one round trip, their results read in order.</summary>
    public NpgsqlBatch Batch(params (string Sql, object?[] Parameters)[] commands)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (sql, parameters) in commands)
            batch.BatchCommands.Add(BatchCommand(sql, parameters));
        return batch;
    }

    /// <summary>
    /// A change to the household confirms it (fresh) and raises its row version: written with the change's last batch,
    /// before the freshness of its grid is recomputed.
    /// </summary>
    public void TouchHousehold(long household, string grid)
    {
        touchedHouseholds.Add(household);
        Touch(grid);
    }

    public void Touch(string? grid)
    {
        if (grid is not null)
            grids.Add(grid);
    }

    /// <summary>Writes one change row; its audit entry follows at commit.</summary>
    public async Task<long> RecordAsync(string kind, string subject, string grid, string reason, object? before, object? after, long? corrects,
        CancellationToken ct)
    {
        var beforeJson = before is null ? null : JsonSerializer.Serialize(before, Json);
        var afterJson = after is null ? null : JsonSerializer.Serialize(after, Json);
        await using var command = Command("""
            INSERT INTO register_change (at, actor, kind, subject, grid_code, reason, before, after, corrects)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9) RETURNING id
            """, now, caller.Username, kind, subject, grid, reason, beforeJson, afterJson, corrects);
        var id = (long)(await command.ExecuteScalarAsync(ct))!;
        changes.Add((id, kind, subject, reason,
            JsonSerializer.Serialize(new { change = id, grid, before = beforeJson, after = afterJson, corrects, role = caller.Role.ToString() })));
        return id;
    }

    /// <summary>
    /// Recomputes freshness of the touched grids, appends the audit entries and commits, in one round trip. The audit
    /// chain's head is locked by the first append and released by the commit, so it is held for the appends and the
    /// WAL flush only, never for a round trip to this process (which, on a busy machine, waits for a core: with the
    /// COMMIT sent separately the lock was held ~50 ms a change under 32 writers and capped throughput near 500/s).
    /// </summary>
    public async Task CommitAsync(string? idempotencyKey, RegisterChangeResult result, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (touchedHouseholds.Count > 0)
            batch.BatchCommands.Add(BatchCommand("UPDATE household SET confirmed_at = $2 WHERE id = ANY ($1)", touchedHouseholds.ToArray(), now));
        if (grids.Count > 0)
            batch.BatchCommands.Add(BatchCommand("SELECT refresh_grid_freshness($1)", (object)grids.Order(StringComparer.Ordinal).ToArray()));
        if (changes.Count > 0 && idempotencyKey is not null)
            batch.BatchCommands.Add(BatchCommand("UPDATE register_change SET idempotency_key = $2, result = $3::jsonb WHERE id = $1",
                changes[0].Id, idempotencyKey, JsonSerializer.Serialize(result, Json)));
        foreach (var change in changes)
            batch.BatchCommands.Add(AuditLog.AppendCommand(now, caller.Username, "register_" + change.Kind, change.Subject, change.Reason, change.Detail));
        // Npgsql sees the transaction end in the server's ready-for-query status and marks `transaction` completed.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync(ct);
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
