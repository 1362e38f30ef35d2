using System.Text.Json;
using GridMap.Domain;
using GridMap.Domain.Access;
using Npgsql;

namespace GridMap.Store.Accounts;

/// <summary>
/// A manager or grid manager's account a boundary publish left on a retired grid (<see cref="Reason"/> "manager" or
/// "account"), waiting for the grid office; resolved ones carry who resolved them, how, and the new grid if any.
/// </summary>
public sealed record ManagerFlag(long Id, string Village, int Version, string Grid, string Name, string? Phone, string? Username, string Reason,
    DateTimeOffset FlaggedAt, DateTimeOffset? ResolvedAt, string? ResolvedBy, string? ResolvedGrid, string? Resolution);

/// <summary>A resolved flag, and the appointment it made (with the post account's one-time password) when it appointed someone.</summary>
public sealed record FlagResolution(ManagerFlag Flag, Appointment? Appointment);

public sealed partial class StaffingStore
{
    private const string FlagColumns = """
        id, village_code, version, grid_code, name, phone, username, reason, flagged_at, resolved_at, resolved_by, resolved_grid, resolution
        """;

    /// <summary>The flags of villages under the area, open ones first, newest first; null when the area is not the caller's.</summary>
    public async Task<IReadOnlyList<ManagerFlag>?> FlagsAsync(Caller caller, string area, bool openOnly, CancellationToken ct = default)
    {
        if (!caller.Covers(area))
            return null;
        await using var command = dataSource.CreateCommand($"""
            SELECT {FlagColumns} FROM grid_manager_flag
            WHERE starts_with(grid_code, $1) AND (NOT $2 OR resolved_at IS NULL)
            ORDER BY resolved_at IS NOT NULL, flagged_at DESC, id LIMIT 500
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = area });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = openOnly });
        var flags = new List<ManagerFlag>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            flags.Add(ReadFlag(reader));
        return flags;
    }

    /// <summary>
    /// Resolves an open flag: with a new grid, a flagged manager is appointed to it (the post account issued as in any
    /// appointment) and a flagged account is moved to it; without one, the flag is closed with the note alone. One
    /// transaction, audited; a second resolution of the same flag is a 409.
    /// </summary>
    public async Task<Outcome<FlagResolution>> ResolveFlagAsync(Caller caller, long id, string? grid, string note, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        ManagerFlag? flag = null;
        await using (var read = new NpgsqlCommand($"SELECT {FlagColumns} FROM grid_manager_flag WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
                flag = ReadFlag(reader);
        }
        if (flag is null || !caller.Covers(flag.Grid))
            return Problem.NotFound($"No staffing flag {id} in your area.");
        if (!Staffing.MayStaff(caller, flag.Grid))
            return Problem.Forbidden("Flags are resolved by township, county, city and province centres.");
        if (flag.ResolvedAt is not null)
            return Problem.Conflict($"Flag {id} was resolved by {flag.ResolvedBy}.");
        Appointment? appointment = null;
        if (grid is not null)
        {
            if (!caller.Covers(grid) || !await GridExistsAsync(connection, transaction, grid, ct))
                return Problem.InvalidField("grid", $"No grid {grid} in your area.");
            if (flag.Reason == "manager")
            {
                if (flag.Phone is null)
                    return Problem.InvalidField("grid", "The flag has no phone to appoint with; appoint the manager from the grid's staffing instead.");
                var appointed = await AppointInAsync(connection, transaction, caller, grid, flag.Name, flag.Phone, ct);
                if (!appointed.Succeeded)
                    return appointed.Problem!;
                appointment = appointed.Value;
            }
            else
            {
                await using var move = new NpgsqlCommand("""
                    WITH moved AS (UPDATE account SET scope_code = $2 WHERE username = $1 AND role = 'grid_manager' RETURNING id)
                    DELETE FROM auth_token WHERE account_id IN (SELECT id FROM moved)
                    """, connection, transaction);
                move.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flag.Username! });
                move.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grid });
                await move.ExecuteNonQueryAsync(ct);
            }
        }
        await using (var resolve = new NpgsqlCommand($"""
            UPDATE grid_manager_flag SET resolved_at = $2, resolved_by = $3, resolved_grid = $4, resolution = $5 WHERE id = $1
            RETURNING {FlagColumns}
            """, connection, transaction))
        {
            resolve.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            resolve.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow().ToUniversalTime() });
            resolve.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Username });
            resolve.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = grid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            resolve.Parameters.Add(new NpgsqlParameter<string> { TypedValue = note });
            await using var reader = await resolve.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            flag = ReadFlag(reader);
        }
        await Audit.AuditLog.AppendAsync(connection, transaction, caller.Username, "resolve_staffing_flag", $"grid:{flag.Grid}", note,
            JsonSerializer.Serialize(new { flag = id, reason = flag.Reason, name = flag.Name, username = flag.Username, grid }), ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok(new FlagResolution(flag, appointment));
    }

    private static async Task<bool> GridExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string grid, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM grid WHERE code = $1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grid });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static ManagerFlag ReadFlag(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetFieldValue<DateTimeOffset>(8),
        r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11),
        r.IsDBNull(12) ? null : r.GetString(12));
}
