using System.Text.Json;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using Npgsql;

namespace GridMap.Store.Accounts;

/// <summary>An account as the administrator's list shows it: who, role and area, and its security state.</summary>
public sealed record AccountSummary(string Username, string DisplayName, string Role, string Scope, string? Department, string? Phone, bool Active,
    bool Locked, bool SecondFactor, DateTimeOffset CreatedAt);

/// <summary>An account just opened, with the one-time password its holder signs in with first.</summary>
public sealed record OpenedAccount(AccountSummary Account, string TemporaryPassword);

public sealed partial class AccountStore
{
    private const string SummaryColumns =
        "a.username, a.display_name, a.role, a.scope_code, a.department, a.phone, a.active, a.locked_at IS NOT NULL, a.totp_secret IS NOT NULL, a.created_at";

    /// <summary>
    /// Accounts whose username or name contains the text, of a role, under an area (all optional), by username; at
    /// most <paramref name="limit"/>. The text is a parameter, matched literally.
    /// </summary>
    public async Task<IReadOnlyList<AccountSummary>> SearchAsync(string? text, Role? role, string? area, int limit, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {SummaryColumns} FROM account a
            WHERE ($1::text IS NULL OR strpos(a.username, $1) > 0 OR strpos(a.display_name, $1) > 0)
              AND ($2::text IS NULL OR a.role = $2)
              AND ($3::text IS NULL OR starts_with(a.scope_code, $3))
            ORDER BY a.username LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = string.IsNullOrWhiteSpace(text) ? null : text.Trim(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = role?.Slug(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = area, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var rows = new List<AccountSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(ReadSummary(reader));
        return rows;
    }

    /// <summary>
    /// An administrator opens an account with a one-time password (never an existing username: that is a 409, not an
    /// overwrite); categories and unmasking follow the role. Audited.
    /// </summary>
    public async Task<Outcome<OpenedAccount>> OpenAsync(string admin, string username, string displayName, Role role, AdminCode scope, string? department,
        string? phone, CancellationToken ct = default)
    {
        if (AccountRules.Check(username, displayName, role, scope, department, phone) is { } bad)
            return Problem.InvalidField(bad.Field, bad.Message);
        var password = AccountRules.TemporaryPassword();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        AccountSummary? opened = null;
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO account AS a (username, display_name, password_hash, role, scope_code, categories, can_unmask, department, phone)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (username) DO NOTHING
            RETURNING {SummaryColumns}
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = displayName.Trim() });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hasher.HashPassword(username, password) });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = role.Slug() });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scope.Value });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = role.DefaultCategories(department).Select(c => c.Slug()).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = role.MayUnmask() });
            insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = department, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = phone, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await using var reader = await insert.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
                opened = ReadSummary(reader);
        }
        if (opened is null)
            return Problem.Conflict($"There is already an account {username}.");
        await Audit.AuditLog.AppendAsync(connection, transaction, admin, "open_account", $"account:{username}", "account administration",
            JsonSerializer.Serialize(new { role = role.Slug(), scope = scope.Value, department }), ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok(new OpenedAccount(opened, password));
    }

    /// <summary>
    /// An administrator moves an account to another role and area: its categories and unmasking become the new role's,
    /// every token is revoked (what it may see changed), and the before and after are audited.
    /// </summary>
    public async Task<Outcome<AccountSummary>> ChangeRoleAsync(string admin, string username, Role role, AdminCode scope, string? department,
        CancellationToken ct = default)
    {
        if (AccountRules.CheckRole(role, scope, department) is { } bad)
            return Problem.InvalidField(bad.Field, bad.Message);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        (long Id, string Role, string Scope, string? Department)? before = null;
        await using (var read = new NpgsqlCommand("SELECT id, role, scope_code, department FROM account WHERE username = $1 FOR UPDATE", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
                before = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }
        if (before is not { } was)
            return Problem.NotFound($"No account {username}.");
        AccountSummary changed;
        await using (var update = new NpgsqlCommand($"""
            UPDATE account a SET role = $2, scope_code = $3, department = $4, categories = $5, can_unmask = $6
            WHERE a.id = $1 RETURNING {SummaryColumns}
            """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = was.Id });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = role.Slug() });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scope.Value });
            update.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = department, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = role.DefaultCategories(department).Select(c => c.Slug()).ToArray() });
            update.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = role.MayUnmask() });
            await using var reader = await update.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            changed = ReadSummary(reader);
        }
        await RevokeAllAsync(connection, transaction, was.Id, ct);
        await Audit.AuditLog.AppendAsync(connection, transaction, admin, "change_account_role", $"account:{username}", "account administration",
            JsonSerializer.Serialize(new
            {
                before = new { role = was.Role, scope = was.Scope, department = was.Department },
                after = new { role = role.Slug(), scope = scope.Value, department },
            }), ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok(changed);
    }

    private static AccountSummary ReadSummary(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetBoolean(6), r.GetBoolean(7), r.GetBoolean(8),
        r.GetFieldValue<DateTimeOffset>(9));
}
