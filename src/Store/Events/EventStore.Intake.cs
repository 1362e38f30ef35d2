using System.Threading.Channels;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using GridMap.Store.Database;
using GridMap.Store.Notifications;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Store.Events;

/// <summary>
/// Intake by group commit. A report is validated in the caller's request, then queued; at most two writers take up to
/// <see cref="IntakeBatchSize"/> queued reports at a time, route them in one query, insert them in one statement and
/// one commit (one WAL flush for the batch), and only then answer each caller. A lone report is written at once; reports
/// pile up into batches only while both writers are busy, so batching costs no latency when intake is quiet. A full
/// queue answers <see cref="IntakeProblem.Busy"/> rather than holding more in memory.
/// </summary>
public sealed partial class EventStore
{
    /// <summary>How long a caller refused with <see cref="IntakeProblem.Busy"/> should wait before retrying.</summary>
    public static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    // Two: one batch routes and inserts while the other waits for its commit to reach disk.
    private const int IntakeWriters = 2;

    private Channel<PendingReport>? intakeQueue;
    private int runningWriters;

    /// <summary>Reports waiting for a writer, at most; the queue holds only these (each a few hundred bytes).</summary>
    public int IntakeQueueCapacity { get; init; } = 1024;

    /// <summary>Reports one writer takes into one statement and one commit, at most (the batch's notice must stay under 8,000 bytes).</summary>
    public int IntakeBatchSize { get; init; } = 64;

    private Channel<PendingReport> IntakeQueue => LazyInitializer.EnsureInitialized(ref intakeQueue,
        () => Channel.CreateBounded<PendingReport>(new BoundedChannelOptions(IntakeQueueCapacity) { FullMode = BoundedChannelFullMode.Wait }));

    /// <summary>
    /// <see cref="ReportAsync"/> without reading the card back: the event's id and tracking number, once the event is
    /// durable (its batch committed), or the first event with the report's idempotency key. The public form and Open311
    /// answer with the tracking number only, so they take this.
    /// </summary>
    public async Task<Outcome<IntakeReceipt>> IntakeAsync(Caller? caller, string reporter, NewReport report, CancellationToken ct = default)
    {
        if (caller is not null && !EventPermissions.MayReport(caller))
            return EventProblems.Intake(IntakeProblem.NotAReporter, $"A {caller.Role.Slug()} account does not report events; grid managers and centre staff do.");

        var (lon, lat) = (report.Lon, report.Lat);
        if (report.BuildingCode is { } buildingCode)
        {
            var building = await BuildingPointAsync(buildingCode, ct);
            if (building is null || (caller is not null && !caller.Covers(building.Value.Grid)))
                return EventProblems.Intake(IntakeProblem.UnknownBuilding, $"No building {buildingCode} in your area.");
            (lon, lat) = (lon ?? building.Value.Lon, lat ?? building.Value.Lat);
        }
        if (lon is null || lat is null)
            return EventProblems.Intake(IntakeProblem.OutsideGrids, "A report needs a point (lon, lat) or a building.");

        var pending = new PendingReport(caller, reporter, report, lon.Value, lat.Value);
        if (!IntakeQueue.Writer.TryWrite(pending))
            return EventProblems.Intake(IntakeProblem.Busy,
                $"Intake is full ({IntakeQueueCapacity} reports waiting); retry in {BusyRetryAfter.TotalSeconds:0} s with the same idempotency key.");
        StartIntakeWriter();
        // Once queued the report is written even if this caller gives up: a retry with its key then finds it.
        return await pending.Receipt.Task.WaitAsync(ct);
    }

    private void StartIntakeWriter()
    {
        while (true)
        {
            var running = Volatile.Read(ref runningWriters);
            if (running >= IntakeWriters)
                return;
            if (Interlocked.CompareExchange(ref runningWriters, running + 1, running) == running)
            {
                _ = Task.Run(WriteQueuedReportsAsync);
                return;
            }
        }
    }

    private async Task WriteQueuedReportsAsync()
    {
        var reader = IntakeQueue.Reader;
        var batch = new List<PendingReport>(IntakeBatchSize);
        try
        {
            while (true)
            {
                batch.Clear();
                while (batch.Count < IntakeBatchSize && reader.TryRead(out var next))
                    batch.Add(next);
                if (batch.Count == 0)
                    break;
                await WriteIntakeBatchAsync(batch);
            }
        }
        finally
        {
            Interlocked.Decrement(ref runningWriters);
        }
        // A report queued between the last read and the decrement found no free writer: start one for it.
        if (reader.TryPeek(out _))
            StartIntakeWriter();
    }

