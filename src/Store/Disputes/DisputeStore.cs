using System.Collections.Immutable;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Disputes;
using GridMap.Domain.Events;
using GridMap.Domain.Privacy;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Disputes;

/// <summary>A party as shown: residents' names masked (the register's rule), outsiders' as recorded.</summary>
public sealed record PartyView(long? PersonId, string Name, bool Resident);

/// <summary>A dispute as the API shows it.</summary>
public sealed record DisputeView(long Id, string Grid, string Severity, string Kind, string Summary, string Source, long? EventId, string Level,
    string Unit, string State, string? Mediator, DateTimeOffset? Due, bool Overdue, string? AgreementTerms, string? SettledLevel, string? ReferredTo,
    int Sessions, int FollowUps, string RecordedBy, DateTimeOffset RecordedAt, int Version, IReadOnlyList<PartyView> Parties,
    IReadOnlyList<DisputeStep> History, IReadOnlyList<string> Actions);

/// <summary>One severity's containment row for a unit: where its finished disputes ended, and the share within the rule.</summary>
public sealed record ContainmentRow(string Severity, string RuleLevel, ContainmentCounts Counts, Domain.Events.Kpi.KpiRate WithinRule);

/// <summary>A unit's containment figure and its children's, over a period of finished disputes.</summary>
public sealed record ContainmentReport(string Unit, DateOnly From, DateOnly To, IReadOnlyList<ContainmentRow> Rows,
    IReadOnlyList<ContainmentChild> Children);

/// <summary>A child unit's containment rows.</summary>
public sealed record ContainmentChild(string Code, IReadOnlyList<ContainmentRow> Rows);

