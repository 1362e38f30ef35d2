using System.Security.Cryptography;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace GridMap.Store.Accounts;

/// <summary>
/// An account as stored: who, which role, which area and categories. Read through a token, <see cref="CanUnmask"/> is
/// what that session may do: an account that may unmask does so only in a session signed in with its second factor, and
/// <see cref="NeedsSecondFactor"/> says when that is what is missing.
/// </summary>
public sealed record Account(long Id, string Username, string DisplayName, Role Role, AdminCode Scope,
    IReadOnlyList<DataCategory> Categories, bool CanUnmask, string? Department, bool Active, bool NeedsSecondFactor = false)
{
    public Caller ToCaller() => new(Username, Role, Scope, Categories.ToHashSet(), CanUnmask, Department);
}

/// <summary>What creating an account needs; categories and unmasking default from the role.</summary>
public sealed record NewAccount(string Username, string DisplayName, string Password, Role Role, AdminCode Scope,
    IReadOnlyList<DataCategory>? Categories = null, bool? CanUnmask = null, string? Department = null, string? Phone = null);

/// <summary>
/// What a sign-in came to: a token, or a refusal — wrong (username or password; which is not said), wait until an
/// instant (the account or the address tried too often), or locked (an administrator unlocks it).
/// </summary>
public sealed record SignInAttempt(IssuedToken? Issued, DateTimeOffset? WaitUntil, bool IsLocked, bool WrongCode = false)
{
    public static readonly SignInAttempt Wrong = new(null, null, false);
    public static readonly SignInAttempt Locked = new(null, null, true);
    public static readonly SignInAttempt BadCode = new(null, null, false, true);

    public static SignInAttempt Wait(DateTimeOffset until) => new(null, until, false);
}

/// <summary>What an administrator does to an account (all audited).</summary>
public enum AccountChange { ResetPassword, Disable, Enable, Unlock, ResetSecondFactor }

/// <summary>An issued bearer token: shown once; only its SHA-256 is kept.</summary>
public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt, Account Account);

