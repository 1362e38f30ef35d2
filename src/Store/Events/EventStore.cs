using System.Collections.Immutable;
using System.Data;
using System.Security.Cryptography;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using GridMap.Domain.Privacy;
using GridMap.Store.Accounts;
using GridMap.Store.Database;
using GridMap.Store.Notifications;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Store.Events;

/// <summary>
/// Events in PostgreSQL, moved only by <see cref="EventWorkflow"/>: intake (idempotent by the client's key, routed by
/// point and category, duplicates flagged), transitions (one row lock, optimistic version check, a hash-chained history
/// line, a notice on <see cref="Channels.Events"/> for live maps), lists, the public tracker and the overdue sweep.
/// </summary>
public sealed partial class EventStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Reports of the same category within this distance and time window are flagged as likely duplicates.</summary>
    public const double DuplicateRadiusMetres = 50;

    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromHours(24);

    public WorkingCalendar Calendar { get; init; } = WorkingCalendar.Default;

    public TimeLimitTable Limits { get; init; } = TimeLimitTable.Taiyuan;

    public async Task<IReadOnlyList<EventCategoryInfo>> CategoriesAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Events/Categories.sql"));
        return await command.ListAsync(r => new EventCategoryInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4),
            r.GetInt32(5), r.GetBoolean(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetInt16(8)), ct);
    }

    /// <summary>
    /// Takes a report. <paramref name="caller"/> is the signed-in reporter (grid manager, or centre staff for the
    /// hotline), null for the public web form and Open311 whose <paramref name="reporter"/> names the channel.
    /// </summary>
    public async Task<Outcome<IntakeResult>> ReportAsync(Caller? caller, string reporter, NewReport report, CancellationToken ct = default)
    {
        var receipt = await IntakeAsync(caller, reporter, report, ct);
        return receipt.Value is { } taken
            ? Outcome.Ok(new IntakeResult((await CardAsync(caller, taken.Id, ct))!, taken.Created))
            : receipt.Problem!;
    }

    /// <summary>The event card, or null when there is no such event in the caller's area.</summary>
    public async Task<EventCard?> GetAsync(Caller caller, long id, CancellationToken ct = default)
    {
        var card = await CardAsync(caller, id, ct);
        return card is not null && caller.Covers(card.Grid) ? card : null;
    }

    /// <summary>Applies one workflow command as <paramref name="caller"/>; <paramref name="expectedVersion"/>, when given, must still be current.</summary>
    public async Task<Outcome<EventCard>> ApplyAsync(Caller caller, long id, EventCommand command, int? expectedVersion, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var row = await LoadAsync(connection, transaction, id, lockRow: true, skipLocked: false, ct);
        if (row is null || !caller.Covers(row.Case.Grid.Value))
            return EventProblems.NoEvent(id);
        if (expectedVersion is { } expected && expected != row.Version)
            return EventProblems.Stale(expected, row.Version);
        if (command is EventCommand.Assign assign)
            command = assign with { Account = await ActiveAccountAsync(connection, transaction, assign.Person, ct) };
        var now = clock.GetUtcNow();
        var result = EventWorkflow.Apply(row.Case, command, caller, now, Calendar, Limits);
        if (!result.Ok)
            return EventProblems.Refused(result.Refusal!);
        await WriteAsync(connection, transaction, row, result.Case!, command, caller.Username, caller.Scope.Value, caller.Department, result.Entry!.Reason, now, ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok((await CardAsync(caller, id, ct))!);
    }

    /// <summary>
    /// Escalates overdue steps whose rule says so and records an overdue alert on the others; returns how many events
    /// it touched. Safe to run from several processes at once.
    /// </summary>
    public async Task<int> SweepOverdueAsync(int limit = 500, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var ids = new List<long>();
        await using (var command = dataSource.CreateCommand(SqlResource.Get("Events/OverdueEvents.sql")))
        {
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("limit", limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                ids.Add(reader.GetInt64(0));
        }
        var touched = 0;
        foreach (var id in ids)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var row = await LoadAsync(connection, transaction, id, lockRow: true, skipLocked: true, ct);
            if (row is null || EventWorkflow.Sweep(row.Case, now, Calendar, Limits) is not { } step)
                continue;
            await WriteAsync(connection, transaction, row, step.Case, step.Command, EventWorkflow.SystemActor, null, null, step.Reason, now, ct);
            await transaction.CommitAsync(ct);
            touched++;
        }
        return touched;
    }

    public async Task<IReadOnlyList<EventSummary>> ListAsync(Caller caller, AdminCode area, EventFilter filter, CancellationToken ct = default)
    {
        if (!caller.Covers(area.Value))
            return [];
        var now = clock.GetUtcNow();
        await using var command = dataSource.CreateCommand(SqlResource.Get("Events/ListEvents.sql"));
        var p = command.Parameters;
        p.AddWithValue("area", area.Value);
        p.Add(Text("category", filter.Category));
        p.Add(new NpgsqlParameter<string[]?>("state", filter.States?.ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.AddWithValue("open_only", filter.OpenOnly);
        p.Add(new NpgsqlParameter<int?>("owner_level", filter.OwnerLevel) { NpgsqlDbType = NpgsqlDbType.Integer });
        p.Add(Time("since", filter.Since));
        p.Add(Time("updated_since", filter.UpdatedSince));
        p.Add(new NpgsqlParameter("bbox", filter.Bbox is { } b
            ? Boundaries.Geo.Factory.ToGeometry(new NetTopologySuite.Geometries.Envelope(b[0], b[2], b[1], b[3]))
            : DBNull.Value) { DataTypeName = "geometry" });
        p.AddWithValue("limit", Math.Clamp(filter.Limit, 1, 5000));
        p.Add(Text("holder", filter.Holder));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<EventSummary>();
        var columns = new SummaryColumns(reader);
        while (await reader.ReadAsync(ct))
            list.Add(ReadSummary(reader, columns, now));
        return list;
    }

    /// <summary>
    /// One event as the live map shows it, whoever asks: for the push service, which routes it only to clients whose
    /// area covers <see cref="EventSummary.Grid"/>. Null when there is no such event.
    /// </summary>
    /// <summary>The summaries of these events (those that exist), in one query.</summary>
    public async Task<IReadOnlyList<EventSummary>> SummariesAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Events/SummariesById.sql"));
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var now = clock.GetUtcNow();
        var summaries = new List<EventSummary>(ids.Count);
        var columns = new SummaryColumns(reader);
        while (await reader.ReadAsync(ct))
            summaries.Add(ReadSummary(reader, columns, now));
        return summaries;
    }

    private static EventSummary ReadSummary(NpgsqlDataReader reader, SummaryColumns at, DateTimeOffset now)
    {
        var state = reader.GetString(at.State);
        DateTimeOffset? due = reader.IsDBNull(at.Due) ? null : reader.GetFieldValue<DateTimeOffset>(at.Due);
        return new EventSummary(reader.GetInt64(at.Id), reader.GetString(at.TrackingNo), reader.GetString(at.Category), reader.GetString(at.CategoryName),
            reader.GetString(at.MajorCode), reader.GetString(at.MajorName), state, reader.GetString(at.Grid),
            [Math.Round(reader.GetDouble(at.Lon), 7), Math.Round(reader.GetDouble(at.Lat), 7)], due,
            Slug(EventWorkflow.Deadline(Enum.Parse<EventState>(state), due, now)), reader.GetFieldValue<DateTimeOffset>(at.ReportedAt),
            reader.GetFieldValue<DateTimeOffset>(at.UpdatedAt), reader.GetString(at.OwnerUnit), NullableString(reader, at.OwnerDepartment),
            reader.GetInt32(at.Version), reader.GetString(at.Description), reader.GetBoolean(at.Urgent), NullableString(reader, at.Holder));
    }

    /// <summary>Where ListEvents.sql and SummariesById.sql put each column, looked up by name once per query.</summary>
    private sealed class SummaryColumns(NpgsqlDataReader r)
    {
        public readonly int Id = r.GetOrdinal("id"), TrackingNo = r.GetOrdinal("tracking_no"), Category = r.GetOrdinal("category_code"),
            CategoryName = r.GetOrdinal("category_name"), MajorCode = r.GetOrdinal("major_code"), MajorName = r.GetOrdinal("major_name"),
            State = r.GetOrdinal("state"), Grid = r.GetOrdinal("grid_code"), Lon = r.GetOrdinal("lon"), Lat = r.GetOrdinal("lat"),
            Due = r.GetOrdinal("due"), ReportedAt = r.GetOrdinal("reported_at"), UpdatedAt = r.GetOrdinal("updated_at"),
            OwnerUnit = r.GetOrdinal("owner_unit"), OwnerDepartment = r.GetOrdinal("owner_department"), Version = r.GetOrdinal("version"),
            Description = r.GetOrdinal("description"), Urgent = r.GetOrdinal("urgent"), Holder = r.GetOrdinal("holder");
    }

    /// <summary>Standbys for the public tracking reads (issue 20, item 1); null: the primary.</summary>
    public ReadReplicas? Replicas { get; init; }

    /// <summary>
    /// The public view of an event by its tracking number, or null. Read on a standby when there is one; a number it
    /// does not know yet (a report acknowledged a moment ago, not replayed yet) is looked up again on the primary.
    /// </summary>
    public async Task<TrackingView?> TrackAsync(string trackingNo, CancellationToken ct = default)
    {
        if (Replicas is { Enabled: true } replicas && replicas.Reads != dataSource)
            return await TrackOnAsync(replicas.Reads, trackingNo, ct) ?? await TrackOnAsync(dataSource, trackingNo, ct);
        return await TrackOnAsync(dataSource, trackingNo, ct);
    }

    private async Task<TrackingView?> TrackOnAsync(NpgsqlDataSource source, string trackingNo, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        long id;
        TrackingView view;
        await using (var command = new NpgsqlCommand(SqlResource.Get("Events/Track.sql"), connection))
        {
            command.Parameters.AddWithValue("tracking_no", trackingNo);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                return null;
            id = reader.GetInt64(0);
            view = new TrackingView(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(7) ? "" : reader.GetString(7), reader.IsDBNull(8) ? "" : reader.GetString(8),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9), [])
            {
                HeldByRole = reader.IsDBNull(10) ? null : reader.GetString(10),
            };
        }
        var history = await HistoryAsync(connection, id, ct);
        var names = await UnitNamesAsync(connection, history.Select(h => h.ActorUnit ?? h.OwnerUnit), ct);
        var steps = history.Select(h => new TrackingStep(h.At, h.Action, h.To,
            PublicTracking.Actor(h.Actor, h.Action, h.ActorUnit, h.ActorDepartment, h.OwnerUnit, unit => names.GetValueOrDefault(unit, unit)))).ToList();
        return view with { Steps = steps };
    }

    /// <summary>The steps taken on one day (China Standard Time) in an area the caller covers, oldest first.</summary>
    public async Task<IReadOnlyList<ReplayStep>> ReplayAsync(Caller caller, AdminCode area, DateOnly day, int limit = 20000, CancellationToken ct = default)
    {
        if (!caller.Covers(area.Value))
            return [];
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), WorkingCalendar.ChinaStandardTime);
        await using var command = dataSource.CreateCommand(SqlResource.Get("Events/Replay.sql"));
        command.Parameters.AddWithValue("area", area.Value);
        command.Parameters.AddWithValue("from", from.ToUniversalTime());
        command.Parameters.AddWithValue("to", from.AddDays(1).ToUniversalTime());
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var steps = new List<ReplayStep>();
        while (await reader.ReadAsync(ct))
            steps.Add(new ReplayStep(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), [Math.Round(reader.GetDouble(7), 7), Math.Round(reader.GetDouble(8), 7)]));
        return steps;
    }

    public async Task<IReadOnlyList<DevolvedFunction>> CatalogueAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, level, department, name, category_code, proxy, synthetic FROM devolved_function ORDER BY level, department, id");
        return await command.ListAsync(r => new DevolvedFunction(r.GetInt32(0), r.GetInt16(1), r.GetString(2), r.GetString(3), NullableString(r, 4),
            r.GetBoolean(5), r.GetBoolean(6)), ct);
    }

    /// <summary>Adds a function to the catalogue; null when the category does not exist or the function is already listed.</summary>
    public async Task<DevolvedFunction?> AddFunctionAsync(int level, string department, string name, string? category, bool proxy, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO devolved_function (level, department, name, category_code, proxy, synthetic)
            SELECT @level, @department, @name, @category, @proxy, false
            WHERE @category::text IS NULL OR EXISTS (SELECT 1 FROM event_category WHERE code = @category)
            ON CONFLICT (level, department, name) DO NOTHING
            RETURNING id
            """);
        command.Parameters.AddWithValue("level", (short)level);
        command.Parameters.AddWithValue("department", department);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.Add(Text("category", category));
        command.Parameters.AddWithValue("proxy", proxy);
        return await command.ExecuteScalarAsync(ct) is int id ? new DevolvedFunction(id, level, department, name, category, proxy, false) : null;
    }

    public async Task<bool> RemoveFunctionAsync(int id, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM devolved_function WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Recomputes every hash of one event's history; null when intact, else the first broken step.</summary>
    public async Task<Domain.Audit.AuditBreak?> VerifyChainAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var history = await HistoryAsync(connection, id, ct);
        return EventHistoryChain.Verify(history.Select(h => ToChained(id, h)));
    }

    /// <summary>Stores a photo of an event; with an idempotency key, a repeated upload answers the first photo's id.</summary>
    public async Task<long?> AddPhotoAsync(Caller caller, long id, string contentType, byte[] bytes, CancellationToken ct = default,
        string? idempotencyKey = null)
    {
        if (await GetAsync(caller, id, ct) is null)
            return null;
        await using var command = dataSource.CreateCommand("""
            WITH added AS (
                INSERT INTO event_photo (event_id, content_type, bytes, idempotency_key) VALUES (@id, @type, @bytes, @key)
                ON CONFLICT (event_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                RETURNING id)
            SELECT id FROM added
            UNION ALL SELECT id FROM event_photo WHERE event_id = @id AND idempotency_key = @key
            LIMIT 1
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("type", contentType);
        command.Parameters.AddWithValue("bytes", bytes);
        command.Parameters.Add(new NpgsqlParameter<string?>("key", idempotencyKey) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<(string ContentType, byte[] Bytes)?> GetPhotoAsync(Caller caller, long id, long photoId, CancellationToken ct = default)
    {
        if (await GetAsync(caller, id, ct) is null)
            return null;
        await using var command = dataSource.CreateCommand("SELECT content_type, bytes FROM event_photo WHERE id = @photo AND event_id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("photo", photoId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetFieldValue<byte[]>(1)) : null;
    }

    public async Task<IReadOnlyList<long>> PhotoIdsAsync(long id, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM event_photo WHERE event_id = @id ORDER BY id");
        command.Parameters.AddWithValue("id", id);
        return await command.ListAsync(r => r.GetInt64(0), ct);
    }

    private async Task<(string Grid, double Lon, double Lat)?> BuildingPointAsync(string code, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT grid_code, ST_X(p), ST_Y(p) FROM (SELECT grid_code, ST_PointOnSurface(geom) AS p FROM building WHERE code = @code) b");
        command.Parameters.AddWithValue("code", code);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2)) : null;
    }

    private async Task<EventCard?> CardAsync(Caller? caller, long id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await LoadAsync(connection, null, id, lockRow: false, skipLocked: false, ct);
        if (row is null)
            return null;
        var history = await HistoryAsync(connection, id, ct);
        var c = row.Case;
        var routing = await RoutingAsync(connection, c, ct);
        var names = await UnitNamesAsync(connection, [c.Owner.Unit.Value, c.Handler?.Unit.Value ?? c.Owner.Unit.Value, routing.Unit], ct);
        var now = clock.GetUtcNow();
        StepOwnerView View(StepOwner o) => new(o.Unit.Value, names.GetValueOrDefault(o.Unit.Value, o.Unit.Value), (int)o.Level, o.Department);
        var chain = c.Grid.Chain;
        return new EventCard(row.Id, row.TrackingNo, row.Channel, c.Category.Code, c.Category.Name, row.MajorName, c.Category.Urgent, c.Grid.Value,
            chain.Single(u => u.Level == AdminLevel.Village).Value, chain.Single(u => u.Level == AdminLevel.Township).Value,
            chain.Single(u => u.Level == AdminLevel.County).Value, [Math.Round(row.Lon, 7), Math.Round(row.Lat, 7)], row.BuildingCode, row.Address,
            row.Description, c.Reporter, row.ContactName is { } n ? Masking.Name(n) : null, row.ContactPhone is { } ph ? Masking.Phone(ph) : null,
            row.DuplicateOf, c.State.ToString(), View(c.Owner), c.Handler is { } h ? View(h) : null, c.Due, Slug(EventWorkflow.Deadline(c, now)),
            c.ReportedAt, c.Indicators.CloseDue, c.Indicators.FinishedAt, (int?)c.Indicators.ResolutionLevel, row.Version, c.Supervisions,
            c.PendingExtension is { } ext ? $"{ext.Amount} {ext.Kind}" : null, c.PendingVoidReason,
            new RoutingView(routing.Level, routing.Unit, c.Category.Department, routing.Functions),
            caller is null ? [] : [.. EventWorkflow.ActionsFor(c, caller).Select(a => a.ToString())],
            history, EventHistoryChain.Verify(history.Select(x => ToChained(id, x))) is null)
        {
            Holder = c.Holder is { } holder ? await PersonAsync(connection, holder, ct) : null,
            SupervisionAnswerDue = c.SupervisionAnswerDue,
            SupervisedBy = c.SupervisedBy,
            Assignees = caller is not null && EventWorkflow.Admits(c.State, EventAction.Assign) && EventPermissions.May(caller, c, EventAction.Assign)
                ? await MembersAsync(connection, c.Owner, ct)
                : [],
        };
    }

    private static async Task<PersonView> PersonAsync(NpgsqlConnection connection, string username, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT display_name, role FROM account WHERE username = @username", connection);
        command.Parameters.AddWithValue("username", username);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new PersonView(username, reader.GetString(0), reader.GetString(1)) : new PersonView(username, username, "");
    }

    /// <summary>The active accounts that may hold a step of <paramref name="owner"/> (EventPermissions.MayHold decides), by name.</summary>
    private static async Task<IReadOnlyList<PersonView>> MembersAsync(NpgsqlConnection connection, StepOwner owner, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {AccountStore.Columns} FROM account a
            WHERE a.active AND a.scope_code = @unit AND (a.department = @department OR @department::text IS NULL)
            ORDER BY a.display_name, a.username
            """, connection);
        command.Parameters.AddWithValue("unit", owner.Unit.Value);
        command.Parameters.Add(Text("department", owner.Department));
        var accounts = await command.ListAsync(r => AccountStore.Read(r, 0), ct);
        return [.. accounts.Where(a => EventPermissions.MayHold(a.ToCaller(), owner)).Select(a => new PersonView(a.Username, a.DisplayName, a.Role.Slug()))];
    }

    /// <summary>An active account as a caller (for the assignment rule), or null.</summary>
    private static async Task<Caller?> ActiveAccountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string username, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {AccountStore.Columns} FROM account a WHERE a.active AND a.username = @username",
            connection, transaction);
        command.Parameters.AddWithValue("username", username);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? AccountStore.Read(reader, 0).ToCaller() : null;
    }

    private async Task<(int Level, string Unit, IReadOnlyList<string> Functions)> RoutingAsync(NpgsqlConnection connection, EventCase c, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT greatest(c.default_level, coalesce(max(f.level), 0))::int, coalesce(array_agg(f.name ORDER BY f.level DESC, f.id) FILTER (WHERE f.id IS NOT NULL), '{}')
            FROM event_category c LEFT JOIN devolved_function f ON f.category_code = c.code
            WHERE c.code = @code GROUP BY c.default_level
            """, connection);
        command.Parameters.AddWithValue("code", c.Category.Code);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var level = EventWorkflow.CompetentLevel(reader.GetInt32(0));
        return ((int)level, c.Grid.Chain.Single(u => u.Level == level).Value, reader.GetFieldValue<string[]>(1));
    }

    private static async Task<Dictionary<string, string>> UnitNamesAsync(NpgsqlConnection connection, IEnumerable<string> codes, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(SqlResource.Get("Events/UnitNames.sql"), connection);
        command.Parameters.AddWithValue("codes", codes.Distinct().ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var names = new Dictionary<string, string>();
        while (await reader.ReadAsync(ct))
            names[reader.GetString(0)] = reader.GetString(1);
        return names;
    }

    private static async Task<List<HistoryLine>> HistoryAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(SqlResource.Get("Events/History.sql"), connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        int Column(string name) => reader.GetOrdinal(name);
        int seq = Column("seq"), at = Column("at"), actor = Column("actor"), actorUnit = Column("actor_unit"), actorDepartment = Column("actor_department"),
            action = Column("action"), from = Column("from_state"), to = Column("to_state"), reason = Column("reason"), ownerUnit = Column("owner_unit"),
            ownerDepartment = Column("owner_department"), due = Column("due"), prevHash = Column("prev_hash"), hash = Column("hash");
        var lines = new List<HistoryLine>();
        while (await reader.ReadAsync(ct))
            lines.Add(new HistoryLine(reader.GetInt32(seq), reader.GetFieldValue<DateTimeOffset>(at), reader.GetString(actor), NullableString(reader, actorUnit),
                NullableString(reader, actorDepartment), reader.GetString(action), reader.GetString(from), reader.GetString(to), NullableString(reader, reason),
                reader.GetString(ownerUnit), NullableString(reader, ownerDepartment), reader.IsDBNull(due) ? null : reader.GetFieldValue<DateTimeOffset>(due),
                reader.GetString(hash))
            {
                PrevHash = reader.GetString(prevHash),
            });
        return lines;
    }

    private static ChainedHistoryEntry ToChained(long id, HistoryLine h) =>
        new(id, h.Seq, h.At, h.Actor, h.Action, h.From, h.To, h.Reason, h.OwnerUnit, h.OwnerDepartment, h.PrevHash, h.Hash);

    private async Task<EventRow?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long id, bool lockRow, bool skipLocked, CancellationToken ct)
    {
        var sql = SqlResource.Get("Events/SelectEvent.sql") + " WHERE e.id = @id" + (lockRow ? " FOR UPDATE OF e" + (skipLocked ? " SKIP LOCKED" : "") : "");
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        await using var r = await command.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
            return null;
        var category = new EventCategory(r.GetString("category_code"), r.GetString("category_name"), r.GetBoolean("urgent"),
            r.GetInt32("handle_working_days"), r.GetBoolean("minor_on_the_spot"), NullableString(r, "category_department"));
        var handlerUnit = NullableString(r, "handler_unit");
        var c = new EventCase(id.ToString(), category, AdminCode.Parse(r.GetString("grid_code")), r.GetBoolean("urban"),
            Enum.Parse<EventState>(r.GetString("state")), new StepOwner(AdminCode.Parse(r.GetString("owner_unit")), NullableString(r, "owner_department")),
            new TimeLimit(Enum.Parse<TimeLimitKind>(r.GetString("step_limit_kind")), r.GetInt32("step_limit_amount")), Nullable<DateTimeOffset>(r, "due"), [])
        {
            ReportedAt = r.GetFieldValue<DateTimeOffset>("reported_at"),
            Reporter = r.GetString("reporter"),
            Handler = handlerUnit is null ? null : new StepOwner(AdminCode.Parse(handlerUnit), NullableString(r, "handler_department")),
            PausedRemaining = Nullable<TimeSpan>(r, "paused_remaining"),
            SuspendedFrom = NullableString(r, "suspended_from") is { } from ? Enum.Parse<EventState>(from) : null,
            SuspendedAt = Nullable<DateTimeOffset>(r, "suspended_at"),
            PendingExtension = NullableString(r, "pending_extension_kind") is { } kind
                ? new TimeLimit(Enum.Parse<TimeLimitKind>(kind), r.GetInt32("pending_extension_amount"))
                : null,
            PendingVoidReason = NullableString(r, "pending_void_reason"),
            Supervisions = r.GetInt32("supervisions"),
            Holder = NullableString(r, "holder"),
            HandlerHolder = NullableString(r, "handler_holder"),
            SupervisionAnswerDue = Nullable<DateTimeOffset>(r, "supervision_answer_due"),
            SupervisedBy = NullableString(r, "supervised_by"),
            Indicators = new EventIndicators
            {
                AcceptedAt = Nullable<DateTimeOffset>(r, "accepted_at"),
                RegisteredAt = Nullable<DateTimeOffset>(r, "registered_at"),
                RegisteredOnTime = Nullable<bool>(r, "registered_on_time"),
                DispatchedAt = Nullable<DateTimeOffset>(r, "dispatched_at"),
                HandledAt = Nullable<DateTimeOffset>(r, "handled_at"),
                CloseDue = Nullable<DateTimeOffset>(r, "close_due"),
                FinishedAt = Nullable<DateTimeOffset>(r, "finished_at"),
                ClosedOnTime = Nullable<bool>(r, "closed_on_time"),
                ReworkCount = r.GetInt32("rework_count"),
                ExtensionCount = r.GetInt32("extension_count"),
                EscalationCount = r.GetInt32("escalation_count"),
                ResolutionLevel = (AdminLevel?)Nullable<short>(r, "resolution_level"),
                OverdueAlertedAt = Nullable<DateTimeOffset>(r, "overdue_alerted_at"),
            },
        };
        return new EventRow(id, r.GetString("tracking_no"), r.GetString("channel"), c, r.GetDouble("lon"), r.GetDouble("lat"),
            NullableString(r, "building_code"), NullableString(r, "address"), r.GetString("description"), NullableString(r, "contact_name"),
            NullableString(r, "contact_phone"), Nullable<long>(r, "duplicate_of"), r.GetInt32("version"), r.GetString("history_hash"),
            r.GetString("major_name"));
    }

    /// <summary>
    /// Writes one step as the workflow computed it (or, with a null command, an overdue alert that changes no state) and
    /// its history line.
    /// </summary>
    private async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EventRow row, EventCase next, EventCommand? command,
        string actor, string? actorUnit, string? actorDepartment, string? reason, DateTimeOffset now, CancellationToken ct)
    {
        var old = row.Case;
        var action = command?.Action.ToString() ?? EventWorkflow.OverdueAlertAction;
        var seq = row.Version + 1;
        var hash = EventHistoryChain.Hash(row.Id, seq, now, actor, action, old.State.ToString(), next.State.ToString(), reason, next.Owner.Unit.Value,
            next.Owner.Department, row.HistoryHash);
        var indicators = next.Indicators;

        await using var update = new NpgsqlCommand(SqlResource.Get("Events/UpdateEvent.sql"), connection, transaction);
        var p = update.Parameters;
        p.AddWithValue("id", row.Id);
        p.AddWithValue("version", row.Version);
        p.AddWithValue("channel", Channels.Events);
        p.AddWithValue("seq", seq);
        p.AddWithValue("state", next.State.ToString());
        p.AddWithValue("from_state", old.State.ToString());
        p.AddWithValue("owner_unit", next.Owner.Unit.Value);
        p.Add(Text("owner_department", next.Owner.Department));
        p.Add(Text("handler_unit", next.Handler?.Unit.Value));
        p.Add(Text("handler_department", next.Handler?.Department));
        p.AddWithValue("limit_kind", next.StepLimit.Kind.ToString());
        p.AddWithValue("limit_amount", next.StepLimit.Amount);
        p.Add(Time("due", next.Due));
        p.Add(new NpgsqlParameter<TimeSpan?>("paused_remaining", next.PausedRemaining) { NpgsqlDbType = NpgsqlDbType.Interval });
        p.Add(Text("suspended_from", next.SuspendedFrom?.ToString()));
        p.Add(Time("suspended_at", next.SuspendedAt));
        p.Add(Text("pending_extension_kind", next.PendingExtension?.Kind.ToString()));
        p.Add(new NpgsqlParameter<int?>("pending_extension_amount", next.PendingExtension?.Amount) { NpgsqlDbType = NpgsqlDbType.Integer });
        p.Add(Text("pending_void_reason", next.PendingVoidReason));
        p.AddWithValue("supervisions", next.Supervisions);
        p.Add(Text("holder", next.Holder));
        p.Add(Text("handler_holder", next.HandlerHolder));
        p.Add(Time("supervision_answer_due", next.SupervisionAnswerDue));
        p.Add(Text("supervised_by", next.SupervisedBy));
        p.Add(Time("accepted_at", indicators.AcceptedAt));
        p.Add(Time("registered_at", indicators.RegisteredAt));
        p.Add(Flag("registered_on_time", indicators.RegisteredOnTime));
        p.Add(Time("dispatched_at", indicators.DispatchedAt));
        p.Add(Time("handled_at", indicators.HandledAt));
        p.Add(Time("close_due", indicators.CloseDue));
        p.Add(Time("finished_at", indicators.FinishedAt));
        p.Add(Flag("closed_on_time", indicators.ClosedOnTime));
        p.AddWithValue("rework_count", indicators.ReworkCount);
        p.AddWithValue("extension_count", indicators.ExtensionCount);
        p.AddWithValue("escalation_count", indicators.EscalationCount);
        p.Add(new NpgsqlParameter<short?>("resolution_level", (short?)indicators.ResolutionLevel) { NpgsqlDbType = NpgsqlDbType.Smallint });
        p.Add(Time("overdue_alerted_at", indicators.OverdueAlertedAt));
        p.AddWithValue("hash", hash);
        p.AddWithValue("prev_hash", row.HistoryHash);
        p.AddWithValue("at", now);
        p.AddWithValue("actor", actor);
        p.Add(Text("actor_unit", actorUnit));
        p.Add(Text("actor_department", actorDepartment));
        p.AddWithValue("action", action);
        p.Add(Text("reason", reason));
        if (await update.ExecuteScalarAsync(ct) is null)
            throw new InvalidOperationException($"Event {row.Id} changed under a row lock; this is a bug.");
        // Accountability records the step creates (overdue, rework, named), in the same transaction as the step.
        foreach (var cause in EventAccountability.Created(old, command, actor, reason, next))
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO accountability (event_id, seq, kind, person, unit, department, grid_code, reason, created_at)
                VALUES (@id, @seq, @kind, @person, @unit, @department, @grid, @reason, @at)
                ON CONFLICT (event_id, seq, kind) DO NOTHING
                """, connection, transaction);
            insert.Parameters.AddWithValue("id", row.Id);
            insert.Parameters.AddWithValue("seq", seq);
            insert.Parameters.AddWithValue("kind", cause.Kind.ToString().ToLowerInvariant());
            insert.Parameters.Add(Text("person", cause.Person));
            insert.Parameters.AddWithValue("unit", cause.Unit.Unit.Value);
            insert.Parameters.Add(Text("department", cause.Unit.Department));
            insert.Parameters.AddWithValue("grid", old.Grid.Value);
            insert.Parameters.AddWithValue("reason", cause.Reason.Length <= 600 ? cause.Reason : cause.Reason[..600]);
            insert.Parameters.AddWithValue("at", now);
            await insert.ExecuteNonQueryAsync(ct);
        }
        // Personal notices (inbox, and a text message when the account has a phone), told to live clients after commit.
        foreach (var notice in EventNotices.For(old, next, command, actor))
            await Inbox.InboxStore.AddAsync(connection, transaction, notice.To, notice.Kind, row.Id,
                $"【GridMap】{row.TrackingNo} {old.Category.Name}：{notice.Phrase}", now, ct);
    }

    /// <summary>A public, unguessable number: the prefix (GM events, DB proxy requests) and two groups of 4 unambiguous letters or digits.</summary>
    internal static string NewTrackingNumber(string prefix = "GM")
    {
        const string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        Span<char> chars = stackalloc char[8];
        for (var i = 0; i < chars.Length; i++)
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return $"{prefix}-{chars[..4]}-{chars[4..]}";
    }

    internal static string Slug(DeadlineState state) => state switch
    {
        DeadlineState.OnTime => "on_time",
        DeadlineState.DueSoon => "due_soon",
        DeadlineState.Overdue => "overdue",
        DeadlineState.Paused => "paused",
        _ => "finished",
    };

    private static string Truncate(string s) => s.Length <= 20 ? s : s[..20] + "…";

    private static NpgsqlParameter Text(string name, string? value) => new NpgsqlParameter<string?>(name, value) { NpgsqlDbType = NpgsqlDbType.Text };

    // Npgsql writes timestamptz only from UTC offsets; the workflow computes deadlines in China Standard Time.
    private static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        new NpgsqlParameter<DateTimeOffset?>(name, value?.ToUniversalTime()) { NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Flag(string name, bool? value) => new NpgsqlParameter<bool?>(name, value) { NpgsqlDbType = NpgsqlDbType.Boolean };

    private static string? NullableString(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static string? NullableString(NpgsqlDataReader r, string column) => NullableString(r, r.GetOrdinal(column));

    private static T? Nullable<T>(NpgsqlDataReader r, string column) where T : struct
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetFieldValue<T>(i);
    }

    /// <summary>An event as loaded: the workflow's case and what the card shows besides.</summary>
    private sealed record EventRow(long Id, string TrackingNo, string Channel, EventCase Case, double Lon, double Lat, string? BuildingCode, string? Address,
        string Description, string? ContactName, string? ContactPhone, long? DuplicateOf, int Version, string HistoryHash, string MajorName);
}
