using System.Diagnostics;
using GridMap.Domain.Events;
using GridMap.Store.Database;
using GridMap.Store.Kpi;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Synthetic.EventHistory;

/// <summary>What a history load put in, and how long each part took.</summary>
public sealed record EventHistoryLoadResult(
    int Events, int Accepted, int Rejected, int Registered, int Handled, long HistoryRows, int RedrawnTrackingNumbers,
    TimeSpan Simulate, TimeSpan Copy, TimeSpan Refresh, TimeSpan Total)
{
    public decimal DisposalPercent => Registered == 0 ? 0 : Math.Round(100m * Handled / Registered, 1, MidpointRounding.AwayFromZero);
}

/// <summary>
/// Loads a planned history in one transaction with binary COPY: the events with their ids reserved up front, then each
/// event's hash-chained history (<see cref="EventHistoryChain"/>), the record in <c>event_load</c> and the KPI rollup of
/// the months and counties it touched. History is append-only, so a city's year is loaded once; a second load is refused.
/// </summary>
public sealed class EventHistoryLoader(NpgsqlDataSource dataSource)
{
    // A load is a batch job; it ends by finishing or by cancellation, not a timer.
    private const int NoTimeout = 0;

    public async Task<DateTimeOffset?> FindLoadAsync(string areaCode, int year, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT loaded_at FROM event_load WHERE city_code = $1 AND year = $2");
        command.Parameters.Add(new() { Value = areaCode });
        command.Parameters.Add(new() { Value = year });
        return await command.ExecuteScalarAsync(ct) is DateTime loadedAt ? new DateTimeOffset(loadedAt, TimeSpan.Zero) : null;
    }

    /// <param name="withHistory">False only for benchmarks that read KPIs: the events alone, no history rows.</param>
    public async Task<EventHistoryLoadResult> LoadAsync(
        EventHistoryPlan plan, string areaCode, EventHistoryTargets targets, bool withHistory = true,
        IProgress<(string Step, int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var total = Stopwatch.StartNew();
        var simulate = new Stopwatch();
        var copy = new Stopwatch();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Execute(connection, "LOCK TABLE event_load IN SHARE ROW EXCLUSIVE MODE", ct);
        if (await FindLoadAsync(connection, areaCode, targets.Year, ct))
            throw new InvalidOperationException($"Events of {areaCode} in {targets.Year} are already loaded; event history is append-only and is not replaced.");

        bool hadEvents;
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM event)", connection))
            hadEvents = (bool)(await any.ExecuteScalarAsync(ct))!;
        var redrawn = plan.Redraw(await TakenTrackingNumbersAsync(connection, plan.TrackingNumbers, ct));
        var firstId = await ReserveIdsAsync(connection, plan.Count, ct);

        var (accepted, rejected, registered, handled) = (0, 0, 0, 0);
        long historyRows = 0;
        var done = 0;
        var touched = new HashSet<(DateOnly Month, string County)>();
        using var batches = plan.Simulate().GetEnumerator();
        while (true)
        {
            simulate.Start();
            if (!batches.MoveNext())
                break;
            var batch = batches.Current;
            var hashes = new string[batch.Count][];
            if (withHistory)
                Parallel.For(0, batch.Count, k => hashes[k] = Chain(firstId + done + k, batch[k].History));
            simulate.Stop();

            copy.Start();
            await CopyEventsAsync(connection, batch, firstId + done, hashes, withHistory, ct);
            if (withHistory)
                historyRows += await CopyHistoryAsync(connection, batch, firstId + done, hashes, ct);
            copy.Stop();
            foreach (var e in batch)
            {
                if (e.AcceptedAt is not null) accepted++;
                if (e.Case.State == EventState.Rejected) rejected++;
                if (e.RegisteredAt is not null) registered++;
                if (e.HandledAt is not null) handled++;
                var local = e.Case.ReportedAt.ToOffset(WorkingCalendar.ChinaStandardTime);
                touched.Add((new DateOnly(local.Year, local.Month, 1), e.GridCode[..6]));
            }
            done += batch.Count;
            progress?.Report(("events", done, plan.Count));
        }
        if (registered != plan.ExpectedRegistered || handled != plan.ExpectedHandled)
            throw new InvalidOperationException(
                $"The simulated history has {registered} registered and {handled} handled events; the plan promised {plan.ExpectedRegistered} and {plan.ExpectedHandled}.");

        await using (var record = new NpgsqlCommand(
            "INSERT INTO event_load (city_code, year, seed, generator, events, accepted) VALUES ($1, $2, $3, $4, $5, $6)", connection) { CommandTimeout = NoTimeout })
        {
            record.Parameters.Add(new() { Value = areaCode });
            record.Parameters.Add(new() { Value = targets.Year });
            record.Parameters.Add(new() { Value = targets.Seed });
            record.Parameters.Add(new() { Value = EventHistoryGenerator.Version });
            record.Parameters.Add(new() { Value = plan.Count });
            record.Parameters.Add(new() { Value = accepted });
            await record.ExecuteNonQueryAsync(ct);
        }
        var refresh = Stopwatch.StartNew();
        await KpiStore.RefreshAsync(connection, touched, ct);
        // Into an empty event table the rollup is now complete: the periodic refresh can start from here instead of recounting all.
        if (!hadEvents)
            await Execute(connection, "INSERT INTO event_kpi_refresh (refreshed_at) VALUES (now()) ON CONFLICT (id) DO NOTHING", ct);
        refresh.Stop();
        await transaction.CommitAsync(ct);
        await Execute(connection, withHistory ? "ANALYZE event; ANALYZE event_history; ANALYZE event_kpi" : "ANALYZE event; ANALYZE event_kpi", ct);
        return new EventHistoryLoadResult(plan.Count, accepted, rejected, registered, handled, historyRows, redrawn,
            simulate.Elapsed + plan.PlanElapsed, copy.Elapsed, refresh.Elapsed, total.Elapsed + plan.PlanElapsed);
    }