/// <summary>
/// Accounts, passwords (hashed with ASP.NET Core Identity's PBKDF2 hasher) and opaque bearer tokens. Tokens are
/// checked against the database, so any API or tile process behind a load balancer accepts them and a revoked
/// token stops working everywhere.
/// </summary>
public sealed partial class AccountStore(NpgsqlDataSource dataSource)
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);
    private static readonly PasswordHasher<string> Hasher = new();

    public async Task<Account> CreateAsync(NewAccount account, CancellationToken ct = default)
    {
        Validate(account);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO account (username, display_name, password_hash, role, scope_code, categories, can_unmask, department, phone)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
                role = EXCLUDED.role, scope_code = EXCLUDED.scope_code, categories = EXCLUDED.categories,
                can_unmask = EXCLUDED.can_unmask, department = EXCLUDED.department, phone = EXCLUDED.phone, active = true,
                failed_sign_ins = 0, last_failed_at = NULL, locked_at = NULL
            RETURNING id
            """);
        var categories = account.Categories ?? account.Role.DefaultCategories(account.Department);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account.Username });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account.DisplayName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hasher.HashPassword(account.Username, account.Password) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account.Role.Slug() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account.Scope.Value });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = categories.Select(c => c.Slug()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = account.CanUnmask ?? account.Role.MayUnmask() });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = account.Department, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = account.Phone, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var id = (long)(await command.ExecuteScalarAsync(ct))!;
        return new Account(id, account.Username, account.DisplayName, account.Role, account.Scope, categories,
            account.CanUnmask ?? account.Role.MayUnmask(), account.Department, true);
    }

    public async Task<IReadOnlyList<Account>> ListAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM account a ORDER BY username");
        var accounts = new List<Account>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            accounts.Add(Read(reader, 0));
        return accounts;
    }

    /// <summary>The account when the password is right and the account active; null otherwise (the caller cannot tell which).</summary>
    public async Task<IssuedToken?> SignInAsync(string username, string password, CancellationToken ct = default) =>
        (await AttemptSignInAsync(username, password, null, ct)).Issued;

    /// <summary>
    /// A sign-in with <see cref="SignInThrottle"/>'s rules: refused without looking at the password while the account
    /// or the address must wait, or the account is locked; a wrong password counts against both.
    /// </summary>
    public async Task<SignInAttempt> AttemptSignInAsync(string username, string password, string? address, CancellationToken ct = default) =>
        await AttemptSignInAsync(username, password, null, address, ct);

    /// <summary>
    /// As above, with the six-digit code of the account's second factor when it has one: a right code makes a session
    /// that may unmask (when the account may); a wrong or already used code fails like a wrong password. Without a code,
    /// or for an account without a second factor, the session reads masked data only.
    /// </summary>
    public async Task<SignInAttempt> AttemptSignInAsync(string username, string password, string? code, string? address, CancellationToken ct = default)
    {
        if (address is not null && await AddressWaitAsync(address, ct) is { } addressUntil)
            return SignInAttempt.Wait(addressUntil);
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns}, a.password_hash, a.failed_sign_ins, a.last_failed_at, a.locked_at IS NOT NULL, now(), a.totp_secret
            FROM account a WHERE a.username = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
        Account? account = null;
        string? hash = null;
        int failures = 0;
        DateTimeOffset? lastFailure = null;
        var locked = false;
        var now = DateTimeOffset.UtcNow;
        string? secret = null;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                account = Read(reader, 0);
                hash = reader.GetString(9);
                failures = reader.GetInt32(10);
                lastFailure = reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11);
                locked = reader.GetBoolean(12);
                now = reader.GetFieldValue<DateTimeOffset>(13);
                secret = reader.IsDBNull(14) ? null : reader.GetString(14);
            }
        }
        if (account is null || hash is null)
        {
            // Spend the same time as a real check so a missing account is not told apart by timing.
            Hasher.VerifyHashedPassword(username, DummyHash, password);
            await AddressFailedAsync(address, ct);
            return SignInAttempt.Wrong;
        }
        if (locked)
            return SignInAttempt.Locked;
        if (SignInThrottle.WaitUntil(failures, lastFailure, now) is { } until)
            return SignInAttempt.Wait(until);
        if (Hasher.VerifyHashedPassword(username, hash, password) == PasswordVerificationResult.Failed || !account.Active)
        {
            await AddressFailedAsync(address, ct);
            return await AccountFailedAsync(account, ct);
        }
        var secondFactor = false;
        if (code is not null && secret is not null)
        {
            if (!await UseCodeAsync(account.Id, secret, code, ct))
            {
                await AddressFailedAsync(address, ct);
                var failed = await AccountFailedAsync(account, ct);
                return failed.IsLocked ? failed : SignInAttempt.BadCode;
            }
            secondFactor = true;
        }
        if (failures > 0)
        {
            await using var reset = dataSource.CreateCommand("UPDATE account SET failed_sign_ins = 0, last_failed_at = NULL WHERE id = $1");
            reset.Parameters.Add(new NpgsqlParameter<long> { TypedValue = account.Id });
            await reset.ExecuteNonQueryAsync(ct);
        }
        return new SignInAttempt(await IssueAsync(account, secondFactor, ct), null, false);
    }

    /// <summary>
    /// Accepts a code of the secret when it is right for now (one step either side for clock drift) and its step is
    /// later than the last accepted one — recorded in the same statement, so two sign-ins racing with one code cannot
    /// both pass.
    /// </summary>
    private async Task<bool> UseCodeAsync(long accountId, string secret, string code, CancellationToken ct)
    {
        if (SecondFactor.MatchedStep(secret, code, DateTime.UtcNow) is not { } step)
            return false;
        await using var command = dataSource.CreateCommand("""
            UPDATE account SET totp_last_step = $2 WHERE id = $1 AND coalesce(totp_last_step, -1) < $2
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = step });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Whether the account has a confirmed second factor, and the secret waiting for its first code (its owner only).</summary>
    public async Task<(bool Enrolled, string? Pending)> SecondFactorStatusAsync(string username, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT totp_secret IS NOT NULL, totp_pending FROM account WHERE username = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : (false, null);
    }

    /// <summary>
    /// Starts (or restarts) enrolling a second factor: a new secret, shown once, that counts only after a first code
    /// confirms it (<see cref="ConfirmSecondFactorAsync"/>). An account that already has one replaces it the same way.
    /// </summary>
    public async Task<string> BeginSecondFactorAsync(string username, CancellationToken ct = default)
    {
        var secret = SecondFactor.NewSecret();
        await using var command = dataSource.CreateCommand("UPDATE account SET totp_pending = $2 WHERE username = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = secret });
        await command.ExecuteNonQueryAsync(ct);
        return secret;
    }

    /// <summary>
    /// A first code confirms the pending secret: it becomes the account's second factor (audited), and the session that
    /// confirmed it — signed in with the password, now proven to hold the factor — may unmask from then on.
    /// Null when done, else the problem (field "code").
    /// </summary>
    public async Task<Domain.Problem?> ConfirmSecondFactorAsync(string username, string token, string code, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        long id;
        string? pending;
        await using (var read = new NpgsqlCommand("SELECT id, totp_pending FROM account WHERE username = $1 FOR UPDATE", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                return Domain.Problem.NotFound($"No account {username}.");
            id = reader.GetInt64(0);
            pending = reader.IsDBNull(1) ? null : reader.GetString(1);
        }
        if (pending is null)
            return Domain.Problem.InvalidField("code", "No second factor is being enrolled: start with POST /api/auth/totp.");
        if (SecondFactor.MatchedStep(pending, code, DateTime.UtcNow) is not { } step)
            return Domain.Problem.InvalidField("code", "The code does not match: check the phone's clock and type the code now shown.");
        await using (var update = new NpgsqlCommand("""
            UPDATE account SET totp_secret = totp_pending, totp_pending = NULL, totp_enrolled_at = now(), totp_last_step = $2 WHERE id = $1;
            """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = step });
            await update.ExecuteNonQueryAsync(ct);
        }
        // Other sessions stay as they were (masked); this one proved the factor.
        await using (var upgrade = new NpgsqlCommand("UPDATE auth_token SET second_factor = true WHERE token_sha256 = $1 AND account_id = $2",
                         connection, transaction))
        {
            upgrade.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Digest(token) });
            upgrade.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            await upgrade.ExecuteNonQueryAsync(ct);
        }
        await Audit.AuditLog.AppendAsync(connection, transaction, username, "enrol_second_factor", $"account:{username}", "account security", "{}", ct);
        await transaction.CommitAsync(ct);
        return null;
    }

    private async Task<DateTimeOffset?> AddressWaitAsync(string address, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*)::int, min(at) FROM sign_in_failure WHERE address = $1 AND at > now() - $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = address });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = SignInThrottle.AddressWindow });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetInt32(0) >= SignInThrottle.AddressFailures ? reader.GetFieldValue<DateTimeOffset>(1) + SignInThrottle.AddressWindow : null;
    }

    private async Task AddressFailedAsync(string? address, CancellationToken ct)
    {
        if (address is null)
            return;
        // Failures older than a day are of no use to any window: dropped as new ones come.
        await using var command = dataSource.CreateCommand("""
            WITH old AS (DELETE FROM sign_in_failure WHERE at < now() - interval '1 day')
            INSERT INTO sign_in_failure (address) VALUES ($1)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = address });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<SignInAttempt> AccountFailedAsync(Account account, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        int failures;
        await using (var command = new NpgsqlCommand("""
            UPDATE account SET failed_sign_ins = failed_sign_ins + 1, last_failed_at = now(),
                               locked_at = CASE WHEN failed_sign_ins + 1 >= $2 THEN coalesce(locked_at, now()) END
            WHERE id = $1 RETURNING failed_sign_ins, last_failed_at
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = account.Id });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = SignInThrottle.LockAfter });
            failures = (int)(await command.ExecuteScalarAsync(ct))!;
        }
        if (SignInThrottle.Locks(failures))
            await Audit.AuditLog.AppendAsync(connection, transaction, account.Username, "account_locked", $"account:{account.Username}", "sign-in",
                System.Text.Json.JsonSerializer.Serialize(new { failed_sign_ins = failures }), ct);
        await transaction.CommitAsync(ct);
        return SignInThrottle.Locks(failures) ? SignInAttempt.Locked : SignInAttempt.Wrong;
    }

    /// <summary>
    /// The owner changes their password: the current one is checked (a wrong one counts like a wrong sign-in), the new
    /// one must pass <see cref="PasswordPolicy"/>; every token of the account is revoked. Null when done, else the problem.
    /// </summary>
    public async Task<Domain.Problem?> ChangePasswordAsync(string username, string current, string next, CancellationToken ct = default)
    {
        if (PasswordPolicy.Check(username, next) is { } weak)
            return Domain.Problem.InvalidField("newPassword", weak);
        if (current == next)
            return Domain.Problem.InvalidField("newPassword", "The new password is the current one.");
        // The check issues a token like any sign-in; the password change below revokes it with the rest.
        var attempt = await AttemptSignInAsync(username, current, null, ct);
        if (attempt.Issued is null)
            return attempt.IsLocked ? Domain.Problem.Forbidden("The account is locked; an administrator unlocks it.")
                : attempt.WaitUntil is not null ? Domain.Problem.InvalidField("currentPassword", "Too many wrong passwords: try again later.")
                : Domain.Problem.InvalidField("currentPassword", "The current password is wrong.");
        await SetPasswordAsync(username, next, username, "change_password", ct);
        return null;
    }

    /// <summary>
    /// An administrator's change of an account — a new password (checked by the policy), disable, enable or unlock —
    /// audited with the administrator's name; a new password or a disable revokes every token of the account at once.
    /// Null when done, else the problem.
    /// </summary>
    public async Task<Domain.Problem?> AdministerAsync(string admin, string username, AccountChange change, string? password = null, CancellationToken ct = default)
    {
        if (change == AccountChange.ResetPassword)
        {
            if ((password is null ? "Send the new password." : PasswordPolicy.Check(username, password)) is { } weak)
                return Domain.Problem.InvalidField("password", weak);
            return await SetPasswordAsync(username, password!, admin, "reset_password", ct) ? null : Domain.Problem.NotFound($"No account {username}.");
        }
        var (sql, action) = change switch
        {
            AccountChange.Disable => ("UPDATE account SET active = false WHERE username = $1 RETURNING id", "disable_account"),
            AccountChange.Enable => ("UPDATE account SET active = true WHERE username = $1 RETURNING id", "enable_account"),
            AccountChange.ResetSecondFactor => ("""
                UPDATE account SET totp_secret = NULL, totp_pending = NULL, totp_enrolled_at = NULL, totp_last_step = NULL
                WHERE username = $1 RETURNING id
                """, "reset_second_factor"),
            _ => ("UPDATE account SET locked_at = NULL, failed_sign_ins = 0, last_failed_at = NULL WHERE username = $1 RETURNING id", "unlock_account"),
        };
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        long? id;
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
            id = (long?)await command.ExecuteScalarAsync(ct);
        }
        if (id is null)
            return Domain.Problem.NotFound($"No account {username}.");
        if (change is AccountChange.Disable or AccountChange.ResetSecondFactor)
            await RevokeAllAsync(connection, transaction, id.Value, ct);
        await Audit.AuditLog.AppendAsync(connection, transaction, admin, action, $"account:{username}", "account administration", "{}", ct);
        await transaction.CommitAsync(ct);
        return null;
    }

    private async Task<bool> SetPasswordAsync(string username, string password, string actor, string action, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        long? id;
        await using (var command = new NpgsqlCommand("""
            UPDATE account SET password_hash = $2, password_changed_at = now(), failed_sign_ins = 0, last_failed_at = NULL
            WHERE username = $1 RETURNING id
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hasher.HashPassword(username, password) });
            id = (long?)await command.ExecuteScalarAsync(ct);
        }
        if (id is null)
            return false;
        await RevokeAllAsync(connection, transaction, id.Value, ct);
        await Audit.AuditLog.AppendAsync(connection, transaction, actor, action, $"account:{username}", "account security", "{}", ct);
        await transaction.CommitAsync(ct);
        return true;
    }


    private static async Task RevokeAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long accountId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("DELETE FROM auth_token WHERE account_id = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static readonly string DummyHash = Hasher.HashPassword("nobody", Guid.NewGuid().ToString());

    private async Task<IssuedToken> IssueAsync(Account account, bool secondFactor, CancellationToken ct)
    {
        var token = Base64UrlToken(RandomNumberGenerator.GetBytes(32));
        var expires = DateTimeOffset.UtcNow.Add(TokenLifetime);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO auth_token (token_sha256, account_id, expires_at, second_factor) VALUES ($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Digest(token) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = account.Id });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expires });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = secondFactor });
        await command.ExecuteNonQueryAsync(ct);
        return new IssuedToken(token, expires, ForSession(account, secondFactor));
    }

    /// <summary>The active account behind an unexpired token, or null.</summary>
    public async Task<Account?> FindByTokenAsync(string token, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns}, t.second_factor FROM auth_token t JOIN account a ON a.id = t.account_id
            WHERE t.token_sha256 = $1 AND t.expires_at > now() AND a.active
            """);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Digest(token) });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ForSession(Read(reader, 0), reader.GetBoolean(9)) : null;
    }

    /// <summary>The account as one session sees it: unmasking only with the second factor.</summary>
    private static Account ForSession(Account account, bool secondFactor) =>
        account.CanUnmask && !secondFactor ? account with { CanUnmask = false, NeedsSecondFactor = true } : account;

    public async Task RevokeAsync(string token, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM auth_token WHERE token_sha256 = $1");
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Digest(token) });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The columns <see cref="Read"/> reads, from <c>account a</c> (other stores that read accounts use both).</summary>
    internal const string Columns = "a.id, a.username, a.display_name, a.role, a.scope_code, a.categories, a.can_unmask, a.department, a.active";

    internal static Account Read(NpgsqlDataReader r, int o) => new(
        r.GetInt64(o), r.GetString(o + 1), r.GetString(o + 2),
        Roles.FromSlug(r.GetString(o + 3)) ?? throw new InvalidDataException($"Unknown role {r.GetString(o + 3)}"),
        AdminCode.Parse(r.GetString(o + 4)),
        r.GetFieldValue<string[]>(o + 5).Select(DataCategories.FromSlug).OfType<DataCategory>().ToArray(),
        r.GetBoolean(o + 6), r.IsDBNull(o + 7) ? null : r.GetString(o + 7), r.GetBoolean(o + 8));

    private static void Validate(NewAccount account)
    {
        if (AccountRules.CheckScope(account.Role, account.Scope, account.Department) is { } bad)
            throw new ArgumentException(bad.Message);
        if (account.Password.Length < 8)
            throw new ArgumentException("A password has at least 8 characters.");
    }

    private static byte[] Digest(string token) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));

    private static string Base64UrlToken(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
