using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GridMap.Store.Database;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Store.Open311;

/// <summary>An Open311 client that holds an API key.</summary>
public sealed record Open311Client(int Id, string Name);

/// <summary>One service request as the public sees it through Open311 (see ServiceRequests.sql for what is withheld).</summary>
public sealed record ServiceRequestRow(string TrackingNo, string State, bool Closed, string ServiceCode, string ServiceName, int HandleWorkingDays,
    string? Description, string? Address, string Agency, DateTimeOffset ReportedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ExpectedAt,
    double Lat, double Lon);

/// <summary>Filters of GET requests.json: by tracking numbers, or by time window, categories and open/closed.</summary>
public sealed record ServiceRequestQuery(IReadOnlyList<string>? TrackingNumbers, DateTimeOffset Start, DateTimeOffset End,
    IReadOnlyList<string>? ServiceCodes, bool? Closed, int Limit);

/// <summary>Open311 GeoReport v2: client API keys (only their SHA-256 is kept) and the public list of service requests.</summary>
public sealed class Open311Store(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string KeyPrefix = "o311_";

    public static readonly TimeSpan KeyCacheLifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, (Open311Client Client, DateTimeOffset Until)> knownKeys = new();

    /// <summary>Creates the client, or gives an existing one a new key (the old key stops working); returns the key, shown once.</summary>
    public async Task<string> CreateKeyAsync(string name, CancellationToken ct = default)
    {
        var key = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var command = dataSource.CreateCommand("""
            INSERT INTO open311_client (name, key_hash) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET key_hash = EXCLUDED.key_hash, revoked_at = NULL
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Hash(key) });
        await command.ExecuteNonQueryAsync(ct);
        return key;
    }

    /// <summary>Revokes a client's key; false when there is no such client.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("UPDATE open311_client SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// The client holding <paramref name="key"/>, or null for an unknown or revoked key. A key found is remembered for
    /// <see cref="KeyCacheLifetime"/>, so a busy client costs no lookup per request; a revoked key stops working within
    /// that time. Unknown keys are never remembered, so a new key works at once.
    /// </summary>
    public async Task<Open311Client?> ClientAsync(string key, CancellationToken ct = default)
    {
        if (key.Length is < 10 or > 100)
            return null;
        var hash = Hash(key);
        var cacheKey = Convert.ToHexString(hash);
        var now = clock.GetUtcNow();
        if (knownKeys.TryGetValue(cacheKey, out var known) && known.Until > now)
            return known.Client;
        await using var command = dataSource.CreateCommand("SELECT id, name FROM open311_client WHERE key_hash = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = hash });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            knownKeys.TryRemove(cacheKey, out _);
            return null;
        }
        var client = new Open311Client(reader.GetInt32(0), reader.GetString(1));
        knownKeys[cacheKey] = (client, now + KeyCacheLifetime);
        return client;
    }

    public async Task<IReadOnlyList<ServiceRequestRow>> RequestsAsync(ServiceRequestQuery query, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Open311/ServiceRequests.sql"));
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string[]?>("ids", query.TrackingNumbers?.ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<DateTimeOffset>("start", query.Start.ToUniversalTime()) { NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<DateTimeOffset>("end", query.End.ToUniversalTime()) { NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<string[]?>("codes", query.ServiceCodes?.ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<bool?>("closed", query.Closed) { NpgsqlDbType = NpgsqlDbType.Boolean });
        p.AddWithValue("limit", query.Limit);
        await using var r = await command.ExecuteReaderAsync(ct);
        var list = new List<ServiceRequestRow>();
        while (await r.ReadAsync(ct))
            list.Add(new ServiceRequestRow(r.GetString(0), r.GetString(1), r.GetBoolean(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8), r.GetFieldValue<DateTimeOffset>(9),
                r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11), r.GetDouble(12), r.GetDouble(13)));
        return list;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
