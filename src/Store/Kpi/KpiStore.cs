using System.Diagnostics;
using GridMap.Domain.Codes;
using GridMap.Domain.Events.Kpi;
using GridMap.Store.Database;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Store.Kpi;

public sealed record KpiUnit(string Code, string Name, int Level);

/// <summary>One row of a KPI table: a unit (or department), its counters and the rates computed from them.</summary>
public sealed record KpiRow(string Code, string Name, KpiCounters Counters, KpiRates Rates);

/// <summary>A unit's KPIs over whole months: totals, the same columns for each child and for each handling department.</summary>
public sealed record KpiReport(
    KpiUnit Unit, IReadOnlyList<KpiUnit> Chain, DateOnly From, DateOnly To, KpiCounters Counters, KpiRates Rates,
    IReadOnlyList<KpiRow> Children, IReadOnlyList<KpiRow> Departments);

public sealed record KpiRefreshResult(int Pairs, int Months, TimeSpan Elapsed);

/// <summary>
/// The KPI rollup (<c>event_kpi</c>): refreshed from <c>event</c> per (month, county), read per unit, children and
/// departments. Reads never touch <c>event</c>, so they cost the same at 300 thousand or 4 million events.
/// </summary>
public sealed class KpiStore(NpgsqlDataSource dataSource, TimeProvider? time = null, ReadReplicas? replicas = null)
{
    // Reports read on the standbys when there are any (issue 20, item 1); the rollup's refresh writes on the primary.
    private NpgsqlDataSource Reads => replicas?.Reads ?? dataSource;

