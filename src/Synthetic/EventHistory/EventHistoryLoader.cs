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
        await BinaryCopy.WriteAsync(connection, SyntheticSql.Get("EventHistory/CopyEvents.sql"), batch, (writer, e, k) =>
        {
            var c = e.Case;
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
            writer.WriteOrNull(c.Owner.Department, NpgsqlDbType.Text);
            writer.WriteOrNull(c.Handler?.Unit.Value, NpgsqlDbType.Text);
            writer.WriteOrNull(c.Handler?.Department, NpgsqlDbType.Text);
            writer.Write(c.StepLimit.Kind.ToString(), NpgsqlDbType.Text);
            writer.Write(c.StepLimit.Amount, NpgsqlDbType.Integer);
            writer.WriteOrNull(Utc(c.Due), NpgsqlDbType.TimestampTz);
            writer.WriteOrNull(c.PausedRemaining, NpgsqlDbType.Interval);
            writer.WriteOrNull(c.SuspendedFrom?.ToString(), NpgsqlDbType.Text);
            writer.WriteOrNull(Utc(e.SuspendedAt), NpgsqlDbType.TimestampTz);
            writer.WriteOrNull(c.PendingExtension?.Kind.ToString(), NpgsqlDbType.Text);
            writer.WriteOrNull(c.PendingExtension?.Amount, NpgsqlDbType.Integer);
            writer.WriteOrNull(c.PendingVoidReason, NpgsqlDbType.Text);
            writer.Write(c.Supervisions, NpgsqlDbType.Integer);
            writer.WriteOrNull(Utc(c.ReportedAt), NpgsqlDbType.TimestampTz);
            writer.WriteOrNull(Utc(e.AcceptedAt), NpgsqlDbType.TimestampTz);
            writer.WriteOrNull(Utc(e.RegisteredAt), NpgsqlDbType.TimestampTz);
            writer.WriteOrNull(e.RegisteredOnTime, NpgsqlDbType.Boolean);
            writer.WriteOrNull(Utc(e.DispatchedAt), NpgsqlDbType.TimestampTz);
            writer.WriteOrNull(Utc(e.HandledAt), NpgsqlDbType.TimestampTz);
            writer.WriteOrNull(Utc(e.CloseDue), NpgsqlDbType.TimestampTz);
            writer.WriteOrNull(Utc(e.FinishedAt), NpgsqlDbType.TimestampTz);
            writer.WriteOrNull(e.ClosedOnTime, NpgsqlDbType.Boolean);
            writer.Write(e.ReworkCount, NpgsqlDbType.Integer);
            writer.Write(e.ExtensionCount, NpgsqlDbType.Integer);
            writer.Write(e.EscalationCount, NpgsqlDbType.Integer);
            writer.WriteOrNull(e.ResolutionLevel, NpgsqlDbType.Smallint);
            writer.Write(e.History.Count, NpgsqlDbType.Integer);
            // Without history rows (benchmarks) the tip is the genesis: the chain is empty, which verifies.
            writer.Write(withHistory ? hashes[k][^1] : EventHistoryChain.GenesisHash, NpgsqlDbType.Text);
            writer.WriteOrNull(Utc(e.UpdatedAt), NpgsqlDbType.TimestampTz);
        }, ct: ct);
    }

    private static async Task<long> CopyHistoryAsync(NpgsqlConnection connection, IReadOnlyList<GeneratedEvent> batch, long firstId, string[][] hashes, CancellationToken ct)
    {
        // One row per step, numbered from 1 within its event.
        var steps = new List<(int Event, int Step)>();
        for (var k = 0; k < batch.Count; k++)
            for (var i = 0; i < batch[k].History.Count; i++)
                steps.Add((k, i));
        await BinaryCopy.WriteAsync(connection, SyntheticSql.Get("EventHistory/CopyHistory.sql"), steps, (writer, step, _) =>
        {
            var (k, i) = step;
            var h = batch[k].History[i];
            writer.Write(firstId + k, NpgsqlDbType.Bigint);
            writer.Write(i + 1, NpgsqlDbType.Integer);
            writer.WriteOrNull(Utc(h.At), NpgsqlDbType.TimestampTz);
            writer.Write(h.Actor, NpgsqlDbType.Text);
            writer.WriteOrNull(h.ActorUnit, NpgsqlDbType.Text);
            writer.WriteOrNull(h.ActorDepartment, NpgsqlDbType.Text);
            writer.Write(h.Action, NpgsqlDbType.Text);
            writer.Write(h.FromState, NpgsqlDbType.Text);
            writer.Write(h.ToState, NpgsqlDbType.Text);
            writer.WriteOrNull(h.Reason, NpgsqlDbType.Text);
            writer.Write(h.OwnerUnit, NpgsqlDbType.Text);
            writer.WriteOrNull(h.OwnerDepartment, NpgsqlDbType.Text);
            writer.WriteOrNull(Utc(h.Due), NpgsqlDbType.TimestampTz);
            writer.Write(i == 0 ? EventHistoryChain.GenesisHash : hashes[k][i - 1], NpgsqlDbType.Text);
            writer.Write(hashes[k][i], NpgsqlDbType.Text);
        }, ct: ct);
        return steps.Count;
    }

    // Npgsql writes timestamptz from UTC instants only.
    private static DateTime? Utc(DateTimeOffset? value) => value?.UtcDateTime;

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
