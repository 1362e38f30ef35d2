using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Events;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace GridMap.Store.Accounts;

/// <summary>An appointment as made: the grid's post account and, once, the password its new manager signs in with.</summary>
public sealed record Appointment(string Grid, string Name, string Phone, string Username, string TemporaryPassword, string? Replaced);

/// <summary>A grid's manager and post account as the staffing page shows them.</summary>
public sealed record GridPost(string Grid, string? Name, string? Phone, DateOnly? AppointedOn, string Username, bool AccountActive);

/// <summary>
/// Appoints, replaces and vacates grid managers with their post accounts (<see cref="Staffing"/>), audited, with the
/// vacancy figures refreshed in the same transaction.
/// </summary>
public sealed partial class StaffingStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly PasswordHasher<string> Hasher = new();

    public async Task<GridPost?> GetAsync(Caller caller, string grid, CancellationToken ct = default)
    {
        if (!caller.Covers(grid))
            return null;
        await using var command = dataSource.CreateCommand("""
            SELECT g.code, m.name, m.phone, m.appointed_on, a.active
            FROM grid g LEFT JOIN grid_manager m ON m.grid_code = g.code LEFT JOIN account a ON a.username = 'gm' || g.code
            WHERE g.code = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grid });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return new GridPost(grid, reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), Staffing.PostAccount(grid), !reader.IsDBNull(4) && reader.GetBoolean(4));
    }

    /// <summary>Appoints (or replaces) the grid's manager; the post account is (re)issued with a new password and every old token revoked.</summary>
    public async Task<Outcome<Appointment>> AppointAsync(Caller caller, string grid, string name, string phone, CancellationToken ct = default)
    {
        if (!caller.Covers(grid))
            return Problem.NotFound($"No grid {grid} in your area.");
        if (!Staffing.MayStaff(caller, grid))
            return Problem.Forbidden("Grid managers are appointed by township, county, city and province centres.");
        if (Staffing.Check(name, phone) is { } bad)
            return Problem.InvalidField(bad.Field, bad.Message);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var appointed = await AppointInAsync(connection, transaction, caller, grid, name.Trim(), phone, ct);
        if (appointed.Succeeded)
            await transaction.CommitAsync(ct);
        return appointed;
    }

    private async Task<Outcome<Appointment>> AppointInAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Caller caller, string grid,
        string name, string phone, CancellationToken ct)
    {
        string? replaced;
        await using (var read = new NpgsqlCommand("""
            SELECT m.name FROM grid g LEFT JOIN grid_manager m ON m.grid_code = g.code WHERE g.code = $1 FOR UPDATE OF g
            """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grid });
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                return Problem.NotFound($"No grid {grid} in your area.");
            replaced = reader.IsDBNull(0) ? null : reader.GetString(0);
        }
        var username = Staffing.PostAccount(grid);
        var password = AccountRules.TemporaryPassword();
        await using (var write = new NpgsqlCommand("""
            WITH manager AS (
                INSERT INTO grid_manager (grid_code, name, phone, appointed_on) VALUES ($1, $2, $3, $4)
                ON CONFLICT (grid_code) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, appointed_on = EXCLUDED.appointed_on
            ), post AS (
                INSERT INTO account (username, display_name, password_hash, role, scope_code, categories, can_unmask, phone)
                VALUES ($5, $6, $7, 'grid_manager', $1, $8, true, $3)
                ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
                    phone = EXCLUDED.phone, active = true, failed_sign_ins = 0, last_failed_at = NULL, locked_at = NULL,
                    password_changed_at = now(), totp_secret = NULL, totp_pending = NULL, totp_enrolled_at = NULL, totp_last_step = NULL
                RETURNING id
            )
            DELETE FROM auth_token WHERE account_id IN (SELECT id FROM post)
            """, connection, transaction))
        {
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grid });
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = phone });
            write.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(WorkingCalendar.ChinaStandardTime).DateTime) });
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"网格员 {name}" });
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hasher.HashPassword(username, password) });
            write.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = Role.GridManager.DefaultCategories(null).Select(c => c.Slug()).ToArray() });
            await write.ExecuteNonQueryAsync(ct);
        }
        await RefreshAsync(connection, transaction, ct);
        await Audit.AuditLog.AppendAsync(connection, transaction, caller.Username, replaced is null ? "appoint_grid_manager" : "replace_grid_manager",
            $"grid:{grid}", "staffing", System.Text.Json.JsonSerializer.Serialize(new { name, replaced, account = username }), ct);
        return Outcome.Ok(new Appointment(grid, name, phone, username, password, replaced));
    }

    /// <summary>Vacates the grid: the manager row goes, the post account is disabled and its tokens revoked.</summary>
    public async Task<Outcome<GridPost>> VacateAsync(Caller caller, string grid, string reason, CancellationToken ct = default)
    {
        if (!caller.Covers(grid))
            return Problem.NotFound($"No grid {grid} in your area.");
        if (!Staffing.MayStaff(caller, grid))
            return Problem.Forbidden("Grid managers are appointed and released by township, county, city and province centres.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        string? name;
        await using (var delete = new NpgsqlCommand("DELETE FROM grid_manager WHERE grid_code = $1 RETURNING name", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grid });
            name = (string?)await delete.ExecuteScalarAsync(ct);
        }
        if (name is null)
            return Problem.Conflict($"Grid {grid} has no manager to release.");
        await using (var disable = new NpgsqlCommand("""
            WITH post AS (UPDATE account SET active = false WHERE username = $1 RETURNING id)
            DELETE FROM auth_token WHERE account_id IN (SELECT id FROM post)
            """, connection, transaction))
        {
            disable.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Staffing.PostAccount(grid) });
            await disable.ExecuteNonQueryAsync(ct);
        }
        await RefreshAsync(connection, transaction, ct);
        await Audit.AuditLog.AppendAsync(connection, transaction, caller.Username, "vacate_grid", $"grid:{grid}", reason,
            System.Text.Json.JsonSerializer.Serialize(new { name }), ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok((await GetAsync(caller, grid, ct))!);
    }

    /// <summary>
    /// Gives every staffed grid under <paramref name="area"/> its post account (demo runs: one password for all, hashed
    /// once); existing accounts are left as they are. Returns how many were created.
    /// </summary>
    public async Task<int> EnsurePostAccountsAsync(string area, string password, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO account (username, display_name, password_hash, role, scope_code, categories, can_unmask, phone)
            SELECT 'gm' || m.grid_code, '网格员 ' || m.name, $2, 'grid_manager', m.grid_code, $3, true, m.phone
            FROM grid_manager m WHERE starts_with(m.grid_code, $1)
            ON CONFLICT (username) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = area });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hasher.HashPassword("demo", password) });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = Role.GridManager.DefaultCategories(null).Select(c => c.Slug()).ToArray() });
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task RefreshAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        // The vacancy figures of every level follow at once (the same refresh a boundary publish runs).
        await using var refresh = new NpgsqlCommand("REFRESH MATERIALIZED VIEW unit_grid_summary", connection, transaction);
        await refresh.ExecuteNonQueryAsync(ct);
    }
}
