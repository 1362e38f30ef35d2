using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Npgsql;

namespace GridMap.Store.Database;

/// <summary>One standby as the hosts see it: how far behind the primary it is and whether reads go to it.</summary>
public sealed record StandbyState(string Endpoint, bool Reachable, long LagBytes, double? LagSeconds, bool InReads, string? Error);

/// <summary>
/// Reads on PostgreSQL's own streaming replicas (issue 20, item 1). <c>Database:ReadConnectionString</c> (or
/// <c>GRIDMAP_DB_READ</c>) lists the hot standbys as Npgsql multi-host <c>Host=a:port,b:port</c>; without it every read
/// goes to the primary. <see cref="Reads"/> is an Npgsql multi-host data source over the standbys that keep up and the
/// primary, with <c>Target Session Attributes=prefer-standby</c> and load balancing, so a standby that is down or
/// excluded sends its reads to the others or the primary. <see cref="RefreshAsync"/> (every two seconds in the hosts)
/// measures each standby's lag against the primary's WAL position and takes one that falls more than
/// <c>Database:MaxReplicaLagBytes</c> behind out of reads until it catches up.
/// A write that readers must see raises the <see cref="Fence"/> to the primary's WAL position after it: fenced reads
/// (cached tiles) go to a standby only once it has replayed that far, otherwise to the primary.
/// </summary>
public sealed class ReadReplicas : IAsyncDisposable
{
    private static readonly Meter Meter = new("GridMap.Replicas");
    private static readonly Counter<long> FencedToPrimary = Meter.CreateCounter<long>("fenced_reads_on_primary",
        description: "Reads that needed a change a standby had not replayed yet, sent to the primary");
    // The hosts' replicas (one per host; tests run several hosts in one process), observed by the gauges below.
    private static readonly ConcurrentDictionary<ReadReplicas, byte> Live = new();
    private static readonly ObservableGauge<long> LagBytes = Meter.CreateObservableGauge("lag_bytes",
        () => Live.Keys.SelectMany(r => r.Current).Select(s => new Measurement<long>(s.LagBytes, new KeyValuePair<string, object?>("standby", s.Endpoint))),
        description: "How many bytes of WAL each standby has still to replay");
    private static readonly ObservableGauge<int> InReadsGauge = Meter.CreateObservableGauge("in_reads",
        () => Live.Keys.SelectMany(r => r.Current).Select(s => new Measurement<int>(s.InReads ? 1 : 0, new KeyValuePair<string, object?>("standby", s.Endpoint))),
        description: "1 while a standby takes reads, 0 while it is out (down or too far behind)");

    private readonly NpgsqlDataSource primary;
    private readonly string primaryEndpoint;
    private readonly string readConnectionString;
    private readonly string applicationName;
    private readonly long maxLagBytes;
    private readonly DataSourceProfile? profile;
    private readonly Dictionary<string, NpgsqlDataSource> probes = [];
    private readonly Lock gate = new();
    private IReadOnlyList<StandbyState> states;
    private NpgsqlDataSource reads;
    private readonly List<NpgsqlDataSource> retired = [];
    private long fence;
    // The least WAL position every reachable standby had replayed at the last measurement (replay only moves forward):
    // a fence at or below it needs no check per connection.
    private long replayedByAll;

    /// <param name="profile">How the host uses connections (the tiling service's generic plans hold on the standbys too).</param>
    public ReadReplicas(NpgsqlDataSource primary, string? readConnectionString, string applicationName, long maxLagBytes, DataSourceProfile? profile = null)
    {
        this.profile = profile;
        this.primary = primary;
        this.applicationName = applicationName;
        this.maxLagBytes = maxLagBytes;
        var primarySettings = new NpgsqlConnectionStringBuilder(primary.ConnectionString);
        primaryEndpoint = Endpoint(primarySettings.Host!, primarySettings.Port);
        this.readConnectionString = readConnectionString ?? "";
        var standbys = Standbys(this.readConnectionString, primaryEndpoint);
        foreach (var endpoint in standbys)
            probes[endpoint] = NpgsqlDataSource.Create(WithHosts(this.readConnectionString, [endpoint], applicationName + "-lag", pool: 2));
        states = [.. standbys.Select(s => new StandbyState(s, true, 0, null, true, null))];
        reads = standbys.Count == 0 ? primary : Build(standbys);
        if (standbys.Count > 0)
            Live[this] = 0;
    }

    /// <summary>Whether any standby is configured.</summary>
    public bool Enabled => probes.Count > 0;

    /// <summary>The primary: writes, and reads that must see the caller's own writes.</summary>
    public NpgsqlDataSource Primary => primary;

    /// <summary>Where plain reads go now: the standbys in reads (prefer-standby), else the primary.</summary>
    public NpgsqlDataSource Reads
    {
        get
        {
            lock (gate)
                return reads;
        }
    }

    /// <summary>Each standby's last measured state.</summary>
    public IReadOnlyList<StandbyState> Current
    {
        get
        {
            lock (gate)
                return states;
        }
    }

    /// <summary>The primary's WAL position that fenced reads must see (0: none yet).</summary>
    public ulong Fence => (ulong)Interlocked.Read(ref fence);

    /// <summary>Raises the fence to <paramref name="lsn"/> (never lowers it).</summary>
    public void RaiseFence(ulong lsn)
    {
        long seen;
        while ((long)lsn > (seen = Interlocked.Read(ref fence)) && Interlocked.CompareExchange(ref fence, (long)lsn, seen) != seen)
        {
        }
    }

