using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.People;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Register;

public sealed partial class RegisterStore
{
    /// <summary>The changes of one record (person:ID, household:ID, house:ID, building:CODE or move:ID) the caller may see, oldest first.</summary>
    public async Task<IReadOnlyList<ChangeView>?> HistoryAsync(Caller caller, string subject, CancellationToken ct = default)
    {
        if (!caller.Holds(DataCategory.Residents))
            return null;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (subject.StartsWith("building:", StringComparison.Ordinal))
        {
            await using var find = new NpgsqlCommand("SELECT 'building:' || id FROM building WHERE code = $1", connection);
            find.Parameters.Add(new NpgsqlParameter { Value = subject[9..] });
            subject = await find.ExecuteScalarAsync(ct) as string ?? subject;
        }
        // The record must be in the caller's area now; its history may include grids it came from.
        await using (var visible = new NpgsqlCommand(SqlResource.Get("Register/SubjectInScope.sql"), connection))
        {
            visible.Parameters.AddWithValue("subject", subject);
            visible.Parameters.AddWithValue("scope", caller.Scope.Value);
            if (await visible.ExecuteScalarAsync(ct) is not true)
                return null;
        }
        await using var command = new NpgsqlCommand("""
            SELECT id, at, actor, kind, subject, grid_code, reason, before::text, after::text, corrects
            FROM register_change WHERE subject = $1 ORDER BY id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        return await command.ListAsync(r => new ChangeView(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3),
            r.GetString(4), r.GetString(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : r.GetInt64(9)), ct);
    }

    /// <summary>Move requests touching the caller's area (either side), newest first; pending ones only unless <paramref name="all"/>.</summary>
    public async Task<IReadOnlyList<MoveRequestView>> MovesAsync(Caller caller, bool all, CancellationToken ct = default)
    {
        if (!caller.Holds(DataCategory.Residents))
            return [];
        await using var command = dataSource.CreateCommand(SqlResource.Get("Register/ListMoves.sql"));
        command.Parameters.AddWithValue("scope", caller.Scope.Value);
        command.Parameters.AddWithValue("all", all);
        var today = ChinaTime.DateOf(clock.GetUtcNow());
        return await command.ListAsync(r =>
        {
            var direction = r.GetString(3);
            var names = r.GetFieldValue<string[]>(7);
            var sexes = r.GetFieldValue<string[]>(8);
            var births = r.GetFieldValue<DateOnly[]>(9);
            var ids = r.GetFieldValue<long[]>(6);
            return new MoveRequestView(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), direction, r.GetInt64(4), r.GetString(5),
                r.GetBoolean(10), ids.Select((id, i) => new MoveMember(id, names[i], sexes[i], Residents.ResidentStore.Age(births[i], today))).ToArray(),
                r.GetString(11), r.GetString(12), r.IsDBNull(13) ? null : r.GetInt64(13), r.IsDBNull(14) ? null : r.GetInt64(14), r.GetString(15),
                r.GetString(16), r.IsDBNull(17) ? null : r.GetString(17), r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18),
                r.IsDBNull(19) ? null : r.GetString(19), direction == "out" ? r.GetString(12) : r.GetString(11));
        }, ct);
    }

    /// <summary>
    /// Reconciliation items for the caller: a department officer sees its department's in its area, centre staff of a
    /// township and above their townships'. Open ones only unless <paramref name="all"/>.
    /// </summary>
    public async Task<IReadOnlyList<ReconciliationView>?> ReconciliationAsync(Caller caller, bool all, CancellationToken ct = default)
    {
        if (!MaySeeReconciliation(caller))
            return null;
        await using var command = dataSource.CreateCommand(SqlResource.Get("Register/ListReconciliation.sql"));
        command.Parameters.AddWithValue("scope", caller.Scope.Value);
        command.Parameters.Add(new NpgsqlParameter<string?>("department", caller.Role == Role.DepartmentOfficer ? caller.Department : null)
            { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue("all", all);
        return await command.ListAsync(ReadItem, ct);
    }

    public async Task<Outcome<ReconciliationView>> ResolveAsync(Caller caller, long id, string resolution, CancellationToken ct = default)
    {
        if (!MaySeeReconciliation(caller))
            return Problem.Forbidden("Reconciliation items are resolved by the department or the township centre.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand("""
            UPDATE reconciliation_item SET status = 'resolved', resolved_by = @actor, resolved_at = now(), resolution = @resolution
            WHERE id = @id AND starts_with(township_code, left(@scope, 9)) AND starts_with(township_code || '000000', @scope)
              AND (@department::text IS NULL OR department = @department) AND status = 'open'
            RETURNING id
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("actor", caller.Username);
            command.Parameters.AddWithValue("resolution", resolution);
            command.Parameters.AddWithValue("scope", caller.Scope.Value);
            command.Parameters.Add(new NpgsqlParameter<string?>("department", caller.Role == Role.DepartmentOfficer ? caller.Department : null)
                { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            if (await command.ExecuteScalarAsync(ct) is null)
                return Problem.NotFound($"No open reconciliation item {id} for you.");
        }
        await Audit.AuditLog.AppendAsync(connection, transaction, caller.Username, "register_reconcile", $"reconciliation:{id}", resolution, "{}", ct);
        await transaction.CommitAsync(ct);
        var items = await ReconciliationAsync(caller, all: true, ct) ?? [];
        return Outcome.Ok(items.First(i => i.Id == id));
    }

    private static bool MaySeeReconciliation(Caller caller) =>
        caller.Role is Role.DepartmentOfficer or Role.TownshipStaff or Role.CountyStaff or Role.CityStaff or Role.ProvinceStaff;

    private static ReconciliationView ReadItem(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1),
        r.IsDBNull(2) ? null : r.GetInt64(2), r.GetInt64(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8),
        r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
        r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetInt64(13));

    /// <summary>Freshness of a unit (or grid) and of its children, summed from the grids' rows; null outside the caller's area.</summary>
    public async Task<FreshnessView?> FreshnessAsync(Caller caller, AdminCode unit, CancellationToken ct = default)
    {
        if (!caller.Covers(unit.Value) || !caller.Holds(DataCategory.Buildings))
            return null;
        await using var command = dataSource.CreateCommand(SqlResource.Get("Register/Freshness.sql"));
        command.Parameters.AddWithValue("code", unit.Value);
        command.Parameters.AddWithValue("child_length", unit.Level switch
        {
            AdminLevel.Province => 4,
            AdminLevel.City => 6,
            AdminLevel.County => 9,
            AdminLevel.Township => 12,
            _ => 15,
        });
        var rows = await command.ListAsync(r => (Code: r.GetString(0), Name: r.GetString(1), Households: r.GetInt32(2), Fresh: r.GetInt32(3)), ct);
        var days = await FreshDaysAsync(ct);
        var children = rows.Where(r => r.Code != unit.Value)
            .Select(r => new FreshnessChild(r.Code, r.Name, r.Households, r.Fresh, new Freshness(r.Households, r.Fresh).Share)).ToArray();
        var own = new Freshness(children.Sum(c => c.Households), children.Sum(c => c.Fresh));
        if (unit.Level == AdminLevel.Grid)
            own = rows.Select(r => new Freshness(r.Households, r.Fresh)).FirstOrDefault() ?? new Freshness(0, 0);
        return new FreshnessView(unit.Value, own.Households, own.Fresh, own.Share, days, children);
    }

    public async Task<int> FreshDaysAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT fresh_days FROM register_setting");
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Open households of an area not verified or changed within the window, the longest unconfirmed first (the verification task list).</summary>
    public async Task<IReadOnlyList<StaleHousehold>?> StaleHouseholdsAsync(Caller caller, AdminCode area, int limit, CancellationToken ct = default)
    {
        if (!caller.Covers(area.Value) || !caller.Holds(DataCategory.Residents))
            return null;
        await using var command = dataSource.CreateCommand(SqlResource.Get("Register/StaleHouseholds.sql"));
        command.Parameters.AddWithValue("area", area.Value);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 500));
        return await command.ListAsync(r => new StaleHousehold(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            r.GetInt16(5), r.GetString(6), r.GetInt32(7), r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8), r.GetInt32(9)), ct);
    }

    /// <summary>Sets how many days a verification or change keeps a household fresh and recomputes every grid; audited.</summary>
    public async Task<int> SetFreshDaysAsync(int days, string actor, CancellationToken ct = default)
    {
        if (days is < 1 or > 3650)
            throw new ArgumentOutOfRangeException(nameof(days), days, "The freshness window is 1–3,650 days.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        int grids;
        await using (var command = new NpgsqlCommand("""
            UPDATE register_setting SET fresh_days = $1;
            SELECT coalesce(refresh_grid_freshness(array_agg(grid_code)), 0) FROM grid_freshness;
            """, connection, transaction) { CommandTimeout = 0 })
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = days });
            grids = (int)(await command.ExecuteScalarAsync(ct))!;
        }
        await Audit.AuditLog.AppendAsync(connection, transaction, actor, "register_fresh_days", "register_setting", "freshness window",
            $"{{\"fresh_days\":{days},\"grids\":{grids}}}", ct);
        await transaction.CommitAsync(ct);
        return grids;
    }

    /// <summary>Recomputes the grids whose oldest fresh household has aged out and drops the rows of retired grids.</summary>
    public async Task<int> RefreshExpiredAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Register/RefreshExpired.sql"));
        return (int)(await command.ExecuteScalarAsync(ct) ?? 0);
    }
}
