using System.Collections.Immutable;
using System.Text.Json;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using GridMap.Domain.Privacy;
using GridMap.Domain.Proxy;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Proxy;

/// <summary>A proxy request as staff see it: the resident masked, the service as its catalogue version has it.</summary>
public sealed record ProxyRequestView(long Id, string TrackingNo, string Grid, int CatalogueVersion, CatalogueServiceView Service, long? PersonId,
    string Resident, string Channel, IReadOnlyList<ProxyDocument> Documents, string? Note, string State, string Level, string Unit, string? Department,
    DateTimeOffset? Due, bool Overdue, bool? OnTime, DateTimeOffset? HandedAt, string? Result, DateTimeOffset? FinishedAt, string RecordedBy,
    DateTimeOffset RecordedAt, bool Synthetic, int Version, IReadOnlyList<ProxyStep> History, IReadOnlyList<string> Actions);

/// <summary>What the public sees of a request by its number: the service, the village, where it is, the deadline and the result — no names.</summary>
public sealed record ProxyTrackingView(string TrackingNo, string Service, string Department, string CompetentLevel, string Village, string State,
    string Level, DateTimeOffset RecordedAt, DateTimeOffset? Due, string? Result, DateTimeOffset? FinishedAt, IReadOnlyList<ProxyTrackingStep> Steps);

/// <summary>A public step: when, what, at which level (never who).</summary>
public sealed record ProxyTrackingStep(DateTimeOffset At, string Action, string Level);

/// <summary>A taken request's answer: the request, and whether this call made it (false: an earlier call with the same key did).</summary>
public sealed record ProxyTaken(ProxyRequestView Request, bool Created);

