using System.Text.Json;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Privacy;
using GridMap.Domain.People;
using GridMap.Store.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GridMap.Store.Register;

/// <summary>
/// The register's write path (issue 15). Each change runs in one transaction: the records it touches are locked and
/// their row versions checked (an old version is refused with the record as it is now), the change row with its
/// reason is written, the touched grids' freshness is recomputed and the change is appended to the audit chain — all
/// committed together or not at all. A repeated idempotency key returns the first answer without writing again.
/// Everything outside the caller's area is answered as not found.
/// </summary>
public sealed partial class RegisterStore(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<RegisterOptions> options)
{
    private readonly SemaphoreSlim writers = new(options.Value.ConcurrentWrites);
    private const string UniqueViolation = "23505";

    private async Task<Outcome<RegisterChangeResult>> WriteAsync(Caller caller, string? idempotencyKey,
        Func<RegisterTransaction, Task<Outcome<RegisterChangeResult>>> change, CancellationToken ct)
    {
        if (!caller.MayWriteRegister())
            return Problem.Forbidden("Your role does not change the population register.");
        await writers.WaitAsync(ct);
        try
        {
            return await WriteGatedAsync(caller, idempotencyKey, change, ct);
        }
        finally
        {
            writers.Release();
        }
    }

    private async Task<Outcome<RegisterChangeResult>> WriteGatedAsync(Caller caller, string? idempotencyKey,
        Func<RegisterTransaction, Task<Outcome<RegisterChangeResult>>> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            if (idempotencyKey is not null && await ReplayAsync(connection, caller, idempotencyKey, ct) is { } replayed)
                return Outcome.Ok(replayed);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var tx = new RegisterTransaction(connection, transaction, caller, clock.GetUtcNow());
            try
            {
                var outcome = await change(tx);
                if (!outcome.Succeeded)
                {
                    await transaction.RollbackAsync(ct);
                    return outcome;
                }
                var result = outcome.Value with { ChangeIds = tx.ChangeIds };
                await tx.CommitAsync(idempotencyKey, result, ct);
                return Outcome.Ok(result);
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation && e.ConstraintName == "register_change_idempotency_idx" && attempt == 0)
            {
                // The same key committed in a concurrent request: answer with its result.
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation)
            {
                return Problem.Conflict(e.ConstraintName switch
                {
                    "person_id_number_key" => "A person with this ID number is already registered.",
                    "house_building_id_unit_no_room_key" => "The building already has a house with this unit and room.",
                    "household_register_number_key" => "This household register number is already in use.",
                    _ => "The change collides with a record written at the same moment; reload and try again.",
                }) with { Extensions = new Dictionary<string, object?> { ["constraint"] = e.ConstraintName } };
            }
        }
    }

    private static async Task<RegisterChangeResult?> ReplayAsync(NpgsqlConnection connection, Caller caller, string key, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT result::text FROM register_change WHERE actor = $1 AND idempotency_key = $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = caller.Username });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return await command.ExecuteScalarAsync(ct) is string json
            ? JsonSerializer.Deserialize<RegisterChangeResult>(json, RegisterTransaction.Json)! with { Replayed = true }
            : null;
    }

    // ---- locking reads: each takes the row FOR UPDATE inside the caller's area, or finds nothing ----

    private static async Task<HouseholdState?> LockHouseholdAsync(RegisterTransaction tx, long id, bool inScope, CancellationToken ct) =>
        (await LockHouseholdAsync(tx, id, inScope, null, ct)).Household;

    /// <summary>
    /// The household and its current members, locked, in one round trip — with, when a position is given, its distance in
    /// metres from the household's building (an on-the-spot verification).
    /// </summary>
    private static async Task<(HouseholdState? Household, double? DistanceM)> LockHouseholdAsync(RegisterTransaction tx, long id, bool inScope,
        (double Lon, double Lat)? position, CancellationToken ct)
    {
        var scope = tx.Caller.Scope.Value;
        var commands = new List<(string, object?[])>
        {
            ("""
            SELECT id, register_number, household_type, house_id, grid_code, row_version, confirmed_at, dissolved_on
            FROM household WHERE id = $1 AND (NOT $3 OR starts_with(grid_code, $2)) FOR UPDATE
            """, [id, scope, inScope]),
            ("""
            SELECT p.id, p.name, m.relation, p.row_version
            FROM household_member m JOIN person p ON p.id = m.person_id JOIN household h ON h.id = m.household_id
            WHERE m.household_id = $1 AND m.moved_out IS NULL AND (NOT $3 OR starts_with(h.grid_code, $2))
            ORDER BY p.id FOR UPDATE OF p
            """, [id, scope, inScope]),
        };
        if (position is { } at)
            commands.Add(("""
                SELECT ST_Distance(b.geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4490)::geography)
                FROM household hh JOIN house h ON h.id = hh.house_id JOIN building b ON b.id = h.building_id WHERE hh.id = $1
                """, [id, at.Lon, at.Lat]));
        await using var batch = tx.Batch([.. commands]);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        HouseholdState? state = null;
        if (await reader.ReadAsync(ct))
            state = new HouseholdState(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7), []);
        await reader.NextResultAsync(ct);
        var members = new List<MemberState>();
        while (await reader.ReadAsync(ct))
            members.Add(new MemberState(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
        double? distance = null;
        if (position is not null && await reader.NextResultAsync(ct) && await reader.ReadAsync(ct))
            distance = reader.GetDouble(0);
        return (state is null ? null : state with { Members = members }, state is null ? null : distance);
    }

    private const string ById = "id = $1";

    // person.id_number is char(18): compared with a text parameter it is cast to text, and the lookup becomes a scan of
    // every person instead of a probe of person_id_number_key (78 ms for one county's 300,000 people, on every birth).
    private const string ByIdNumber = "id_number = $1::char(18)";

    private static async Task<PersonState?> LockPersonAsync(RegisterTransaction tx, string match, object value, bool inScope, CancellationToken ct)
    {
        await using var command = tx.Command($"""
            SELECT id, name, sex, birth_date, id_number, status, death_date, grid_code, political_status, register_type, row_version
            FROM person WHERE {match} AND (NOT $3 OR starts_with(grid_code, $2)) FOR UPDATE
            """, value, tx.Caller.Scope.Value, inScope);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new PersonState(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateOnly>(3),
                Masking.IdNumber(reader.GetString(4)), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.GetInt32(10))
            : null;
    }

    private static async Task<(HouseState House, string GridCode)?> LockHouseAsync(RegisterTransaction tx, long id, bool inScope, CancellationToken ct)
    {
        await using var command = tx.Command("""
            SELECT h.id, b.code, h.unit_no, h.room, h.vacant, h.row_version, b.grid_code
            FROM house h JOIN building b ON b.id = h.building_id
            WHERE h.id = $1 AND (NOT $3 OR starts_with(b.grid_code, $2)) FOR UPDATE OF h
            """, id, tx.Caller.Scope.Value, inScope);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (new HouseState(reader.GetInt64(0), reader.GetString(1), reader.GetInt16(2), reader.GetString(3), reader.GetBoolean(4), reader.GetInt32(5)),
                reader.GetString(6))
            : null;
    }

    /// <summary>A living person of the caller's area, locked, at the row version the change was based on; else the refusal.</summary>
    private static async Task<Outcome<PersonState>> LockLivingPersonAsync(RegisterTransaction tx, long personId, int? version, CancellationToken ct)
    {
        var person = await LockPersonAsync(tx, ById, personId, inScope: true, ct);
        if (person is null)
            return NoPerson(personId);
        if (person.Status == "deceased")
            return Deceased(person);
        return CheckVersion($"person {personId}", version, person.RowVersion, person) is { } stale ? stale : Outcome.Ok(person);
    }

    private static Problem? CheckVersion(string subject, int? sent, int current, object state) =>
        sent is null
            ? RegisterRules.Field("rowVersion", $"Send the rowVersion of {subject} you read: a change is never applied blind.")
            : sent != current ? RegisterRules.Stale(subject, sent.Value, current, state) : null;

    private static Problem NoHousehold(long id) => Problem.NotFound($"No household {id} in your area.");

    private static Problem NoPerson(long id) => Problem.NotFound($"No person {id} in your area.");

    private static Problem Deceased(PersonState person) =>
        Problem.Conflict($"Person {person.Id} is recorded deceased on {person.DeathDate:yyyy-MM-dd}: no later change applies. " +
            "If the death was recorded by mistake, village or township staff correct it.",
            new Dictionary<string, object?> { ["field"] = "personId", ["current"] = person });

    // ---- people ----

    /// <summary>
    /// Adds a person to an open household. An ID number already in the province is never registered twice: a person
    /// with no open household (moved away) moves in; one living in a household is refused with where they live, unless
    /// <paramref name="moveIfRegistered"/> — then it becomes a move (a claim the holding grid decides when that grid
    /// is outside the caller's area).
    /// </summary>
    public Task<Outcome<RegisterChangeResult>> AddPersonAsync(Caller caller, long householdId, int? householdVersion, PersonFacts facts,
        string relation, bool moveIfRegistered, bool birth, string reason, string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            var household = await LockHouseholdAsync(tx, householdId, inScope: true, ct);
            if (household is null || household.DissolvedOn is not null)
                return NoHousehold(householdId);
            if (CheckVersion($"household {householdId}", householdVersion, household.RowVersion, household) is { } stale)
                return stale;
            if (birth && facts.BirthDate < tx.Today.AddYears(-1))
                return RegisterRules.Field("birthDate", "A birth is recorded within a year; register an older person with add person.");
            var existing = await LockPersonAsync(tx, ByIdNumber, facts.IdNumber, inScope: false, ct);
            if (existing is null)
            {
                var personId = await tx.ScalarAsync<long>("""
                    INSERT INTO person (id_number, name, sex, birth_date, phone, political_status, register_type, grid_code)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                    """, ct, facts.IdNumber, facts.Name, facts.Sex, facts.BirthDate, facts.Phone, facts.PoliticalStatus, facts.RegisterType,
                    household.GridCode);
                await JoinAsync(tx, householdId, [personId], relation, birth ? facts.BirthDate : tx.Today, ct);
                var change = await tx.RecordAsync(birth ? "birth" : "add_person", $"person:{personId}", household.GridCode, reason, null,
                    new { household = householdId, relation, name = Masking.Name(facts.Name), facts.Sex, facts.BirthDate, facts.RegisterType }, null, ct);
                tx.TouchHousehold(householdId, household.GridCode);
                return Outcome.Ok(new RegisterChangeResult([change], birth ? "birth" : "add_person", RegisterChangeResult.Done, personId, householdId,
                    RowVersion: household.RowVersion + 1));
            }
            if (existing.Status == "deceased")
                return Deceased(existing);
            var current = await CurrentHouseholdAsync(tx, existing.Id, ct);
            if (current == householdId)
                return Problem.Conflict($"Person {existing.Id} is already a member of this household.",
                    new Dictionary<string, object?> { ["field"] = "idNumber", ["personId"] = existing.Id });
            var visible = existing.GridCode is not null && caller.Covers(existing.GridCode);
            if (current is not null && !moveIfRegistered)
                return Problem.Conflict(
                    $"This ID number is registered to a person living in another household (grid {existing.GridCode}). " +
                    "Send moveIfRegistered to move them here instead.",
                    new Dictionary<string, object?> { ["field"] = "idNumber", ["personId"] = visible ? existing.Id : null, ["gridCode"] = existing.GridCode });
            if (current is { } from && !visible)
                return await RequestMoveAsync(tx, "claim", from, [existing.Id], whole: false, household.GridCode, household.HouseId,
                    householdId, relation, reason, ct);
            // No open household (moved away earlier), or one in the caller's area: the person moves in now.
            await LeaveAsync(tx, existing.Id, tx.Today, ct);
            await JoinAsync(tx, householdId, [existing.Id], relation, tx.Today, ct);
            await tx.ExecuteAsync("UPDATE person SET status = 'resident', grid_code = $2 WHERE id = $1", ct, existing.Id, household.GridCode);
            var moved = await tx.RecordAsync("move", $"person:{existing.Id}", existing.GridCode ?? household.GridCode, reason,
                new { household = current, grid = existing.GridCode, existing.Status }, new { household = householdId, grid = household.GridCode, relation }, null, ct);
            tx.TouchHousehold(householdId, household.GridCode);
            var items = await ReconcileMoveAsync(tx, moved, [existing.Id], existing.GridCode, household.GridCode, ct);
            return Outcome.Ok(new RegisterChangeResult([moved], "move", RegisterChangeResult.Moved, existing.Id, householdId,
                RowVersion: household.RowVersion + 1, ReconciliationIds: items));
        }, ct);

    /// <summary>Starts a household in a house of the caller's area with a new person as its head.</summary>
    public Task<Outcome<RegisterChangeResult>> StartHouseholdAsync(Caller caller, long houseId, int? houseVersion, string type, PersonFacts head,
        string reason, string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            if (await LockHouseAsync(tx, houseId, inScope: true, ct) is not var (house, grid))
                return Problem.NotFound($"No house {houseId} in your area.");
            if (CheckVersion($"house {houseId}", houseVersion, house.RowVersion, house) is { } stale)
                return stale;
            if (await LockPersonAsync(tx, ByIdNumber, head.IdNumber, inScope: false, ct) is not null)
                return Problem.Conflict("A person with this ID number is already registered; move them into a new household instead.",
                    new Dictionary<string, object?> { ["field"] = "head.idNumber" });
            var householdId = await NewHouseholdAsync(tx, houseId, grid, type, ct);
            var personId = await tx.ScalarAsync<long>("""
                INSERT INTO person (id_number, name, sex, birth_date, phone, political_status, register_type, grid_code)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                """, ct, head.IdNumber, head.Name, head.Sex, head.BirthDate, head.Phone, head.PoliticalStatus, head.RegisterType, grid);
            await JoinAsync(tx, householdId, [personId], "head", tx.Today, ct);
            if (house.Vacant)
                await tx.ExecuteAsync("UPDATE house SET vacant = false WHERE id = $1", ct, houseId);
            var change = await tx.RecordAsync("start_household", $"household:{householdId}", grid, reason, null,
                new { house = houseId, type, head = personId, name = Masking.Name(head.Name) }, null, ct);
            tx.Touch(grid);
            return Outcome.Ok(new RegisterChangeResult([change], "start_household", RegisterChangeResult.Done, personId, householdId, houseId, RowVersion: 1));
        }, ct);

    /// <summary>Records a death: the membership closes on that day, the household dissolves if nobody is left, departments holding the person hear of it.</summary>
    public Task<Outcome<RegisterChangeResult>> RecordDeathAsync(Caller caller, long personId, int? personVersion, DateOnly deathDate, string reason,
        string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            var locked = await LockLivingPersonAsync(tx, personId, personVersion, ct);
            if (!locked.Succeeded)
                return locked.Problem;
            var person = locked.Value;
            if (deathDate > tx.Today)
                return RegisterRules.Field("deathDate", "The date of death is in the future.");
            if (deathDate < person.BirthDate)
                return RegisterRules.Field("deathDate", "The date of death is before the birth date.");
            var household = await CurrentHouseholdAsync(tx, personId, ct);
            if (household is not null)
            {
                var movedIn = await tx.ScalarAsync<DateOnly>(
                    "SELECT moved_in FROM household_member WHERE person_id = $1 AND moved_out IS NULL", ct, personId);
                if (deathDate < movedIn)
                    return RegisterRules.Field("deathDate", $"The date of death is before the person joined the household ({movedIn:yyyy-MM-dd}).");
                await LeaveAsync(tx, personId, deathDate, ct);
                tx.TouchHousehold(household.Value, person.GridCode!);
            }
            await tx.ExecuteAsync("UPDATE person SET status = 'deceased', death_date = $2 WHERE id = $1", ct, personId, deathDate);
            var change = await tx.RecordAsync("death", $"person:{personId}", person.GridCode!, reason,
                new { person.Status, household }, new { status = "deceased", deathDate }, null, ct);
            var items = await ReconcileAsync(tx, change, personId, person.GridCode!, "member_deceased",
                $"死亡登记 {deathDate:yyyy-MM-dd}：请核销本部门名单中的记录", ct);
            return Outcome.Ok(new RegisterChangeResult([change], "death", RegisterChangeResult.Done, personId, household,
                RowVersion: person.RowVersion + 1, ReconciliationIds: items));
        }, ct);

    /// <summary>Updates what a grid manager learns in the field: phone, political status, register type.</summary>
    public Task<Outcome<RegisterChangeResult>> UpdatePersonAsync(Caller caller, long personId, int? personVersion, string? phone, string? politicalStatus,
        string? registerType, string reason, string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            var locked = await LockLivingPersonAsync(tx, personId, personVersion, ct);
            if (!locked.Succeeded)
                return locked.Problem;
            var person = locked.Value;
            await tx.ExecuteAsync("""
                UPDATE person SET phone = coalesce($2, phone), political_status = coalesce($3, political_status),
                                  register_type = coalesce($4, register_type)
                WHERE id = $1
                """, ct, personId, phone, politicalStatus, registerType);
            var change = await tx.RecordAsync("update_person", $"person:{personId}", person.GridCode!, reason,
                new { person.PoliticalStatus, person.RegisterType, phone = phone is null ? null : "changed" },
                new { politicalStatus, registerType, phone = phone is null ? null : Masking.Phone(phone) }, null, ct);
            if (await CurrentHouseholdAsync(tx, personId, ct) is { } household)
                tx.TouchHousehold(household, person.GridCode!);
            return Outcome.Ok(new RegisterChangeResult([change], "update_person", RegisterChangeResult.Done, personId, RowVersion: person.RowVersion + 1));
        }, ct);

    /// <summary>
    /// Corrects identity facts someone else recorded (village and township staff, with a reason). The change names the
    /// change it corrects when there is one; history keeps both. A correction may also revoke a death recorded by mistake.
    /// </summary>
    public async Task<Outcome<RegisterChangeResult>> CorrectPersonAsync(Caller caller, long personId, int? personVersion, string? name, string? sex,
        DateOnly? birthDate, string? idNumber, bool revokeDeath, long? corrects, string reason, string? idempotencyKey, CancellationToken ct = default)
    {
        if (!caller.MayCorrectRegister())
            return Problem.Forbidden("Corrections are made by village or township staff.");
        return await WriteAsync(caller, idempotencyKey, async tx =>
        {
            var person = await LockPersonAsync(tx, ById, personId, inScope: true, ct);
            if (person is null)
                return NoPerson(personId);
            if (CheckVersion($"person {personId}", personVersion, person.RowVersion, person) is { } stale)
                return stale;
            if (corrects is not null && await tx.ScalarAsync<bool>(
                    "SELECT EXISTS (SELECT 1 FROM register_change WHERE id = $1 AND subject = $2)", ct, corrects, $"person:{personId}") is false)
                return RegisterRules.Field("corrects", $"Change {corrects} is not a change of person {personId}.");
            var fullId = await tx.ScalarAsync<string>("SELECT id_number FROM person WHERE id = $1", ct, personId);
            var checkedFacts = RegisterRules.Person(idNumber ?? fullId, name ?? person.Name, sex, birthDate, null, person.PoliticalStatus,
                person.RegisterType, tx.Today);
            if (!checkedFacts.Succeeded)
                return checkedFacts.Problem;
            var facts = checkedFacts.Value;
            if (revokeDeath && person.Status != "deceased")
                return RegisterRules.Field("revokeDeath", "The person is not recorded deceased.");
            await tx.ExecuteAsync("""
                UPDATE person SET name = $2, sex = $3, birth_date = $4, id_number = $5,
                                  status = CASE WHEN $6 THEN 'moved_away' ELSE status END,
                                  death_date = CASE WHEN $6 THEN NULL ELSE death_date END
                WHERE id = $1
                """, ct, personId, facts.Name, facts.Sex, facts.BirthDate, facts.IdNumber, revokeDeath);
            var change = await tx.RecordAsync("correct_person", $"person:{personId}", person.GridCode!, reason,
                new { name = Masking.Name(person.Name), person.Sex, person.BirthDate, idNumber = person.IdNumber, person.Status },
                new { name = Masking.Name(facts.Name), facts.Sex, facts.BirthDate, idNumber = Masking.IdNumber(facts.IdNumber),
                      status = revokeDeath ? "moved_away" : person.Status }, corrects, ct);
            return Outcome.Ok(new RegisterChangeResult([change], "correct_person", RegisterChangeResult.Done, personId, RowVersion: person.RowVersion + 1));
        }, ct);
    }

    // ---- helpers shared by the changes ----

    private static Task<long?> CurrentHouseholdAsync(RegisterTransaction tx, long personId, CancellationToken ct) =>
        tx.ScalarAsync<long?>("SELECT household_id FROM household_member WHERE person_id = $1 AND moved_out IS NULL", ct, personId);

    private static async Task JoinAsync(RegisterTransaction tx, long householdId, long[] personIds, string relation, DateOnly on, CancellationToken ct) =>
        await tx.ExecuteAsync("""
            INSERT INTO household_member (household_id, person_id, relation, moved_in)
            SELECT $1, p, $3, $4 FROM unnest($2::bigint[]) AS p
            ON CONFLICT (household_id, person_id, moved_in) DO UPDATE SET moved_out = NULL, relation = EXCLUDED.relation
            """, ct, householdId, personIds, relation, on);

    /// <summary>Closes the person's open membership (if any) on <paramref name="on"/>; a household left empty dissolves.</summary>
    private static async Task LeaveAsync(RegisterTransaction tx, long personId, DateOnly on, CancellationToken ct)
    {
        var left = await tx.ScalarAsync<long?>("""
            UPDATE household_member SET moved_out = greatest($2, moved_in) WHERE person_id = $1 AND moved_out IS NULL RETURNING household_id
            """, ct, personId, on);
        if (left is not { } household)
            return;
        var grid = await tx.ScalarAsync<string>("""
            UPDATE household SET dissolved_on = CASE WHEN EXISTS (
                    SELECT 1 FROM household_member WHERE household_id = $1 AND moved_out IS NULL) THEN NULL ELSE $2 END,
                confirmed_at = $3
            WHERE id = $1 RETURNING grid_code
            """, ct, household, on, tx.Now);
        tx.Touch(grid);
    }

    private static async Task<long> NewHouseholdAsync(RegisterTransaction tx, long houseId, string grid, string type, CancellationToken ct)
    {
        tx.Touch(grid);
        return await tx.ScalarAsync<long>("""
            INSERT INTO household (register_number, household_type, house_id, grid_code, confirmed_at)
            VALUES ('GM' || to_char(nextval('household_number_seq'), 'FM0000000000'), $1, $2, $3, $4) RETURNING id
            """, ct, type, houseId, grid, tx.Now);
    }
}