    /// <summary>Raises the fence to the primary's WAL position now: every change committed so far lies before it.</summary>
    public async Task RaiseFenceToPrimaryAsync(CancellationToken ct)
    {
        if (Enabled)
            RaiseFence(await new WalStore(primary).CurrentLsnAsync(ct));
    }

    /// <summary>
    /// A connection for a read that must see everything before the <see cref="Fence"/>: from <see cref="Reads"/> when
    /// that server has replayed past it (or is the primary), else from the primary.
    /// </summary>
    public async Task<NpgsqlConnection> OpenFencedAsync(CancellationToken ct)
    {
        if (!Enabled)
            return await primary.OpenConnectionAsync(ct);
        var required = Fence;
        var reads = Reads;
        if (required <= (ulong)Interlocked.Read(ref replayedByAll) || ReferenceEquals(reads, primary))
            return await reads.OpenConnectionAsync(ct);
        var connection = await reads.OpenConnectionAsync(ct);
        await using (var command = new NpgsqlCommand(
            "SELECT pg_is_in_recovery() AND coalesce((pg_last_wal_replay_lsn() - '0/0'::pg_lsn) < $1::numeric, true)", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = required });
            if (!(bool)(await command.ExecuteScalarAsync(ct))!)
                return connection;
        }
        await connection.DisposeAsync();
        FencedToPrimary.Add(1);
        return await primary.OpenConnectionAsync(ct);
    }

    /// <summary>Measures every standby and rebuilds <see cref="Reads"/> when one joins or leaves.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        if (!Enabled)
            return;
        await DisposeRetiredAsync();
        ulong primaryLsn;
        try
        {
            primaryLsn = await new WalStore(primary).CurrentLsnAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return; // the primary is down: nothing to compare with; keep the last picture
        }
        var measured = new List<StandbyState>();
        var leastReplayed = ulong.MaxValue;
        foreach (var (endpoint, probe) in probes)
        {
            try
            {
                await using var command = probe.CreateCommand(
                    """
                    SELECT pg_is_in_recovery(), (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::numeric::text,
                           extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
                    """);
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                var replay = reader.IsDBNull(1) ? 0UL : ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
                var lag = replay >= primaryLsn ? 0 : (long)(primaryLsn - replay);
                var seconds = lag == 0 || reader.IsDBNull(2) ? 0 : reader.GetDouble(2);
                var standby = reader.GetBoolean(0);
                leastReplayed = Math.Min(leastReplayed, replay);
                measured.Add(new StandbyState(endpoint, true, lag, seconds, standby && lag <= maxLagBytes,
                    standby ? null : "not in recovery (promoted?): left out of reads"));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                measured.Add(new StandbyState(endpoint, false, 0, null, false, e.Message));
                probe.Clear();
            }
        }
        Interlocked.Exchange(ref replayedByAll, (long)Math.Min(leastReplayed, long.MaxValue));
        lock (gate)
        {
            var before = states.Where(s => s.InReads).Select(s => s.Endpoint).ToHashSet();
            states = measured;
            var now = measured.Where(s => s.InReads).Select(s => s.Endpoint).ToList();
            if (before.SetEquals(now))
                return;
            if (!ReferenceEquals(reads, primary))
                retired.Add(reads);
            reads = now.Count == 0 ? primary : Build(now);
        }
    }

    private NpgsqlDataSource Build(IReadOnlyList<string> standbys) =>
        GridMapDataSource.Create(WithHosts(readConnectionString, [.. standbys, primaryEndpoint], applicationName + "-reads", pool: null) + ";Target Session Attributes=prefer-standby;Load Balance Hosts=true",
            applicationName + "-reads", profile);

    private static string WithHosts(string connectionString, IReadOnlyList<string> hosts, string applicationName, int? pool)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { Host = string.Join(',', hosts), ApplicationName = applicationName };
        settings.Remove("Port");
        if (pool is { } size)
            settings.MaxPoolSize = size;
        return settings.ConnectionString;
    }

    /// <summary>The standbys of a read connection string: its hosts other than the primary.</summary>
    public static IReadOnlyList<string> Standbys(string readConnectionString, string primaryEndpoint)
    {
        if (string.IsNullOrWhiteSpace(readConnectionString))
            return [];
        var settings = new NpgsqlConnectionStringBuilder(readConnectionString);
        return [.. (settings.Host ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => h.Contains(':', StringComparison.Ordinal) ? h : Endpoint(h, settings.Port))
            .Where(h => h != primaryEndpoint)
            .Distinct()];
    }

    private static string Endpoint(string host, int port) => $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";

    // Data sources replaced at the last change, two seconds or more ago: what they lent out has long been returned.
    private async Task DisposeRetiredAsync()
    {
        List<NpgsqlDataSource> old;
        lock (gate)
        {
            old = [.. retired];
            retired.Clear();
        }
        foreach (var source in old)
            await source.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Live.TryRemove(this, out _);
        foreach (var probe in probes.Values)
            await probe.DisposeAsync();
        List<NpgsqlDataSource> owned;
        lock (gate)
            owned = [.. retired, .. ReferenceEquals(reads, primary) ? Array.Empty<NpgsqlDataSource>() : [reads]];
        foreach (var source in owned)
            await source.DisposeAsync();
    }
}