/// <summary>Disputes (矛盾纠纷): recorded, acted on through <see cref="DisputeWorkflow"/>, swept when overdue, counted for containment.</summary>
public sealed class DisputeStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public WorkingCalendar Calendar { get; init; } = WorkingCalendar.Default;

    public async Task<Outcome<DisputeView>> RecordAsync(Caller caller, NewDispute dispute, long? eventId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var recorded = DisputeWorkflow.Record(dispute, caller, now, Calendar);
        if (!recorded.Succeeded)
            return recorded.Problem!;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Residents named as parties must be people of the caller's area; their names come from the register.
        var parties = new List<DisputeParty>();
        foreach (var party in recorded.Value!.Parties)
        {
            if (party.PersonId is not { } personId)
            {
                parties.Add(party);
                continue;
            }
            await using var find = new NpgsqlCommand("SELECT name, grid_code FROM person WHERE id = $1", connection, transaction);
            find.Parameters.Add(new NpgsqlParameter<long> { TypedValue = personId });
            await using var reader = await find.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct) || reader.IsDBNull(1) || !caller.Covers(reader.GetString(1)))
                return Problem.InvalidField("parties", $"No resident {personId} in your area: name an outsider by name alone.");
            parties.Add(party with { Name = reader.GetString(0) });
        }
        if (eventId is { } linked && !await ExistsAsync(connection, transaction, "SELECT grid_code FROM event WHERE id = $1", linked, caller, ct))
            return Problem.InvalidField("eventId", $"No event {linked} in your area.");
        var c = recorded.Value with { Parties = [.. parties] };
        long id;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO dispute (grid_code, severity, kind, summary, source, event_id, level, state, due, recorded_by, recorded_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10) RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Grid.Value });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Slug(c.Severity) });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Kind });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Summary });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Slug(c.Source) });
            insert.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = eventId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)c.Level });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = c.Due?.ToUniversalTime(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Username });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }
        for (var i = 0; i < c.Parties.Count; i++)
        {
            await using var party = new NpgsqlCommand("INSERT INTO dispute_party (dispute_id, seq, person_id, name) VALUES ($1, $2, $3, $4)", connection, transaction);
            party.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            party.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)(i + 1) });
            party.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = c.Parties[i].PersonId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            party.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Parties[i].Name });
            await party.ExecuteNonQueryAsync(ct);
        }
        await AppendStepsAsync(connection, transaction, id, 0, c.History, ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok((await GetAsync(caller, id, ct))!);
    }

    public async Task<DisputeView?> GetAsync(Caller caller, long id, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var loaded = await LoadAsync(connection, null, id, ct);
        return loaded is { } l && Visible(caller, l.Case) ? View(caller, l.Id, l.Case, l.Row) : null;
    }

    /// <summary>A mediator's step; a stale version (someone acted meanwhile) is a 409 and changes nothing.</summary>
    public async Task<Outcome<DisputeView>> ActAsync(Caller caller, long id, DisputeCommand command, int? version, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var loaded = await LoadAsync(connection, transaction, id, ct);
        if (loaded is not { } l || !Visible(caller, l.Case))
            return Problem.NotFound($"No dispute {id} in your area.");
        if (version is { } v && v != l.Row.Version)
            return Problem.Conflict($"Dispute {id} changed meanwhile (version {l.Row.Version}); reload it.");
        var applied = DisputeWorkflow.Apply(l.Case, command, caller, now, Calendar);
        if (!applied.Succeeded)
            return applied.Problem!;
        await WriteAsync(connection, transaction, id, l.Case, applied.Value!, now, ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok((await GetAsync(caller, id, ct))!);
    }

    /// <summary>Moves every dispute past its level's deadline up a level (as the event sweep does); returns how many.</summary>
    public async Task<int> SweepOverdueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var ids = new NpgsqlCommand("SELECT id FROM dispute WHERE state IN ('open', 'mediating') AND due < $1 AND level > 3 ORDER BY due LIMIT 500", connection);
        ids.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        var due = await ids.ListAsync(r => r.GetInt64(0), ct);
        var moved = 0;
        foreach (var id in due)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            if (await LoadAsync(connection, transaction, id, ct) is { } l && DisputeWorkflow.Sweep(l.Case, now, Calendar) is { } swept)
            {
                await WriteAsync(connection, transaction, id, l.Case, swept, now, ct);
                moved++;
            }
            await transaction.CommitAsync(ct);
        }
        return moved;
    }

    public async Task<IReadOnlyList<DisputeView>> ListAsync(Caller caller, string area, bool openOnly, CancellationToken ct = default)
    {
        if (!caller.Covers(area))
            return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT id FROM dispute WHERE starts_with(grid_code, $1) AND (NOT $2 OR state IN ('open', 'mediating', 'settled'))
            ORDER BY state IN ('closed', 'referred'), coalesce(due, recorded_at) LIMIT 200
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = area });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = openOnly });
        var ids = await command.ListAsync(r => r.GetInt64(0), ct);
        return [.. (await LoadManyAsync(connection, null, [.. ids], ct)).Where(l => Visible(caller, l.Case)).Select(l => View(caller, l.Id, l.Case, l.Row))];
    }

    /// <summary>
    /// The containment figure of a unit and its children: finished disputes (settled or referred) of the grids under it
    /// whose finishing fell in the China days from–to, by severity and by where they ended.
    /// </summary>
    public async Task<ContainmentReport?> ContainmentAsync(Caller caller, AdminCode unit, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (!caller.Covers(unit.Value))
            return null;
        var childLength = unit.Level == AdminLevel.Grid ? 15 : (unit.Level + 1).CodeLength();
        await using var command = dataSource.CreateCommand(SqlResource.Get("Disputes/Containment.sql"));
        command.Parameters.Add(new NpgsqlParameter<string>("unit", unit.Value));
        command.Parameters.Add(new NpgsqlParameter<int>("child_length", childLength));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("from_at", ChinaTime.StartOf(from).ToUniversalTime()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("to_at", ChinaTime.StartOf(to.AddDays(1)).ToUniversalTime()));
        var counts = new Dictionary<(string Child, DisputeSeverity Severity), ContainmentCounts>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                counts[(reader.GetString(0), Enum.Parse<DisputeSeverity>(reader.GetString(1), true))] =
                    new ContainmentCounts(reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5));
        IReadOnlyList<ContainmentRow> Rows(Func<(string Child, DisputeSeverity Severity), bool> pick) =>
            Enum.GetValues<DisputeSeverity>().Select(s =>
            {
                var sum = counts.Where(kv => kv.Key.Severity == s && pick(kv.Key)).Aggregate(ContainmentCounts.Zero, (a, kv) => a + kv.Value);
                return new ContainmentRow(Slug(s), Containment.RuleLevel(s).Slug(), sum, Containment.WithinRule(s, sum));
            }).ToList();
        var children = counts.Keys.Select(k => k.Child).Distinct().Order(StringComparer.Ordinal)
            .Select(child => new ContainmentChild(child, Rows(k => k.Child == child))).ToList();
        return new ContainmentReport(unit.Value, from, to, Rows(_ => true), children);
    }

    private static bool Visible(Caller caller, DisputeCase c) => caller.Covers(c.Grid.Value);

    private sealed record StoredRow(int Version, long? EventId, string RecordedBy, DateTimeOffset RecordedAt);

    private async Task<(long Id, DisputeCase Case, StoredRow Row)?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long id,
        CancellationToken ct) =>
        (await LoadManyAsync(connection, transaction, [id], ct)) is [var one] ? one : null;

    /// <summary>The disputes of <paramref name="ids"/> in that order, each read with three queries for all (locked when in a transaction).</summary>
    private static async Task<List<(long Id, DisputeCase Case, StoredRow Row)>> LoadManyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        long[] ids, CancellationToken ct)
    {
        var cases = new Dictionary<long, (DisputeCase Case, StoredRow Row)>(ids.Length);
        await using (var read = new NpgsqlCommand($"""
            SELECT grid_code, severity, kind, summary, source, event_id, level, state, mediator, due, agreement_terms, settled_level, referred_to,
                   sessions, follow_ups, recorded_by, recorded_at, version, id
            FROM dispute WHERE id = ANY ($1) {(transaction is null ? "" : "FOR UPDATE")}
            """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
            await using var r = await read.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                cases[r.GetInt64(18)] = (new DisputeCase
                {
                    Grid = AdminCode.Parse(r.GetString(0)),
                    Severity = Enum.Parse<DisputeSeverity>(r.GetString(1), true),
                    Kind = r.GetString(2),
                    Summary = r.GetString(3),
                    Source = Enum.Parse<DisputeSource>(r.GetString(4), true),
                    Parties = [],
                    Level = (AdminLevel)r.GetInt16(6),
                    State = Enum.Parse<DisputeState>(r.GetString(7), true),
                    Mediator = r.IsDBNull(8) ? null : r.GetString(8),
                    Due = r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
                    AgreementTerms = r.IsDBNull(10) ? null : r.GetString(10),
                    SettledAt = r.IsDBNull(11) ? null : (AdminLevel)r.GetInt16(11),
                    ReferredTo = r.IsDBNull(12) ? null : Enum.Parse<ReferralTarget>(r.GetString(12), true),
                    Sessions = r.GetInt32(13),
                    FollowUps = r.GetInt32(14),
                }, new StoredRow(r.GetInt32(17), r.IsDBNull(5) ? null : r.GetInt64(5), r.GetString(15), r.GetFieldValue<DateTimeOffset>(16)));
        }
        await using (var parties = new NpgsqlCommand(
            "SELECT dispute_id, person_id, name FROM dispute_party WHERE dispute_id = ANY ($1) ORDER BY dispute_id, seq", connection, transaction))
        {
            parties.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
            foreach (var group in (await parties.ListAsync(p => (Id: p.GetInt64(0), Party: new DisputeParty(p.IsDBNull(1) ? null : p.GetInt64(1), p.GetString(2))), ct))
                     .GroupBy(p => p.Id))
                cases[group.Key] = cases[group.Key] with { Case = cases[group.Key].Case with { Parties = [.. group.Select(p => p.Party)] } };
        }
        await using (var steps = new NpgsqlCommand(
            "SELECT dispute_id, at, actor, action, level, note FROM dispute_step WHERE dispute_id = ANY ($1) ORDER BY dispute_id, seq", connection, transaction))
        {
            steps.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
            foreach (var group in (await steps.ListAsync(s => (Id: s.GetInt64(0), Step: new DisputeStep(s.GetFieldValue<DateTimeOffset>(1), s.GetString(2), s.GetString(3),
                         (AdminLevel)s.GetInt16(4), s.IsDBNull(5) ? null : s.GetString(5))), ct)).GroupBy(s => s.Id))
                cases[group.Key] = cases[group.Key] with { Case = cases[group.Key].Case with { History = [.. group.Select(x => x.Step)] } };
        }
        return [.. ids.Where(cases.ContainsKey).Select(id => (id, cases[id].Case, cases[id].Row))];
    }

    private static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, DisputeCase before, DisputeCase after,
        DateTimeOffset now, CancellationToken ct)
    {
        await using (var update = new NpgsqlCommand("""
            UPDATE dispute SET level = $2, state = $3, mediator = $4, due = $5, agreement_terms = $6, settled_level = $7, referred_to = $8,
                sessions = $9, follow_ups = $10, version = version + 1,
                finished_at = CASE WHEN finished_at IS NULL AND $3 IN ('settled', 'referred') THEN $11 ELSE finished_at END
            WHERE id = $1
            """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            update.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)after.Level });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Slug(after.State) });
            update.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = after.Mediator, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = after.Due?.ToUniversalTime(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            update.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = after.AgreementTerms, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            update.Parameters.Add(new NpgsqlParameter<short?> { TypedValue = after.SettledAt is { } s ? (short)s : null, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint });
            update.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = after.ReferredTo is { } r ? Slug(r) : null, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = after.Sessions });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = after.FollowUps });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
            await update.ExecuteNonQueryAsync(ct);
        }
        await AppendStepsAsync(connection, transaction, id, before.History.Count, after.History.Skip(before.History.Count).ToImmutableList(), ct);
        if (after.Level != before.Level)
            await NotifyMediatorsAsync(connection, transaction, id, after, ct);
    }

    /// <summary>The mediators of the level a dispute reached hear of it (inbox, text message, live push) in the same transaction.</summary>
    private static async Task NotifyMediatorsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, DisputeCase c, CancellationToken ct)
    {
        var role = c.Level switch
        {
            AdminLevel.Village => Role.VillageStaff,
            AdminLevel.Township => Role.TownshipStaff,
            _ => Role.CountyStaff,
        };
        await using var notify = new NpgsqlCommand(Inbox.InboxStore.FanOutSql("""
            SELECT username, $3::text AS text FROM account
            WHERE active AND scope_code = $1 AND (role = $2 OR ($2 = 'county_staff' AND role = 'department_officer' AND department = 'justice'))
            """, NoticeKind.Dispute), connection, transaction);
        notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = c.Unit.Value });
        notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = role.Slug() });
        notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"矛盾纠纷 {id}（{c.Kind}，网格 {c.Grid.Value}）上交到你处调解，期限 {(c.Due is { } due ? ChinaTime.Format(due) : "—")}" });
        await notify.ExecuteNonQueryAsync(ct);
    }

    private static Task AppendStepsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, int already, IReadOnlyList<DisputeStep> steps,
        CancellationToken ct) =>
        StepLog.AppendAsync(connection, transaction, "dispute_step", "dispute_id", id, already,
            steps.Select(s => new LoggedStep(s.At, s.Actor, s.Action, s.Level, s.Note)), ct);

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, long id, Caller caller, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        return await command.ExecuteScalarAsync(ct) is string grid && caller.Covers(grid);
    }

    private DisputeView View(Caller caller, long id, DisputeCase c, StoredRow row)
    {
        var now = clock.GetUtcNow();
        var actions = DisputeWorkflow.Actions(c, caller, now, Calendar);
        return new DisputeView(id, c.Grid.Value, Slug(c.Severity), c.Kind, c.Summary, Slug(c.Source), row.EventId, c.Level.Slug(), c.Unit.Value, Slug(c.State),
            c.Mediator, c.Due, c.Due is { } due && now > due && c.State is DisputeState.Open or DisputeState.Mediating, c.AgreementTerms, c.SettledAt?.Slug(),
            c.ReferredTo is { } r ? Slug(r) : null, c.Sessions, c.FollowUps, row.RecordedBy, row.RecordedAt, row.Version,
            c.Parties.Select(p => new PartyView(p.PersonId, p.PersonId is null ? p.Name : Masking.Name(p.Name), p.PersonId is not null)).ToList(),
            c.History, actions);
    }

    public static string Slug<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