    /// <summary>
    /// Writes one batch and completes every report's receipt (never throws: a report that could not be written gets its
    /// exception). A key seen twice in the batch is one report retried: the later ones get the first one's event.
    /// </summary>
    internal async Task WriteIntakeBatchAsync(IReadOnlyList<PendingReport> batch)
    {
        var leaders = new List<PendingReport>(batch.Count);
        var followers = new List<(PendingReport Retry, PendingReport First)>();
        var byKey = new Dictionary<string, PendingReport>(StringComparer.Ordinal);
        foreach (var pending in batch)
        {
            if (pending.Report.IdempotencyKey is { } key && byKey.TryGetValue(key, out var first))
                followers.Add((pending, first));
            else
            {
                if (pending.Report.IdempotencyKey is { } newKey)
                    byKey[newKey] = pending;
                leaders.Add(pending);
            }
        }
        try
        {
            await WriteLeadersAsync(leaders);
        }
        catch (Exception e)
        {
            foreach (var pending in leaders)
                pending.Receipt.TrySetException(e);
        }
        foreach (var (retry, first) in followers)
        {
            var outcome = first.Receipt.Task;
            if (outcome.IsCompletedSuccessfully)
                retry.Receipt.TrySetResult(outcome.Result.Value is { } taken ? Outcome.Ok(taken with { Created = false }) : outcome.Result);
            else
                retry.Receipt.TrySetException(outcome.Exception?.InnerExceptions ?? [new InvalidOperationException("A report was left unanswered; this is a bug.")]);
        }
    }

    private async Task WriteLeadersAsync(IReadOnlyList<PendingReport> leaders)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync();
        var routes = await RouteAsync(connection, leaders, now);
        var rows = new List<NewEvent>(leaders.Count);
        for (var i = 0; i < leaders.Count; i++)
        {
            var (pending, route) = (leaders[i], routes[i]);
            if (route.Earlier is { } earlier)
                pending.Receipt.TrySetResult(Outcome.Ok(earlier));
            else if (Refusal(pending, route) is { } refused)
                pending.Receipt.TrySetResult(refused);
            else
                rows.Add(NewEventFor(pending, route, rows, now));
        }
        if (rows.Count == 0)
            return;

        HashSet<long> stored;
        try
        {
            stored = await InsertAsync(connection, rows, now);
        }
        catch (PostgresException)
        {
            // The statement was refused as a whole and nothing of it was written: insert one by one, so that only the
            // report at fault fails. (Any other error leaves the commit's outcome unknown; the batch's callers get it,
            // and their retries with the same keys find what was stored.)
            stored = [];
            foreach (var row in rows)
            {
                try
                {
                    await using var single = await dataSource.OpenConnectionAsync();
                    stored.UnionWith(await InsertAsync(single, [row], now));
                }
                catch (Exception e)
                {
                    row.Pending.Receipt.TrySetException(e);
                }
            }
        }