    private const int NoTimeout = 0;
    private static readonly long RefreshLockKey = 0x6b_70_69_72_65_66; // "kpiref"

    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public async Task<KpiReport?> GetReportAsync(AdminCode unit, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        await using var connection = await Reads.OpenConnectionAsync(ct);
        var chain = await ChainAsync(connection, unit, ct);
        if (chain.Count == 0 || chain[^1].Code != unit.Value)
            return null;
        var counters = KpiCounters.Zero;
        await using (var totals = Command(connection, "Kpi/Totals.sql", unit.Value, from, to))
        await using (var reader = await totals.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct))
                counters = ReadCounters(reader, 0);
        var children = await RowsAsync(connection, "Kpi/Children.sql", unit.Value, from, to, ct);
        var departments = unit.Level <= AdminLevel.County ? await RowsAsync(connection, "Kpi/Departments.sql", unit.Value, from, to, ct) : [];
        return new KpiReport(chain[^1], chain, from, to, counters, KpiRates.From(counters), children, departments);
    }

    /// <summary>The latest month, up to this one, in which events were reported in the unit (null when none ever was).</summary>
    public async Task<DateOnly?> LatestMonthAsync(AdminCode unit, CancellationToken ct = default)
    {
        await using var command = Reads.CreateCommand("""
            SELECT max(month) FROM event_kpi WHERE unit_code = $1 AND department = '' AND reported > 0 AND month <= $2
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = unit.Value });
        var now = Domain.ChinaTime.DateOf(clock.GetUtcNow());
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = new DateOnly(now.Year, now.Month, 1) });
        return await command.ExecuteScalarAsync(ct) is DateOnly month ? month : null;
    }

    /// <summary>Recounts the whole rollup from <c>event</c>.</summary>
    public async Task<KpiRefreshResult> RefreshAllAsync(CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Lock(connection, ct);
        var now = clock.GetUtcNow();
        await Execute(connection, "DELETE FROM event_kpi", ct);
        var pairs = await PairsAsync(connection, SqlResource.Get("Kpi/AllPairs.sql"), null, now, ct);
        await RecountAsync(connection, pairs, now, ct);
        await SetWatermarkAsync(connection, now, ct);
        await transaction.CommitAsync(ct);
        await Execute(connection, "ANALYZE event_kpi", ct);
        return new KpiRefreshResult(pairs.Count, pairs.Select(p => p.Month).Distinct().Count(), watch.Elapsed);
    }

    /// <summary>
    /// Recounts only the months and counties of events updated since the last refresh (and of open events that became
    /// due since); the GeoApi calls this every few seconds so live events show within a minute. The first call recounts all.
    /// </summary>
    public async Task<KpiRefreshResult> RefreshChangedAsync(CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Lock(connection, ct);
        DateTimeOffset? last;
        await using (var read = new NpgsqlCommand("SELECT refreshed_at FROM event_kpi_refresh", connection))
            last = await read.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
        if (last is null)
        {
            await transaction.RollbackAsync(ct);
            return await RefreshAllAsync(ct);
        }
        var now = clock.GetUtcNow();
        var pairs = await PairsAsync(connection, SqlResource.Get("Kpi/ChangedPairs.sql"), last, now, ct);
        await RecountAsync(connection, pairs, now, ct);
        await SetWatermarkAsync(connection, now, ct);
        await transaction.CommitAsync(ct);
        return new KpiRefreshResult(pairs.Count, pairs.Select(p => p.Month).Distinct().Count(), watch.Elapsed);
    }

    /// <summary>Recounts the given (month, county) pairs inside the caller's transaction (a history load does this).</summary>
    public static async Task RefreshAsync(NpgsqlConnection connection, IReadOnlyCollection<(DateOnly Month, string County)> pairs, CancellationToken ct = default)
    {
        await Lock(connection, ct);
        await RecountAsync(connection, pairs, DateTimeOffset.UtcNow, ct);
    }

    private static async Task RecountAsync(NpgsqlConnection connection, IReadOnlyCollection<(DateOnly Month, string County)> pairs, DateTimeOffset asOf, CancellationToken ct)
    {
        if (pairs.Count == 0)
            return;
        var months = pairs.Select(p => p.Month).ToArray();
        var counties = pairs.Select(p => p.County).ToArray();
        // The grid-month aggregate of a whole province is a few hundred thousand groups: let it hash in memory.
        await Execute(connection, "SET LOCAL work_mem = '256MB'", ct);
        foreach (var file in new[] { "Kpi/RefreshDelete.sql", "Kpi/RefreshCounties.sql" })
        {
            await using var command = new NpgsqlCommand(SqlResource.Get(file), connection) { CommandTimeout = NoTimeout };
            command.Parameters.Add(new() { Value = months, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
            command.Parameters.Add(new() { Value = counties, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            if (file.EndsWith("Counties.sql", StringComparison.Ordinal))
                command.Parameters.Add(new() { Value = asOf.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await command.ExecuteNonQueryAsync(ct);
        }
        foreach (var file in new[] { "Kpi/RefreshUpperDelete.sql", "Kpi/RefreshUpper.sql" })
        {
            await using var upper = new NpgsqlCommand(SqlResource.Get(file), connection) { CommandTimeout = NoTimeout };
            upper.Parameters.Add(new() { Value = months.Distinct().ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
            await upper.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task<List<(DateOnly Month, string County)>> PairsAsync(NpgsqlConnection connection, string sql, DateTimeOffset? since, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = NoTimeout };
        if (since is { } s)
        {
            command.Parameters.Add(new() { Value = s.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new() { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }
        var pairs = new List<(DateOnly, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            pairs.Add((reader.GetFieldValue<DateOnly>(0), reader.GetString(1)));
        return pairs;
    }

    private static async Task SetWatermarkAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO event_kpi_refresh (refreshed_at) VALUES ($1) ON CONFLICT (id) DO UPDATE SET refreshed_at = excluded.refreshed_at", connection);
        command.Parameters.Add(new() { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(ct);
    }

    // One refresh at a time (GeoApi instances, the CLI, a history load): the rest wait for it.
    private static async Task Lock(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({RefreshLockKey})", connection) { CommandTimeout = NoTimeout };
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<KpiUnit>> ChainAsync(NpgsqlConnection connection, AdminCode unit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(SqlResource.Get("Kpi/Chain.sql"), connection);
        command.Parameters.Add(new() { Value = unit.Chain.Select(c => c.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var chain = new List<KpiUnit>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            chain.Add(new KpiUnit(reader.GetString(0), reader.GetString(1), reader.GetInt16(2)));
        return chain;
    }

    private static async Task<IReadOnlyList<KpiRow>> RowsAsync(NpgsqlConnection connection, string file, string unit, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var command = Command(connection, file, unit, from, to);
        var rows = new List<KpiRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var counters = ReadCounters(reader, 2);
            rows.Add(new KpiRow(reader.GetString(0), reader.GetString(1), counters, KpiRates.From(counters)));
        }
        return rows;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string file, string unit, DateOnly from, DateOnly to)
    {
        var command = new NpgsqlCommand(SqlResource.Get(file), connection);
        command.Parameters.Add(new() { Value = unit, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = new DateOnly(from.Year, from.Month, 1), NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = new DateOnly(to.Year, to.Month, 1), NpgsqlDbType = NpgsqlDbType.Date });
        return command;
    }

    private static KpiCounters ReadCounters(NpgsqlDataReader r, int o) => new()
    {
        Reported = r.GetInt32(o), Accepted = r.GetInt32(o + 1), Rejected = r.GetInt32(o + 2), Registered = r.GetInt32(o + 3),
        RegisteredOnTime = r.GetInt32(o + 4), Dispatched = r.GetInt32(o + 5), Handled = r.GetInt32(o + 6), Closed = r.GetInt32(o + 7),
        Due = r.GetInt32(o + 8), ClosedOnTime = r.GetInt32(o + 9), Reworked = r.GetInt32(o + 10), Extended = r.GetInt32(o + 11),
        Escalated = r.GetInt32(o + 12), Voided = r.GetInt32(o + 13), ClosedAtGrid = r.GetInt32(o + 14), ClosedAtVillage = r.GetInt32(o + 15),
        ClosedAtTownship = r.GetInt32(o + 16), ClosedAtCounty = r.GetInt32(o + 17),
    };

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = NoTimeout };
        await command.ExecuteNonQueryAsync(ct);
    }
}