/// <summary>
/// Proxy requests (民事代办): taken against the county's current catalogue, acted on through <see cref="ProxyWorkflow"/>,
/// listed by area (a department officer sees its department's), and followed by the public through their number.
/// </summary>
public sealed class ProxyStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public WorkingCalendar Calendar { get; init; } = WorkingCalendar.Default;

    /// <summary>
    /// Takes a request for service <paramref name="serviceKey"/> of the grid's county catalogue. When the caller names the
    /// catalogue version it chose from, a retired one is refused (the service may have changed since).
    /// </summary>
    public async Task<Outcome<ProxyTaken>> TakeAsync(Caller caller, AdminCode grid, int serviceKey, int? catalogueVersion, long? personId,
        string? residentName, IReadOnlyList<string> received, string? note, string? idempotencyKey, bool synthetic = false, CancellationToken ct = default)
    {
        if (idempotencyKey is { Length: < 8 or > 100 })
            return Problem.InvalidField("idempotencyKey", "The idempotency key has 8–100 characters.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (idempotencyKey is not null && await FindByKeyAsync(connection, idempotencyKey, ct) is { } earlier)
            return await GetAsync(connection, caller, earlier, ct) is { } seen
                ? Outcome.Ok(new ProxyTaken(seen, false))
                : Problem.Conflict("That idempotency key was used for another request.");
        // Role and area first, so a caller outside them learns nothing of the grid or the catalogue.
        if (ProxyWorkflow.MayTake(caller, grid) is { } refused)
            return refused;
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var known = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM grid WHERE code = $1)", connection, transaction))
        {
            known.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grid.Value });
            if (!(bool)(await known.ExecuteScalarAsync(ct))!)
                return Problem.InvalidField("grid", $"No grid {grid.Value}.");
        }
        var county = grid.Value[..6];
        if (await CatalogueStore.CurrentAsync(connection, transaction, county, ct) is not { } current)
            return Problem.InvalidField("serviceKey", $"County {county} has no service catalogue yet.");
        if (catalogueVersion is { } asked && asked != current.Version)
            return Problem.InvalidField("catalogueVersion",
                $"Version {asked} of the catalogue is not current (the current is {current.Version}): choose the service from the current catalogue.");
        if ((await CatalogueStore.ServicesAsync(connection, transaction, current.Id, serviceKey, ct)) is not [var service])
            return Problem.InvalidField("serviceKey", $"No service {serviceKey} in county {county}'s catalogue.");
        var name = residentName ?? "";
        if (personId is { } id)
        {
            await using var find = new NpgsqlCommand("SELECT name, grid_code FROM person WHERE id = $1", connection, transaction);
            find.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            await using var reader = await find.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct) || reader.IsDBNull(1) || !caller.Covers(reader.GetString(1)))
                return Problem.InvalidField("personId", $"No resident {id} in your area.");
            name = reader.GetString(0);
        }
        var now = clock.GetUtcNow();
        var taken = ProxyWorkflow.Take(new NewProxyRequest(grid, service.Service, current.Version, personId, name, received, note), caller, now, Calendar);
        if (!taken.Succeeded)
            return taken.Problem!;
        var r = taken.Value!;
        long requestId;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO proxy_request (tracking_no, idempotency_key, grid_code, catalogue_id, service_key, person_id, resident_name, channel, documents,
                note, state, level, department, due, recorded_by, recorded_at, synthetic, handed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $17, $11, $12, $13, $14, $15, $16, $18)
            ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Events.EventStore.NewTrackingNumber("DB") });
            insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = idempotencyKey, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grid.Value });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = current.Id });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = serviceKey });
            insert.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = personId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = r.ResidentName });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Slug(r.Channel) });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(r.Documents, Json), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
            insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = r.Note, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)r.Level });
            insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = r.Department, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = r.Due?.ToUniversalTime(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Username });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
            insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = synthetic });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Slug(r.State) });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = r.HandedAt?.ToUniversalTime(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            if (await insert.ExecuteScalarAsync(ct) is not long inserted)
            {
                // The same key arrived twice at once: the other call made it.
                await transaction.RollbackAsync(ct);
                return await FindByKeyAsync(connection, idempotencyKey!, ct) is { } other && await GetAsync(connection, caller, other, ct) is { } view
                    ? Outcome.Ok(new ProxyTaken(view, false))
                    : Problem.Conflict("That idempotency key was used for another request.");
            }
            requestId = inserted;
        }
        await AppendStepsAsync(connection, transaction, requestId, 0, r.History, ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok(new ProxyTaken((await GetAsync(connection, caller, requestId, ct))!, true));
    }

    public async Task<ProxyRequestView?> GetAsync(Caller caller, long id, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await GetAsync(connection, caller, id, ct);
    }

    /// <summary>A step on the request; a stale version (someone acted meanwhile) is a 409 and changes nothing.</summary>
    public async Task<Outcome<ProxyRequestView>> ActAsync(Caller caller, long id, ProxyCommand command, int? version, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if ((await LoadAsync(connection, transaction, [id], ct)) is not [var l] || !Visible(caller, l.Request))
            return Problem.NotFound($"No proxy request {id} in your area.");
        if (version is { } v && v != l.Row.Version)
            return Problem.Conflict($"Request {id} changed meanwhile (version {l.Row.Version}); reload it.");
        var applied = ProxyWorkflow.Apply(l.Request, command, caller, now, Calendar);
        if (!applied.Succeeded)
            return applied.Problem!;
        var after = applied.Value!;
        await using (var update = new NpgsqlCommand("""
            UPDATE proxy_request SET documents = $2, state = $3, level = $4, department = $5, due = $6, handed_at = $7, result = $8,
                finished_at = CASE WHEN $3 IN ('done', 'refused', 'withdrawn') THEN $9 END, version = version + 1,
                -- A new deadline (handed over again after a return) is announced again when it passes.
                overdue_noticed_at = CASE WHEN due IS DISTINCT FROM $6 THEN NULL ELSE overdue_noticed_at END
            WHERE id = $1
            """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(after.Documents, Json), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Slug(after.State) });
            update.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)after.Level });
            update.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = after.Department, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = after.Due?.ToUniversalTime(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = after.HandedAt?.ToUniversalTime(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            update.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = after.Result, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
            await update.ExecuteNonQueryAsync(ct);
        }
        await AppendStepsAsync(connection, transaction, id, l.Request.History.Count, [.. after.History.Skip(l.Request.History.Count)], ct);
        // Synthetic demo requests tell nobody: their desks are real demo accounts.
        if (!l.Row.Synthetic)
            await NotifyAsync(connection, transaction, l.Row, after, command, ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok((await GetAsync(connection, caller, id, ct))!);
    }

    /// <summary>
    /// Announces, once, every request past its time limit at a desk — to that desk (the department's officers at the unit,
    /// else the level's centre) and to whoever took it; returns how many. Synthetic requests are left alone.
    /// </summary>
    public async Task<int> AnnounceOverdueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        long[] ids;
        await using (var mark = new NpgsqlCommand("""
            UPDATE proxy_request SET overdue_noticed_at = $1
            WHERE id IN (SELECT id FROM proxy_request WHERE state = 'handed' AND due < $1 AND overdue_noticed_at IS NULL AND NOT synthetic
                         ORDER BY due LIMIT 500 FOR UPDATE SKIP LOCKED)
            RETURNING id
            """, connection, transaction))
        {
            mark.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            ids = [.. await mark.ListAsync(r => r.GetInt64(0), ct)];
        }
        if (ids.Length > 0)
        {
            await using var notify = new NpgsqlCommand(Inbox.InboxStore.FanOutSql("""
                SELECT DISTINCT ON (a.username, r.id) a.username, '代办 ' || r.tracking_no || '（' || s.name || '）已超过办理时限，请尽快办结' AS text
                FROM proxy_request r JOIN catalogue_service s USING (catalogue_id, service_key)
                CROSS JOIN LATERAL (SELECT left(r.grid_code, CASE r.level WHEN 5 THEN 12 WHEN 4 THEN 9 ELSE 6 END) AS unit,
                                           CASE r.level WHEN 5 THEN 'village_staff' WHEN 4 THEN 'township_staff' ELSE 'county_staff' END AS centre) d
                JOIN account a ON a.active AND (a.username = r.recorded_by OR a.scope_code = d.unit AND (
                    (a.role = 'department_officer' AND a.department = r.department)
                    OR (a.role = d.centre AND NOT EXISTS (SELECT 1 FROM account o WHERE o.active AND o.scope_code = d.unit
                                                          AND o.role = 'department_officer' AND o.department = r.department))))
                WHERE r.id = ANY ($1)
                """, NoticeKind.Proxy), connection, transaction);
            notify.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
            await notify.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return ids.Length;
    }

    /// <summary>Requests under an area (a department officer's: its department's), open ones first, soonest due first.</summary>
    public async Task<IReadOnlyList<ProxyRequestView>> ListAsync(Caller caller, string area, bool openOnly, CancellationToken ct = default)
    {
        if (!caller.Covers(area) || caller.Role is Role.Planner or Role.Auditor or Role.Admin)
            return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT r.id FROM proxy_request r JOIN catalogue_service s USING (catalogue_id, service_key)
            WHERE starts_with(r.grid_code, $1) AND (NOT $2 OR r.state IN ('received', 'handed', 'returned')) AND ($3::text IS NULL OR s.department = $3)
            ORDER BY r.state NOT IN ('received', 'handed', 'returned'), r.due NULLS LAST, r.recorded_at DESC LIMIT 200
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = area });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = openOnly });
        command.Parameters.Add(new NpgsqlParameter<string?>
        {
            TypedValue = caller.Role == Role.DepartmentOfficer ? caller.Department : null,
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text,
        });
        var ids = await command.ListAsync(r => r.GetInt64(0), ct);
        return [.. (await LoadAsync(connection, null, [.. ids], ct)).Select(l => View(caller, l.Id, l.Request, l.Row))];
    }

    /// <summary>The public view of a request by its number, or null.</summary>
    public async Task<ProxyTrackingView?> TrackAsync(string trackingNo, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var find = new NpgsqlCommand("SELECT id FROM proxy_request WHERE tracking_no = $1", connection);
        find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = trackingNo });
        if (await find.ExecuteScalarAsync(ct) is not long id || (await LoadAsync(connection, null, [id], ct)) is not [var l])
            return null;
        var r = l.Request;
        return new ProxyTrackingView(l.Row.TrackingNo, r.Service.Name, r.Service.Department, r.Service.CompetentLevel.Slug(), r.Grid.Value[..12],
            Slug(r.State), r.Level.Slug(), l.Row.RecordedAt, r.Due, r.Result, l.Row.FinishedAt,
            [.. r.History.Select(s => new ProxyTrackingStep(s.At, s.Action, s.Level.Slug()))]);
    }

    /// <summary>Centre staff, grid managers and the service's department read requests of their area; planners, auditors and admins do not.</summary>
    private static bool Visible(Caller caller, ProxyRequest r) =>
        caller.Covers(r.Grid.Value) && caller.Role switch
        {
            Role.DepartmentOfficer => caller.Department == r.Service.Department,
            Role.Planner or Role.Auditor or Role.Admin => false,
            _ => true,
        };

    private async Task<ProxyRequestView?> GetAsync(NpgsqlConnection connection, Caller caller, long id, CancellationToken ct) =>
        (await LoadAsync(connection, null, [id], ct)) is [var l] && Visible(caller, l.Request) ? View(caller, l.Id, l.Request, l.Row) : null;

    private static async Task<long?> FindByKeyAsync(NpgsqlConnection connection, string key, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM proxy_request WHERE idempotency_key = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await command.ExecuteScalarAsync(ct) as long?;
    }

    private sealed record StoredRow(string TrackingNo, int ServiceKey, int Version, string RecordedBy, DateTimeOffset RecordedAt, DateTimeOffset? FinishedAt,
        bool Synthetic);

    /// <summary>The requests of <paramref name="ids"/> in that order, with two queries for all (locked when in a transaction).</summary>
    private static async Task<List<(long Id, ProxyRequest Request, StoredRow Row)>> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        long[] ids, CancellationToken ct)
    {
        var requests = new Dictionary<long, (ProxyRequest Request, StoredRow Row)>(ids.Length);
        await using (var read = new NpgsqlCommand($"""
            SELECT r.id, r.tracking_no, r.grid_code, c.version, r.service_key, r.person_id, r.resident_name, r.channel, r.documents::text, r.note, r.state,
                   r.level, r.department, r.due, r.handed_at, r.result, r.finished_at, r.recorded_by, r.recorded_at, r.synthetic, r.version,
                   s.level, s.department, s.name, s.kind, s.competent_level, s.time_limit_days, s.time_limit_note, s.documents, s.source, s.source_locality
            FROM proxy_request r JOIN service_catalogue c ON c.id = r.catalogue_id
                 JOIN catalogue_service s ON s.catalogue_id = r.catalogue_id AND s.service_key = r.service_key
            WHERE r.id = ANY ($1) {(transaction is null ? "" : "FOR UPDATE OF r")}
            """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
            await using var r = await read.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var service = new CatalogueService((AdminLevel)r.GetInt16(21), r.GetString(22), r.GetString(23), Enum.Parse<ServiceKind>(r.GetString(24), true),
                    (AdminLevel)r.GetInt16(25), r.IsDBNull(26) ? null : r.GetInt16(26), r.IsDBNull(27) ? null : r.GetString(27),
                    r.GetFieldValue<string[]>(28), r.GetString(29), r.IsDBNull(30) ? null : r.GetString(30));
                requests[r.GetInt64(0)] = (new ProxyRequest
                {
                    Grid = AdminCode.Parse(r.GetString(2)),
                    Service = service,
                    CatalogueVersion = r.GetInt32(3),
                    PersonId = r.IsDBNull(5) ? null : r.GetInt64(5),
                    ResidentName = r.GetString(6),
                    Channel = Enum.Parse<ProxyChannel>(r.GetString(7), true),
                    Documents = JsonSerializer.Deserialize<ImmutableList<ProxyDocument>>(r.GetString(8), Json)!,
                    Note = r.IsDBNull(9) ? null : r.GetString(9),
                    State = Enum.Parse<ProxyState>(r.GetString(10), true),
                    Level = (AdminLevel)r.GetInt16(11),
                    Department = r.IsDBNull(12) ? null : r.GetString(12),
                    Due = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
                    HandedAt = r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
                    Result = r.IsDBNull(15) ? null : r.GetString(15),
                }, new StoredRow(r.GetString(1), r.GetInt32(4), r.GetInt32(20), r.GetString(17), r.GetFieldValue<DateTimeOffset>(18),
                    r.IsDBNull(16) ? null : r.GetFieldValue<DateTimeOffset>(16), r.GetBoolean(19)));
            }
        }
        await using (var steps = new NpgsqlCommand(
            "SELECT request_id, at, actor, action, level, note FROM proxy_request_step WHERE request_id = ANY ($1) ORDER BY request_id, seq", connection, transaction))
        {
            steps.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
            foreach (var group in (await steps.ListAsync(s => (Id: s.GetInt64(0), Step: new ProxyStep(s.GetFieldValue<DateTimeOffset>(1), s.GetString(2), s.GetString(3),
                         (AdminLevel)s.GetInt16(4), s.IsDBNull(5) ? null : s.GetString(5))), ct)).GroupBy(s => s.Id))
                requests[group.Key] = requests[group.Key] with { Request = requests[group.Key].Request with { History = [.. group.Select(x => x.Step)] } };
        }
        return [.. ids.Where(requests.ContainsKey).Select(id => (id, requests[id].Request, requests[id].Row))];
    }

    /// <summary>
    /// Who hears of a step, in the same transaction (inbox, text message, live push): the deciding level's desk when a
    /// request is handed to it (the department's officers there, else that level's centre), the taker when it comes back.
    /// </summary>
    private static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredRow row, ProxyRequest after, ProxyCommand command,
        CancellationToken ct)
    {
        var what = $"代办 {row.TrackingNo}（{after.Service.Name}）";
        string sql;
        string text;
        switch (command)
        {
            case ProxyCommand.HandOver or ProxyCommand.Forward:
                sql = """
                    SELECT username, $4::text AS text FROM account
                    WHERE active AND scope_code = $1 AND (
                        (role = 'department_officer' AND department = $2)
                        OR (role = $3 AND NOT EXISTS (SELECT 1 FROM account d WHERE d.active AND d.scope_code = $1 AND d.role = 'department_officer' AND d.department = $2)))
                    """;
                text = $"{what}交到你处办理，期限 {(after.Due is { } due ? ChinaTime.Format(due) : "—")}";
                break;
            case ProxyCommand.Return or ProxyCommand.Complete or ProxyCommand.Refuse:
                sql = "SELECT username, $4::text AS text FROM account WHERE active AND username = $5";
                text = command switch
                {
                    ProxyCommand.Return x => $"{what}退回补正：{x.Note}",
                    _ => $"{what}已办结：{after.Result}",
                };
                break;
            default:
                return;
        }
        await using var notify = new NpgsqlCommand(Inbox.InboxStore.FanOutSql(sql, NoticeKind.Proxy), connection, transaction);
        notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after.Unit.Value });
        notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after.Service.Department });
        notify.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = (after.Level switch { AdminLevel.Village => Role.VillageStaff, AdminLevel.Township => Role.TownshipStaff, _ => Role.CountyStaff }).Slug(),
        });
        notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = text });
        notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.RecordedBy });
        await notify.ExecuteNonQueryAsync(ct);
    }

    private static Task AppendStepsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, int already, IReadOnlyList<ProxyStep> steps,
        CancellationToken ct) =>
        StepLog.AppendAsync(connection, transaction, "proxy_request_step", "request_id", id, already,
            steps.Select(s => new LoggedStep(s.At, s.Actor, s.Action, s.Level, s.Note)), ct);

    private ProxyRequestView View(Caller caller, long id, ProxyRequest r, StoredRow row)
    {
        var now = clock.GetUtcNow();
        return new ProxyRequestView(id, row.TrackingNo, r.Grid.Value, r.CatalogueVersion, CatalogueStore.View(row.ServiceKey, r.Service), r.PersonId,
            Masking.Name(r.ResidentName), Slug(r.Channel), r.Documents, r.Note, Slug(r.State), r.Level.Slug(), r.Unit.Value, r.Department, r.Due,
            !r.IsFinished && r.Due is { } due && now > due, ProxyWorkflow.OnTime(r, row.FinishedAt), r.HandedAt, r.Result, row.FinishedAt, row.RecordedBy,
            row.RecordedAt, row.Synthetic, row.Version, r.History, ProxyWorkflow.Actions(r, caller, now, Calendar));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Slug<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