    /// <summary>The hashes of one event's chain, seq 1 first.</summary>
    public static string[] Chain(long eventId, IReadOnlyList<GeneratedHistoryRow> history)
    {
        var hashes = new string[history.Count];
        var previous = EventHistoryChain.GenesisHash;
        for (var i = 0; i < history.Count; i++)
        {
            var h = history[i];
            previous = hashes[i] = EventHistoryChain.Hash(eventId, i + 1, h.At, h.Actor, h.Action, h.FromState, h.ToState, h.Reason,
                h.OwnerUnit, h.OwnerDepartment, previous);
        }
        return hashes;
    }

    private static async Task CopyEventsAsync(NpgsqlConnection connection, IReadOnlyList<GeneratedEvent> batch, long firstId, string[][] hashes,
        bool withHistory, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(SyntheticSql.Get("EventHistory/CopyEvents.sql"), ct);
        writer.Timeout = TimeSpan.Zero;
        for (var k = 0; k < batch.Count; k++)
        {
            var e = batch[k];
            var c = e.Case;
            writer.StartRow();
            writer.Write(firstId + k, NpgsqlDbType.Bigint);
            writer.Write(e.TrackingNo, NpgsqlDbType.Text);
            writer.Write("history", NpgsqlDbType.Text);
            writer.Write(e.CategoryCode, NpgsqlDbType.Text);
            writer.Write(e.GridCode, NpgsqlDbType.Text);
            writer.Write(e.Urban, NpgsqlDbType.Boolean);
            writer.Write(e.Geometry, NpgsqlDbType.Geometry);
            writer.Write(e.Description, NpgsqlDbType.Text);
            writer.Write(e.Reporter, NpgsqlDbType.Text);
            writer.Write(c.State.ToString(), NpgsqlDbType.Text);
            writer.Write(c.Owner.Unit.Value, NpgsqlDbType.Text);
            WriteText(writer, c.Owner.Department);
            WriteText(writer, c.Handler?.Unit.Value);
            WriteText(writer, c.Handler?.Department);
            writer.Write(c.StepLimit.Kind.ToString(), NpgsqlDbType.Text);
            writer.Write(c.StepLimit.Amount, NpgsqlDbType.Integer);
            WriteTime(writer, c.Due);
            if (c.PausedRemaining is { } paused)
                writer.Write(paused, NpgsqlDbType.Interval);
            else
                writer.WriteNull();
            WriteText(writer, c.SuspendedFrom?.ToString());
            WriteTime(writer, e.SuspendedAt);
            WriteText(writer, c.PendingExtension?.Kind.ToString());
            if (c.PendingExtension is { } pending)
                writer.Write(pending.Amount, NpgsqlDbType.Integer);
            else
                writer.WriteNull();
            WriteText(writer, c.PendingVoidReason);
            writer.Write(c.Supervisions, NpgsqlDbType.Integer);
            WriteTime(writer, c.ReportedAt);
            WriteTime(writer, e.AcceptedAt);
            WriteTime(writer, e.RegisteredAt);
            WriteBool(writer, e.RegisteredOnTime);
            WriteTime(writer, e.DispatchedAt);
            WriteTime(writer, e.HandledAt);
            WriteTime(writer, e.CloseDue);
            WriteTime(writer, e.FinishedAt);
            WriteBool(writer, e.ClosedOnTime);
            writer.Write(e.ReworkCount, NpgsqlDbType.Integer);
            writer.Write(e.ExtensionCount, NpgsqlDbType.Integer);
            writer.Write(e.EscalationCount, NpgsqlDbType.Integer);
            if (e.ResolutionLevel is { } level)
                writer.Write(level, NpgsqlDbType.Smallint);
            else
                writer.WriteNull();
            writer.Write(e.History.Count, NpgsqlDbType.Integer);
            // Without history rows (benchmarks) the tip is the genesis: the chain is empty, which verifies.
            writer.Write(withHistory ? hashes[k][^1] : EventHistoryChain.GenesisHash, NpgsqlDbType.Text);
            WriteTime(writer, e.UpdatedAt);
        }
        await writer.CompleteAsync(ct);
    }

