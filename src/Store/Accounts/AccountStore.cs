using System.Security.Cryptography;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace GridMap.Store.Accounts;

/// <summary>An account as stored: who, which role, which area and categories.</summary>
public sealed record Account(long Id, string Username, string DisplayName, Role Role, AdminCode Scope,
    IReadOnlyList<DataCategory> Categories, bool CanUnmask, string? Department, bool Active)
{
    public Caller ToCaller() => new(Username, Role, Scope, Categories.ToHashSet(), CanUnmask, Department);
}

/// <summary>What creating an account needs; categories and unmasking default from the role.</summary>
public sealed record NewAccount(string Username, string DisplayName, string Password, Role Role, AdminCode Scope,
    IReadOnlyList<DataCategory>? Categories = null, bool? CanUnmask = null, string? Department = null);

/// <summary>An issued bearer token: shown once; only its SHA-256 is kept.</summary>
public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt, Account Account);

/// <summary>
/// Accounts, passwords (hashed with ASP.NET Core Identity's PBKDF2 hasher) and opaque bearer tokens. Tokens are
/// checked against the database, so any API or tile process behind a load balancer accepts them and a revoked
/// token stops working everywhere.
/// </summary>
public sealed class AccountStore(NpgsqlDataSource dataSource)
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);
    private static readonly PasswordHasher<string> Hasher = new();

    public async Task<Account> CreateAsync(NewAccount account, CancellationToken ct = default)
    {
        Validate(account);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO account (username, display_name, password_hash, role, scope_code, categories, can_unmask, department)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
                role = EXCLUDED.role, scope_code = EXCLUDED.scope_code, categories = EXCLUDED.categories,
                can_unmask = EXCLUDED.can_unmask, department = EXCLUDED.department, active = true
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
    public async Task<IssuedToken?> SignInAsync(string username, string password, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns}, a.password_hash FROM account a WHERE a.username = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = username });
        Account? account = null;
        string? hash = null;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                account = Read(reader, 0);
                hash = reader.GetString(9);
            }
        }
        if (account is null || hash is null)
        {
            // Spend the same time as a real check so a missing account is not told apart by timing.
            Hasher.VerifyHashedPassword(username, DummyHash, password);
            return null;
        }
        if (Hasher.VerifyHashedPassword(username, hash, password) == PasswordVerificationResult.Failed || !account.Active)
            return null;
        return await IssueAsync(account, ct);
    }

    private static readonly string DummyHash = Hasher.HashPassword("nobody", Guid.NewGuid().ToString());

    private async Task<IssuedToken> IssueAsync(Account account, CancellationToken ct)
    {
        var token = Base64UrlToken(RandomNumberGenerator.GetBytes(32));
        var expires = DateTimeOffset.UtcNow.Add(TokenLifetime);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO auth_token (token_sha256, account_id, expires_at) VALUES ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Digest(token) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = account.Id });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expires });
        await command.ExecuteNonQueryAsync(ct);
        return new IssuedToken(token, expires, account);
    }

    /// <summary>The active account behind an unexpired token, or null.</summary>
    public async Task<Account?> FindByTokenAsync(string token, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM auth_token t JOIN account a ON a.id = t.account_id
            WHERE t.token_sha256 = $1 AND t.expires_at > now() AND a.active
            """);
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Digest(token) });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader, 0) : null;
    }

    public async Task RevokeAsync(string token, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM auth_token WHERE token_sha256 = $1");
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Digest(token) });
        await command.ExecuteNonQueryAsync(ct);
    }

    private const string Columns = "a.id, a.username, a.display_name, a.role, a.scope_code, a.categories, a.can_unmask, a.department, a.active";

    private static Account Read(NpgsqlDataReader r, int o) => new(
        r.GetInt64(o), r.GetString(o + 1), r.GetString(o + 2),
        Roles.FromSlug(r.GetString(o + 3)) ?? throw new InvalidDataException($"Unknown role {r.GetString(o + 3)}"),
        AdminCode.Parse(r.GetString(o + 4)),
        r.GetFieldValue<string[]>(o + 5).Select(DataCategories.FromSlug).OfType<DataCategory>().ToArray(),
        r.GetBoolean(o + 6), r.IsDBNull(o + 7) ? null : r.GetString(o + 7), r.GetBoolean(o + 8));

    private static void Validate(NewAccount account)
    {
        if (account.Role.ScopeLevel() is { } level && account.Scope.Level != level)
            throw new ArgumentException($"A {account.Role.Slug()} account's scope is a {level.Slug()} code, not {account.Scope}.");
        if (account.Role == Role.DepartmentOfficer && !Domain.People.Departments.Government.Contains(account.Department))
            throw new ArgumentException("A department officer belongs to one of: " + string.Join(", ", Domain.People.Departments.Government));
        if (account.Password.Length < 8)
            throw new ArgumentException("A password has at least 8 characters.");
    }

    private static byte[] Digest(string token) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));

    private static string Base64UrlToken(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
