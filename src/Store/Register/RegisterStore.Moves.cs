using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Events;
using GridMap.Domain.People;
using GridMap.Store.Database;

namespace GridMap.Store.Register;

/// <summary>Where people move to: a house or a household in the caller's area, another grid (its side decides), or away from the province.</summary>
public sealed record MoveDestination(long? HouseId, long? HouseholdId, string? Grid, bool Away);

public sealed partial class RegisterStore
{
    /// <summary>
    /// Moves a whole household or some of its members. Inside the caller's area the move happens now; into a grid the
    /// caller does not cover it becomes a move request that grid's side accepts (choosing the house) or refuses; away
    /// from the province closes the memberships. Departments holding a member who leaves the county hear of it.
    /// </summary>
    public Task<Outcome<RegisterChangeResult>> MoveAsync(Caller caller, long householdId, int? householdVersion, IReadOnlyList<long>? personIds,
        MoveDestination to, string? relation, string reason, string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            var source = await LockHouseholdAsync(tx, householdId, inScope: true, ct);
            if (source is null || source.DissolvedOn is not null)
                return NoHousehold(householdId);
            if (CheckVersion($"household {householdId}", householdVersion, source.RowVersion, source) is { } stale)
                return stale;
            var members = source.Members.Select(m => m.PersonId).ToHashSet();
            var moving = personIds is { Count: > 0 } ? personIds.Distinct().ToArray() : members.ToArray();
            if (moving.FirstOrDefault(p => !members.Contains(p)) is var stranger and not 0)
                return RegisterRules.Field("personIds", $"Person {stranger} is not a current member of household {householdId}.");
            if (moving.Length == 0)
                return RegisterRules.Field("personIds", "The household has no members left to move.");
            var whole = moving.Length == members.Count;
            if (new[] { to.HouseId is not null, to.HouseholdId is not null, to.Grid is not null, to.Away }.Count(b => b) != 1)
                return RegisterRules.Field("to", "Name exactly one destination: toHouseId, toHouseholdId, toGrid (another grid) or away.");
            if (await PendingMoveAsync(tx, moving, ct) is { } pending)
                return Problem.Conflict($"Move request {pending} for these people is still waiting; it is decided first.",
                    new Dictionary<string, object?> { ["field"] = "personIds", ["moveRequestId"] = pending });

            if (to.Away)
            {
                foreach (var person in moving)
                    await LeaveAsync(tx, person, tx.Today, ct);
                await tx.ExecuteAsync("UPDATE person SET status = 'moved_away' WHERE id = ANY ($1)", ct, moving);
                var change = await tx.RecordAsync("move", $"household:{householdId}", source.GridCode, reason,
                    new { household = householdId, people = moving }, new { away = true }, null, ct);
                var items = new List<long>();
                foreach (var person in moving)
                    items.AddRange(await ReconcileAsync(tx, change, person, source.GridCode, "member_moved_away", "迁出本省（去向登记为省外）", ct));
                return Outcome.Ok(new RegisterChangeResult([change], "move", RegisterChangeResult.Done, HouseholdId: householdId, ReconciliationIds: items));
            }
            if (to.Grid is { } grid)
            {
                if (!await tx.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM grid WHERE code = $1)", ct, grid))
                    return RegisterRules.Field("toGrid", $"There is no grid {grid} (retired or never numbered).");
                if (caller.Covers(grid))
                    return RegisterRules.Field("toGrid", $"Grid {grid} is in your area: name the house (toHouseId) or household (toHouseholdId) instead.");
                return await RequestMoveAsync(tx, "out", householdId, moving, whole, grid, null, null, relation, reason, ct);
            }
            var target = await DestinationAsync(tx, to, source, whole, ct);
            if (!target.Succeeded)
                return target.Problem;
            var moved = await ExecuteMoveAsync(tx, source, moving, whole, target.Value, relation, reason, ct);
            return Outcome.Ok(moved);
        }, ct);

    /// <summary>Accepts (choosing the house when the request names none) or refuses a move request waiting for the caller's side.</summary>
    public Task<Outcome<RegisterChangeResult>> DecideMoveAsync(Caller caller, long requestId, bool accept, MoveDestination? to, string? relation,
        string reason, string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            string direction, fromGrid, toGrid, status;
            long sourceId;
            long[] people;
            bool whole;
            long? toHouse, toHousehold;
            string? requestedRelation;
            await using (var command = tx.Command("""
                SELECT direction, from_grid, to_grid, status, household_id, person_ids, whole_household, to_house_id, to_household_id, relation
                FROM move_request WHERE id = $1 FOR UPDATE
                """, requestId))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                    return Problem.NotFound($"No move request {requestId} in your area.");
                (direction, fromGrid, toGrid, status) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
                (sourceId, people, whole) = (reader.GetInt64(4), reader.GetFieldValue<long[]>(5), reader.GetBoolean(6));
                toHouse = reader.IsDBNull(7) ? null : reader.GetInt64(7);
                toHousehold = reader.IsDBNull(8) ? null : reader.GetInt64(8);
                requestedRelation = reader.IsDBNull(9) ? null : reader.GetString(9);
            }
            var deciding = direction == "out" ? toGrid : fromGrid;
            var asking = direction == "out" ? fromGrid : toGrid;
            if (!caller.Covers(deciding))
                return caller.Covers(asking)
                    ? Problem.Forbidden($"Move request {requestId} waits for grid {deciding}'s side to decide.")
                    : Problem.NotFound($"No move request {requestId} in your area.");
            if (status != "pending")
                return Problem.Conflict($"Move request {requestId} is already {status}.", new Dictionary<string, object?> { ["status"] = status });
            if (!accept)
            {
                await tx.ExecuteAsync("""
                    UPDATE move_request SET status = 'refused', decided_by = $2, decided_at = $3, decision_reason = $4 WHERE id = $1
                    """, ct, requestId, caller.Username, tx.Now, reason);
                var refused = await tx.RecordAsync("move_refused", $"move:{requestId}", deciding, reason, new { status }, new { status = "refused" }, null, ct);
                return Outcome.Ok(new RegisterChangeResult([refused], "move_refused", RegisterChangeResult.Done, HouseholdId: sourceId, MoveRequestId: requestId));
            }
            var source = await LockHouseholdAsync(tx, sourceId, inScope: false, ct);
            var current = source?.Members.Select(m => m.PersonId).ToHashSet() ?? [];
            if (source is null || source.DissolvedOn is not null || !people.All(current.Contains))
                return Problem.Conflict($"The household of move request {requestId} changed since it was asked; the requesting side asks again.");
            MoveDestination destination = direction == "claim"
                ? new MoveDestination(toHousehold is null ? toHouse : null, toHousehold, null, false)
                : to ?? new MoveDestination(null, null, null, false);
            if (destination.HouseId is null && destination.HouseholdId is null)
                return RegisterRules.Field("toHouseId", "Name the house (toHouseId) or household (toHouseholdId) in your grid the people move into.");
            var scopedCaller = direction == "claim" ? caller with { Scope = Domain.Codes.AdminCode.Parse(toGrid) } : caller;
            var target = await DestinationAsync(tx, destination, source, whole && people.Length == current.Count, ct, scopedCaller);
            if (!target.Succeeded)
                return target.Problem;
            if (target.Value.Grid != toGrid)
                return RegisterRules.Field("toHouseId", $"The house is not in grid {toGrid}, where the move was asked to.");
            var accepted = await tx.RecordAsync("move_accepted", $"move:{requestId}", deciding, reason, new { status }, new { status = "accepted" }, null, ct);
            await tx.ExecuteAsync("""
                UPDATE move_request SET status = 'accepted', decided_by = $2, decided_at = $3, decision_reason = $4,
                                        to_house_id = coalesce($5, to_house_id), to_household_id = coalesce($6, to_household_id)
                WHERE id = $1
                """, ct, requestId, caller.Username, tx.Now, reason, destination.HouseId, destination.HouseholdId);
            var moved = await ExecuteMoveAsync(tx, source, people, whole && people.Length == current.Count, target.Value, relation ?? requestedRelation,
                reason, ct);
            return Outcome.Ok(moved with { Kind = "move_accepted", MoveRequestId = requestId, ChangeIds = [accepted, .. moved.ChangeIds] });
        }, ct);

    private sealed record Target(long HouseId, string Grid, HouseholdState? Household);

    /// <summary>The house or household the people move into, inside the caller's area, checked.</summary>
    private static async Task<Outcome<Target>> DestinationAsync(RegisterTransaction tx, MoveDestination to, HouseholdState source, bool whole,
        CancellationToken ct, Caller? asCaller = null)
    {
        var scope = (asCaller ?? tx.Caller).Scope.Value;
        if (to.HouseholdId is { } householdId)
        {
            if (householdId == source.Id)
                return RegisterRules.Field("toHouseholdId", "The people already live in this household.");
            var household = await LockHouseholdAsync(tx, householdId, inScope: false, ct);
            if (household is null || household.DissolvedOn is not null || !household.GridCode.StartsWith(scope, StringComparison.Ordinal))
                return RegisterRules.Field("toHouseholdId", $"There is no open household {householdId} in your area.");
            return Outcome.Ok(new Target(household.HouseId, household.GridCode, household));
        }
        var house = await LockHouseAsync(tx, to.HouseId!.Value, inScope: false, ct);
        if (house is not var (state, grid) || !grid.StartsWith(scope, StringComparison.Ordinal))
            return RegisterRules.Field("toHouseId", $"There is no house {to.HouseId} in your area.");
        if (whole && state.Id == source.HouseId)
            return RegisterRules.Field("toHouseId", "The household already lives in this house.");
        return Outcome.Ok(new Target(state.Id, grid, null));
    }

    private static async Task<RegisterChangeResult> ExecuteMoveAsync(RegisterTransaction tx, HouseholdState source, long[] people, bool whole,
        Target target, string? relation, string reason, CancellationToken ct)
    {
        long destination;
        if (whole && target.Household is null)
        {
            // The household itself moves: same register number, new house.
            await tx.ExecuteAsync("UPDATE household SET house_id = $2, grid_code = $3, confirmed_at = $4 WHERE id = $1", ct,
                source.Id, target.HouseId, target.Grid, tx.Now);
            destination = source.Id;
            tx.Touch(source.GridCode);
            tx.Touch(target.Grid);
        }
        else
        {
            destination = target.Household?.Id ?? await NewHouseholdAsync(tx, target.HouseId, target.Grid, source.Type, ct);
            var relations = source.Members.ToDictionary(m => m.PersonId, m => m.Relation);
            for (var i = 0; i < people.Length; i++)
            {
                await LeaveAsync(tx, people[i], tx.Today, ct);
                var joined = target.Household is null
                    ? (i == 0 ? "head" : relations.GetValueOrDefault(people[i], "other"))
                    : relation ?? "other";
                await JoinAsync(tx, destination, [people[i]], joined, tx.Today, ct);
            }
            tx.TouchHousehold(destination, target.Grid);
        }
        await tx.ExecuteAsync("UPDATE person SET grid_code = $2, status = 'resident' WHERE id = ANY ($1)", ct, people, target.Grid);
        await tx.ExecuteAsync("UPDATE house SET vacant = false WHERE id = $1 AND vacant", ct, target.HouseId);
        var change = await tx.RecordAsync("move", $"household:{source.Id}", source.GridCode, reason,
            new { household = source.Id, house = source.HouseId, grid = source.GridCode, people },
            new { household = destination, house = target.HouseId, grid = target.Grid, whole }, null, ct);
        var items = await ReconcileMoveAsync(tx, change, people, source.GridCode, target.Grid, ct);
        return new RegisterChangeResult([change], "move", RegisterChangeResult.Done, HouseholdId: destination, HouseId: target.HouseId,
            ReconciliationIds: items);
    }

    private static async Task<Outcome<RegisterChangeResult>> RequestMoveAsync(RegisterTransaction tx, string direction, long householdId, long[] people,
        bool whole, string otherGrid, long? toHouse, long? toHousehold, string? relation, string reason, CancellationToken ct)
    {
        if (await PendingMoveAsync(tx, people, ct) is { } pending)
            return Problem.Conflict($"Move request {pending} for this person is still waiting; it is decided first.",
                new Dictionary<string, object?> { ["moveRequestId"] = pending });
        // Either way the people leave the source household's grid for the other one.
        var fromGrid = (await tx.ScalarAsync<string>("SELECT grid_code FROM household WHERE id = $1", ct, householdId))!;
        var toGrid = otherGrid;
        var id = await tx.ScalarAsync<long>("""
            INSERT INTO move_request (requested_by, direction, household_id, whole_household, person_ids, from_grid, to_grid, to_house_id,
                                      to_household_id, relation, reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
            """, ct, tx.Caller.Username, direction, householdId, whole, people, fromGrid, toGrid, toHouse, toHousehold, relation, reason);
        var change = await tx.RecordAsync("move_requested", $"move:{id}", direction == "out" ? fromGrid : toGrid, reason, null,
            new { direction, household = householdId, people, whole, fromGrid, toGrid }, null, ct);
        // The deciding side hears of it: the grid's managers, or the village's staff when the grid has none.
        var deciding = direction == "out" ? toGrid : fromGrid;
        var text = direction == "out"
            ? $"网格 {fromGrid} 申请将 {people.Length} 人迁入你的网格 {toGrid}，请确认接收（迁移申请 {id}）"
            : $"网格 {toGrid} 认领你的网格 {fromGrid} 的 {people.Length} 人迁出，请确认（迁移申请 {id}）";
        await tx.ExecuteAsync(Inbox.InboxStore.FanOutSql("""
            SELECT username, $2::text AS text FROM account
            WHERE active AND ((role = 'grid_manager' AND scope_code = $1)
               OR (role = 'village_staff' AND scope_code = left($1, 12)
                   AND NOT EXISTS (SELECT 1 FROM account m WHERE m.active AND m.role = 'grid_manager' AND m.scope_code = $1)))
            """, NoticeKind.Move), ct, deciding, text);
        return Outcome.Ok(new RegisterChangeResult([change], "move_requested", RegisterChangeResult.Pending, HouseholdId: householdId, MoveRequestId: id));
    }

    private static Task<long?> PendingMoveAsync(RegisterTransaction tx, long[] people, CancellationToken ct) =>
        tx.ScalarAsync<long?>("SELECT min(id) FROM move_request WHERE status = 'pending' AND person_ids && $1", ct, people);

    /// <summary>The department officers (of the county, or above) whose department and area an item concerns hear of it.</summary>
    internal static Task NotifyReconciliationAsync(RegisterTransaction tx, IReadOnlyList<long> items, CancellationToken ct) =>
        items.Count == 0 ? Task.CompletedTask : tx.ExecuteAsync(Inbox.InboxStore.FanOutSql("""
            SELECT DISTINCT a.username, '待核对：' || p.name || '，' || r.detail AS text
            FROM reconciliation_item r JOIN person p ON p.id = r.person_id
            JOIN account a ON a.active AND a.role = 'department_officer' AND a.department = r.department AND starts_with(r.township_code, a.scope_code)
            WHERE r.id = ANY ($1)
            """, NoticeKind.Reconciliation), ct, items.ToArray());

    private static async Task<IReadOnlyList<long>> ReconcileMoveAsync(RegisterTransaction tx, long change, IReadOnlyList<long> people, string? fromGrid,
        string toGrid, CancellationToken ct)
    {
        // A department has reported the person dead, yet they are moved: the department and the township they move to hear of it.
        await using var reported = tx.Command("""
            INSERT INTO reconciliation_item (change_id, person_id, department, township_code, kind, detail)
            SELECT $1, d.person_id, d.department, left($3, 9), 'reported_deceased_moved',
                   '部门名单报告于 ' || to_char(d.died_on, 'YYYY-MM-DD') || ' 死亡，现登记迁入网格 ' || $3 || '：请核实'
            FROM dept_death_report d WHERE d.person_id = ANY ($2)
            RETURNING id
            """, change, people.ToArray(), toGrid);
        var items = await reported.ListAsync(r => r.GetInt64(0), ct);
        await NotifyReconciliationAsync(tx, items, ct);
        if (fromGrid is null || fromGrid[..6] == toGrid[..6])
            return items;
        foreach (var person in people)
            items.AddRange(await ReconcileAsync(tx, change, person, fromGrid, "member_moved_out_of_county", $"迁出本县，迁入网格 {toGrid}", ct));
        return items;
    }

    /// <summary>One reconciliation item per department list (special group) holding the person, for that department and the township.</summary>
    private static async Task<IReadOnlyList<long>> ReconcileAsync(RegisterTransaction tx, long change, long person, string grid, string kind, string detail,
        CancellationToken ct)
    {
        await using var command = tx.Command("""
            INSERT INTO reconciliation_item (change_id, person_id, special_group_id, department, township_code, kind, detail)
            SELECT $1, s.person_id, s.id, s.department, left($3, 9), $4, $5 FROM special_group s WHERE s.person_id = $2
            RETURNING id
            """, change, person, grid, kind, detail);
        var items = await command.ListAsync(r => r.GetInt64(0), ct);
        await NotifyReconciliationAsync(tx, items, ct);
        return items;
    }
}