    private static async Task<long> CopyHistoryAsync(NpgsqlConnection connection, IReadOnlyList<GeneratedEvent> batch, long firstId, string[][] hashes, CancellationToken ct)
    {
        long rows = 0;
        await using var writer = await connection.BeginBinaryImportAsync(SyntheticSql.Get("EventHistory/CopyHistory.sql"), ct);
        writer.Timeout = TimeSpan.Zero;
        for (var k = 0; k < batch.Count; k++)
        {
            var history = batch[k].History;
            for (var i = 0; i < history.Count; i++)
            {
                var h = history[i];
                writer.StartRow();
                writer.Write(firstId + k, NpgsqlDbType.Bigint);
                writer.Write(i + 1, NpgsqlDbType.Integer);
                WriteTime(writer, h.At);
                writer.Write(h.Actor, NpgsqlDbType.Text);
                WriteText(writer, h.ActorUnit);
                WriteText(writer, h.ActorDepartment);
                writer.Write(h.Action, NpgsqlDbType.Text);
                writer.Write(h.FromState, NpgsqlDbType.Text);
                writer.Write(h.ToState, NpgsqlDbType.Text);
                WriteText(writer, h.Reason);
                writer.Write(h.OwnerUnit, NpgsqlDbType.Text);
                WriteText(writer, h.OwnerDepartment);
                WriteTime(writer, h.Due);
                writer.Write(i == 0 ? EventHistoryChain.GenesisHash : hashes[k][i - 1], NpgsqlDbType.Text);
                writer.Write(hashes[k][i], NpgsqlDbType.Text);
                rows++;
            }
        }
        await writer.CompleteAsync(ct);
        return rows;
    }

    private static void WriteText(NpgsqlBinaryImporter writer, string? value)
    {
        if (value is null)
            writer.WriteNull();
        else
            writer.Write(value, NpgsqlDbType.Text);
    }

    private static void WriteBool(NpgsqlBinaryImporter writer, bool? value)
    {
        if (value is { } v)
            writer.Write(v, NpgsqlDbType.Boolean);
        else
            writer.WriteNull();
    }

    // Npgsql writes timestamptz from UTC instants only.
    private static void WriteTime(NpgsqlBinaryImporter writer, DateTimeOffset? value)
    {
        if (value is { } v)
            writer.Write(v.UtcDateTime, NpgsqlDbType.TimestampTz);
        else
            writer.WriteNull();
    }

    private static async Task<bool> FindLoadAsync(NpgsqlConnection connection, string areaCode, int year, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM event_load WHERE city_code = $1 AND year = $2)", connection);
        command.Parameters.Add(new() { Value = areaCode });
        command.Parameters.Add(new() { Value = year });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<IReadOnlySet<string>> TakenTrackingNumbersAsync(NpgsqlConnection connection, string[] numbers, CancellationToken ct)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM event)", connection))
            if (!(bool)(await any.ExecuteScalarAsync(ct))!)
                return taken;
        await using var command = new NpgsqlCommand("SELECT tracking_no FROM event WHERE tracking_no = ANY($1)", connection) { CommandTimeout = NoTimeout };
        command.Parameters.Add(new() { Value = numbers, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            taken.Add(reader.GetString(0));
        return taken;
    }

    /// <summary>Consecutive ids from event's identity sequence, so history rows reference their events without a round trip.</summary>
    private static async Task<long> ReserveIdsAsync(NpgsqlConnection connection, int count, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT setval(s, nextval(s) + $1 - 1) - $1 + 1 FROM pg_get_serial_sequence('event', 'id') AS s", connection);
        command.Parameters.Add(new() { Value = (long)count });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = NoTimeout };
        await command.ExecuteNonQueryAsync(ct);
    }
}
