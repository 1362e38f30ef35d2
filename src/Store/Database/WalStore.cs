using Npgsql;

namespace GridMap.Store.Database;

/// <summary>
/// PostgreSQL's own machinery for copies of the cluster: physical replication slots (the server keeps WAL until the
/// slot's consumer — an archive receiver or a standby — has it) and write-ahead log positions.
/// </summary>
public sealed class WalStore(NpgsqlDataSource dataSource)
{
    /// <summary>Creates the physical slot if missing, reserving WAL from now on; true when it was created.</summary>
    public async Task<bool> EnsureSlotAsync(string slot, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT pg_create_physical_replication_slot($1, true)
            WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct);
    }

    /// <summary>Drops the slot when it exists and nobody is using it; true when dropped.</summary>
    public async Task<bool> DropSlotAsync(string slot, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct);
    }

    /// <summary>Where the server's WAL ends now (every commit acknowledged so far lies before it).</summary>
    public async Task<ulong> CurrentLsnAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::numeric::text");
        return ulong.Parse((string)(await command.ExecuteScalarAsync(ct))!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How far the consumer of <paramref name="slot"/> has written WAL to its own disk; null when nobody streams from it.</summary>
    public async Task<ulong?> SlotFlushedLsnAsync(string slot, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT (r.flush_lsn - '0/0'::pg_lsn)::numeric::text
            FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid
            WHERE s.slot_name = $1 AND r.flush_lsn IS NOT NULL
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot });
        return await command.ExecuteScalarAsync(ct) is string text ? ulong.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Whether this server is replaying WAL (a standby, or a restore that has not reached its target yet).</summary>
    public async Task<bool> InRecoveryAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_is_in_recovery()");
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The settings a copy of this server must start with: those given on its command line (run.sh passes them there,
    /// not in postgresql.conf, which a base backup carries) and those a server replaying its WAL must not set lower.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> SettingsForCopiesAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT name, current_setting(name) FROM pg_settings
            WHERE source = 'command line'
               OR name IN ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')
            ORDER BY name
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var settings = new Dictionary<string, string>();
        while (await reader.ReadAsync(ct))
            settings[reader.GetString(0)] = reader.GetString(1);
        return settings;
    }
}