        var lost = rows.Where(r => !stored.Contains(r.Id) && !r.Pending.Receipt.Task.IsCompleted).ToList();
        if (lost.Count > 0)
        {
            // Another request with the same key committed between the routing query and the insert: answer with its event.
            var first = await FirstEventsAsync(connection, lost.Select(r => r.Pending.Report.IdempotencyKey!).ToArray());
            foreach (var row in lost)
                if (first.TryGetValue(row.Pending.Report.IdempotencyKey!, out var receipt))
                    row.Pending.Receipt.TrySetResult(Outcome.Ok(receipt));
                else
                    row.Pending.Receipt.TrySetException(new InvalidOperationException("A report inserted nothing and no event holds its idempotency key; this is a bug."));
        }
        var created = rows.Where(r => stored.Contains(r.Id)).ToList();
        foreach (var row in created)
            row.Pending.Receipt.TrySetResult(Outcome.Ok(new IntakeReceipt(row.Id, row.TrackingNo, true, row.HandleWorkingDays)));
        if (created.Count > 0)
            await NotifyAsync(connection, created);
    }

    private Problem? Refusal(PendingReport pending, Route route)
    {
        if (route.Category is null)
            return EventProblems.Intake(IntakeProblem.UnknownCategory,
                $"Unknown event category '{Truncate(pending.Report.Category)}'; GET /api/events/categories lists them.");
        if (route.Grid is null)
            return EventProblems.Intake(IntakeProblem.OutsideGrids, $"The point {pending.Lon:0.######}, {pending.Lat:0.######} is not inside any grid of Shanxi.");
        if (pending.Caller is { } caller && !EventPermissions.MayReportIn(caller, route.Grid))
            return EventProblems.Intake(IntakeProblem.OutsideArea,
                $"The point lies in grid {route.Grid}, outside the area you report for ({caller.Scope.Value}).");
        return null;
    }

    private NewEvent NewEventFor(PendingReport pending, Route route, IReadOnlyList<NewEvent> batchMates, DateTimeOffset now)
    {
        var reported = EventWorkflow.Report(route.Id.ToString(), route.Category!, AdminCode.Parse(route.Grid!), route.Urban, pending.Reporter, now, Calendar,
            Limits, EventWorkflow.IntakeLevel(route.CompetentLevel));
        var hash = EventHistoryChain.Hash(route.Id, 1, now, pending.Reporter, EventWorkflow.ReportAction, "Reported", "Reported", pending.Report.Channel,
            reported.Owner.Unit.Value, null, EventHistoryChain.GenesisHash);
        // A batch-mate is newer than anything in the table, so the latest near one of the same category is the duplicate,
        // as if the reports had come one after the other (the same distance test as Intake.sql's, in 3857 metres).
        var radius = DuplicateRadiusMetres / Math.Cos(pending.Lat * Math.PI / 180);
        var duplicateOf = route.DuplicateOf;
        for (var j = batchMates.Count - 1; j >= 0; j--)
        {
            var mate = batchMates[j];
            if (mate.Pending.Report.Category == pending.Report.Category
                && Math.Pow(mate.X - route.X, 2) + Math.Pow(mate.Y - route.Y, 2) <= radius * radius)
            {
                duplicateOf = mate.Id;
                break;
            }
        }
        return new NewEvent(pending, route.Id, NewTrackingNumber(), route.Grid!, route.Urban, duplicateOf, reported.Owner.Unit.Value,
            reported.StepLimit, reported.Due, hash, route.Category!.HandleWorkingDays, route.X, route.Y);
    }

    private async Task<Route[]> RouteAsync(NpgsqlConnection connection, IReadOnlyList<PendingReport> reports, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(SqlResource.Get("Events/Intake.sql"), connection);
        var p = command.Parameters;
        p.AddWithValue("lon", reports.Select(r => r.Lon).ToArray());
        p.AddWithValue("lat", reports.Select(r => r.Lat).ToArray());
        p.AddWithValue("category", reports.Select(r => r.Report.Category).ToArray());
        p.Add(TextArray("idempotency_key", reports.Select(r => r.Report.IdempotencyKey)));
        p.AddWithValue("now", now);
        p.AddWithValue("window", DuplicateWindow);
        p.AddWithValue("radius", DuplicateRadiusMetres);
        var routes = new Route[reports.Count];
        await using var reader = await command.ExecuteReaderAsync();
        int Column(string name) => reader.GetOrdinal(name);
        int earlierId = Column("earlier_id"), earlierTrackingNo = Column("earlier_tracking_no"), earlierDays = Column("earlier_handle_working_days"),
            grid = Column("grid_code"), urban = Column("urban"), categoryName = Column("category_name"), urgent = Column("urgent"), days = Column("handle_working_days"),
            onTheSpot = Column("minor_on_the_spot"), department = Column("category_department"), competent = Column("competent_level"),
            duplicateOf = Column("duplicate_of"), id = Column("id"), x = Column("x"), y = Column("y");
        for (var i = 0; await reader.ReadAsync(); i++)
        {
            var category = reports[i].Report.Category;
            routes[i] = new Route(
                reader.IsDBNull(earlierId)
                    ? null
                    : new IntakeReceipt(reader.GetInt64(earlierId), reader.GetString(earlierTrackingNo), false, reader.GetInt32(earlierDays)),
                reader.IsDBNull(grid) ? null : reader.GetString(grid), !reader.IsDBNull(urban) && reader.GetBoolean(urban),
                reader.IsDBNull(categoryName) ? null : new EventCategory(category, reader.GetString(categoryName), reader.GetBoolean(urgent), reader.GetInt32(days),
                    reader.GetBoolean(onTheSpot), reader.IsDBNull(department) ? null : reader.GetString(department)),
                reader.IsDBNull(competent) ? 0 : reader.GetInt16(competent),
                reader.IsDBNull(duplicateOf) ? null : reader.GetInt64(duplicateOf), reader.GetInt64(id), reader.GetDouble(x), reader.GetDouble(y));
        }
        return routes;
    }

    /// <summary>Inserts the events and their first history lines in one statement; returns the ids stored (a key taken meanwhile stores nothing).</summary>
    private static async Task<HashSet<long>> InsertAsync(NpgsqlConnection connection, IReadOnlyList<NewEvent> rows, DateTimeOffset now)
    {
        await using var insert = new NpgsqlCommand(SqlResource.Get("Events/InsertReports.sql"), connection);
        var p = insert.Parameters;
        p.AddWithValue("id", rows.Select(r => r.Id).ToArray());
        p.AddWithValue("tracking_no", rows.Select(r => r.TrackingNo).ToArray());
        p.Add(TextArray("idempotency_key", rows.Select(r => r.Pending.Report.IdempotencyKey)));
        p.AddWithValue("channel", rows.Select(r => r.Pending.Report.Channel).ToArray());
        p.AddWithValue("category", rows.Select(r => r.Pending.Report.Category).ToArray());
        p.AddWithValue("grid", rows.Select(r => r.Grid).ToArray());
        p.AddWithValue("urban", rows.Select(r => r.Urban).ToArray());
        p.AddWithValue("lon", rows.Select(r => r.Pending.Lon).ToArray());
        p.AddWithValue("lat", rows.Select(r => r.Pending.Lat).ToArray());
        p.Add(TextArray("building", rows.Select(r => r.Pending.Report.BuildingCode)));
        p.Add(TextArray("address", rows.Select(r => r.Pending.Report.Address)));
        p.AddWithValue("description", rows.Select(r => r.Pending.Report.Description).ToArray());
        p.AddWithValue("reporter", rows.Select(r => r.Pending.Reporter).ToArray());
        p.Add(TextArray("contact_name", rows.Select(r => r.Pending.Report.ContactName)));
        p.Add(TextArray("contact_phone", rows.Select(r => r.Pending.Report.ContactPhone)));
        p.Add(new NpgsqlParameter<long?[]>("duplicate_of", rows.Select(r => r.DuplicateOf).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        p.AddWithValue("owner_unit", rows.Select(r => r.OwnerUnit).ToArray());
        p.AddWithValue("limit_kind", rows.Select(r => r.Limit.Kind.ToString()).ToArray());
        p.AddWithValue("limit_amount", rows.Select(r => r.Limit.Amount).ToArray());
        // Npgsql writes timestamptz only from UTC offsets; the workflow computes deadlines in China Standard Time.
        p.Add(new NpgsqlParameter<DateTimeOffset?[]>("due", rows.Select(r => r.Due?.ToUniversalTime()).ToArray())
            { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        p.Add(TextArray("actor_unit", rows.Select(r => r.Pending.Caller?.Scope.Value)));
        p.AddWithValue("hash", rows.Select(r => r.Hash).ToArray());
        p.AddWithValue("at", now.ToUniversalTime());
        p.AddWithValue("prev_hash", EventHistoryChain.GenesisHash);
        var stored = new HashSet<long>();
        await using var reader = await insert.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            stored.Add(reader.GetInt64(0));
        return stored;
    }

    private static async Task<Dictionary<string, IntakeReceipt>> FirstEventsAsync(NpgsqlConnection connection, string[] keys)
    {
        await using var command = new NpgsqlCommand(SqlResource.Get("Events/FirstEvents.sql"), connection);
        command.Parameters.AddWithValue("keys", keys);
        await using var reader = await command.ExecuteReaderAsync();
        var first = new Dictionary<string, IntakeReceipt>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
            first[reader.GetString(0)] = new IntakeReceipt(reader.GetInt64(1), reader.GetString(2), false, reader.GetInt32(3));
        return first;
    }

    /// <summary>One live-map notice for the batch's new events (see Notify.sql).</summary>
    private static async Task NotifyAsync(NpgsqlConnection connection, IReadOnlyList<NewEvent> created)
    {
        try
        {
            await using var notify = new NpgsqlCommand(SqlResource.Get("Events/Notify.sql"), connection);
            notify.Parameters.AddWithValue("channel", Channels.Events);
            notify.Parameters.AddWithValue("payload", EventNotice.Join(created.Select(r => new EventNotice(r.Id, r.Grid[..6], 1))));
            await notify.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The events are stored and their callers answered; a live map that missed the notice catches up from
            // event.updated_at when it next (re)connects.
        }
    }

    private static NpgsqlParameter TextArray(string name, IEnumerable<string?> values) =>
        new NpgsqlParameter<string?[]>(name, values.ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary>A validated report waiting for a writer, with the point it is placed at (its own, or its building's).</summary>
    internal sealed record PendingReport(Caller? Caller, string Reporter, NewReport Report, double Lon, double Lat)
    {
        public TaskCompletionSource<Outcome<IntakeReceipt>> Receipt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>What Intake.sql found for one report; X and Y are its point in EPSG:3857.</summary>
    private sealed record Route(IntakeReceipt? Earlier, string? Grid, bool Urban, EventCategory? Category, int CompetentLevel, long? DuplicateOf, long Id,
        double X, double Y);

    private sealed record NewEvent(PendingReport Pending, long Id, string TrackingNo, string Grid, bool Urban, long? DuplicateOf, string OwnerUnit,
        TimeLimit Limit, DateTimeOffset? Due, string Hash, int HandleWorkingDays, double X, double Y);
}
