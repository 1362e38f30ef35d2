using System.Text.Json;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.People;
using GridMap.Domain.Privacy;
using GridMap.Store.Access;
using GridMap.Store.Audit;
using GridMap.Store.Database;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridMap.Store.Residents;

/// <summary>
/// Reads buildings, households and people for one caller. Every query carries the caller's area as a filter and
/// runs behind row-level security for the same area; callers outside the area get nothing (the API answers 404).
/// Special-group data appear only for the categories the caller holds, and each read of them is audited before it
/// is returned.
/// </summary>
public sealed class ResidentStore(NpgsqlDataSource dataSource, AuditLog audit, TimeProvider clock)
{
    public const int MaxSearchResults = 50;

    public async Task<IReadOnlyList<BuildingHit>> SearchAsync(Caller caller, string query, int limit, CancellationToken ct = default)
    {
        if (!caller.Holds(DataCategory.Buildings))
            return [];
        var q = query.Trim();
        var limited = Math.Clamp(limit, 1, MaxSearchResults);
        var residentPeople = new List<long>();
        var residentMatches = new List<string>();
        if (caller.Holds(DataCategory.Residents))
        {
            await using var scoped = await ScopedConnection.OpenAsync(dataSource, caller, ct);
            await using var residents = scoped.CreateCommand(SqlResource.Get("Residents/SearchResidents.sql"));
            var id = IdNumber.TryParse(q, DateOnly.MaxValue, out var parsed, out _) ? parsed.Value : null;
            residents.Parameters.Add(new NpgsqlParameter<string?>("id", id) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            residents.Parameters.AddWithValue("name", q);
            residents.Parameters.AddWithValue("scope", caller.Scope.Value);
            await using var found = await residents.ExecuteReaderAsync(ct);
            while (await found.ReadAsync(ct))
            {
                residentPeople.Add(found.GetInt64(0));
                residentMatches.Add(found.GetString(1));
            }
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The LIKE pattern differs every time: plan each search with its value so the trigram index is used.
        await using (var custom = new NpgsqlCommand("SET LOCAL plan_cache_mode = force_custom_plan", connection, transaction))
            await custom.ExecuteNonQueryAsync(ct);
        await using var command = new NpgsqlCommand(SqlResource.Get("Residents/SearchBuildings.sql"), connection, transaction);
        command.Parameters.AddWithValue("q", q);
        command.Parameters.AddWithValue("pattern", EscapeLike(q));
        command.Parameters.AddWithValue("short", q.Length < 3);
        command.Parameters.AddWithValue("scope", caller.Scope.Value);
        command.Parameters.AddWithValue("residents", residentPeople.ToArray());
        command.Parameters.AddWithValue("resident_matches", residentMatches.ToArray());
        command.Parameters.AddWithValue("limit", limited);
        var hits = new List<BuildingHit>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            hits.Add(new BuildingHit(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt16(4),
                reader.GetString(5), [Math.Round(reader.GetDouble(6), 7), Math.Round(reader.GetDouble(7), 7)]));
        return hits;
    }

    /// <summary>The building card, or null when there is no such building in the caller's area.</summary>
    public async Task<BuildingCard?> GetBuildingAsync(Caller caller, string code, string purpose, CancellationToken ct = default)
    {
        if (!caller.Holds(DataCategory.Buildings))
            return null;
        await using var scoped = await ScopedConnection.OpenAsync(dataSource, caller, ct);
        long buildingId;
        BuildingCard card;
        await using (var command = scoped.CreateCommand(SqlResource.Get("Residents/GetBuilding.sql")))
        {
            command.Parameters.AddWithValue("code", code);
            command.Parameters.AddWithValue("scope", caller.Scope.Value);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                return null;
            buildingId = reader.GetInt64(0);
            card = new BuildingCard(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), reader.GetInt16(7), reader.GetBoolean(9), reader.GetFieldValue<Geometry>(8), 0, 0,
                caller.Holds(DataCategory.Residents), []) { RowVersion = reader.GetInt32(10) };
        }

        var today = Today;
        var houses = new List<(int Unit, string Room, float? Area, long Id, bool Vacant, int Version,
            List<(string Number, string Type, List<ResidentView> Members, int Count, long Id, int Version, DateTimeOffset? ConfirmedAt, bool Fresh)> Households)>();
        var groupIds = new List<long>();
        await using (var command = scoped.CreateCommand(SqlResource.Get("Residents/GetBuildingResidents.sql")))
        {
            command.Parameters.AddWithValue("building_id", buildingId);
            command.Parameters.AddWithValue("scope", caller.Scope.Value);
            command.Parameters.AddWithValue("groups", caller.ReadableGroups.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var unit = reader.GetInt16(1);
                var room = reader.GetString(2);
                if (houses.Count == 0 || houses[^1].Unit != unit || houses[^1].Room != room)
                    houses.Add((unit, room, reader.IsDBNull(3) ? null : reader.GetFloat(3), reader.GetInt64(0), reader.GetBoolean(19), reader.GetInt32(20), []));
                if (reader.IsDBNull(4))
                    continue;
                var households = houses[^1].Households;
                var number = reader.GetString(5);
                if (households.Count == 0 || households[^1].Number != number)
                    households.Add((number, reader.GetString(6), [], 0, reader.GetInt64(4), reader.GetInt32(21),
                        reader.IsDBNull(22) ? null : reader.GetFieldValue<DateTimeOffset>(22), reader.GetBoolean(24)));
                if (reader.IsDBNull(7))
                    continue;
                var entry = households[^1];
                entry.Count++;
                households[^1] = entry;
                var groups = reader.GetFieldValue<string[]>(17);
                // Without the residents category (a department officer) only the people in the caller's own groups show.
                if (!caller.Holds(DataCategory.Residents) && groups.Length == 0)
                    continue;
                groupIds.AddRange(reader.GetFieldValue<long[]>(18));
                entry.Members.Add(ReadResident(reader, 7, groups, today) with { RowVersion = reader.GetInt32(23) });
            }
        }
        await AuditGroupReadsAsync(caller, $"building:{card.Code}", purpose, groupIds, ct);
        var houseViews = houses.Select(h => new HouseView(h.Unit, h.Room, h.Area,
            h.Households.Select(hh => new HouseholdView(hh.Number, hh.Type, hh.Count, hh.Members, hh.Id, hh.Version, hh.ConfirmedAt, hh.Fresh)).ToArray(),
            h.Id, h.Vacant, h.Version)).ToArray();
        return card with
        {
            Houses = houseViews,
            Households = houseViews.Sum(h => h.Households.Count),
            Residents = houseViews.Sum(h => h.Households.Sum(hh => hh.Members)),
            SpecialGroupRecordIds = groupIds,
        };
    }

    /// <summary>The person card, or null when the person is outside the caller's area or categories.</summary>
    public async Task<PersonCard?> GetPersonAsync(Caller caller, long id, string purpose, CancellationToken ct = default)
    {
        await using var scoped = await ScopedConnection.OpenAsync(dataSource, caller, ct);
        var groups = await ReadGroupsAsync(scoped, caller, id, ct);
        if (!caller.Holds(DataCategory.Residents) && groups.Count == 0)
            return null;
        PersonCard? card = null;
        var memberships = new List<MembershipView>();
        await using (var command = scoped.CreateCommand(SqlResource.Get("Residents/GetPerson.sql")))
        {
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("scope", caller.Scope.Value);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                card ??= new PersonCard(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateOnly>(3),
                    Age(reader.GetFieldValue<DateOnly>(3), Today), Masking.IdNumber(reader.GetString(4)),
                    reader.IsDBNull(5) ? null : Masking.Phone(reader.GetString(5)), reader.GetString(6), reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8), [], []);
                if (!reader.IsDBNull(9))
                    memberships.Add(new MembershipView(reader.GetString(12), reader.GetString(13), reader.GetString(9),
                        reader.GetFieldValue<DateOnly>(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<DateOnly>(11),
                        reader.IsDBNull(14) ? null : reader.GetString(14), reader.IsDBNull(15) ? null : reader.GetString(15),
                        reader.IsDBNull(16) ? null : reader.GetInt16(16), reader.IsDBNull(17) ? null : reader.GetString(17)));
            }
        }
        if (card is null)
            return null;
        await AuditGroupReadsAsync(caller, $"person:{id}", purpose, groups.Select(g => g.Id).ToList(), ct);
        return card with { Households = memberships, Groups = groups };
    }

    /// <summary>
    /// The full ID number and phone of a person the caller may read, when the caller may unmask; the unmask is
    /// audited (who, when, whom, why) before the numbers are returned. Null when the person is not readable.
    /// </summary>
    public async Task<Unmasked?> UnmaskAsync(Caller caller, long id, string purpose, CancellationToken ct = default)
    {
        if (!caller.CanUnmask)
            throw new UnauthorizedAccessException("This account may not unmask personal data.");
        Unmasked? unmasked = null;
        await using (var scoped = await ScopedConnection.OpenAsync(dataSource, caller, ct))
        {
            var groups = await ReadGroupsAsync(scoped, caller, id, ct);
            if (!caller.Holds(DataCategory.Residents) && groups.Count == 0)
                return null;
            await using var command = scoped.CreateCommand(
                "SELECT id_number, phone FROM person WHERE id = @id AND starts_with(grid_code, @scope)");
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("scope", caller.Scope.Value);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
                unmasked = new Unmasked(id, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        }
        if (unmasked is null)
            return null;
        await audit.AppendAsync(caller.Username, "unmask", $"person:{id}", purpose,
            JsonSerializer.Serialize(new { fields = new[] { "id_number", "phone" }, role = caller.Role.Slug(), scope = caller.Scope.Value }), ct);
        return unmasked;
    }

    /// <summary>The special-group records in an area the caller may read (a visit list); the read is audited.</summary>
    public async Task<IReadOnlyList<VisitDue>?> ListSpecialGroupsAsync(Caller caller, AdminCode area, string? group, DateOnly? dueBefore,
        int limit, string purpose, CancellationToken ct = default)
    {
        if (!caller.Covers(area.Value))
            return null;
        var groups = caller.ReadableGroups.Where(g => group is null || g == group).ToArray();
        var rows = new List<VisitDue>();
        if (groups.Length > 0)
        {
            await using var scoped = await ScopedConnection.OpenAsync(dataSource, caller, ct);
            await using var command = scoped.CreateCommand(SqlResource.Get("Residents/ListSpecialGroups.sql"));
            command.Parameters.AddWithValue("scope", caller.Scope.Value);
            command.Parameters.AddWithValue("area", area.Value);
            command.Parameters.AddWithValue("groups", groups);
            command.Parameters.Add(new NpgsqlParameter<DateOnly?>("due_before", dueBefore) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
            command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 1000));
            var today = Today;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add(new VisitDue(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt16(3),
                    reader.GetFieldValue<DateOnly>(4), reader.GetInt16(5), reader.GetInt64(6), reader.GetString(7), reader.GetString(8),
                    Age(reader.GetFieldValue<DateOnly>(9), today), Masking.IdNumber(reader.GetString(10)), reader.GetString(11),
                    reader.IsDBNull(12) ? null : reader.GetString(12)));
        }
        await AuditGroupReadsAsync(caller, $"special_groups:{area}", purpose, rows.Select(r => r.RecordId).ToList(), ct);
        return rows;
    }

    /// <summary>
    /// Records a visit to a special-group record in the caller's area and moves its next due date; the change and its
    /// audit entry commit together. Null when the record is not the caller's to see.
    /// </summary>
    public async Task<SpecialGroupRecord?> RecordVisitAsync(Caller caller, long recordId, DateOnly visitedOn, string note, string? idempotencyKey = null,
        CancellationToken ct = default)
    {
        if (!caller.MayRecordVisits)
            throw new UnauthorizedAccessException("This role does not record visits.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        string group;
        int cadence;
        await using (var find = new NpgsqlCommand(SqlResource.Get("Residents/FindSpecialGroup.sql"), connection, transaction))
        {
            find.Parameters.AddWithValue("id", recordId);
            find.Parameters.AddWithValue("scope", caller.Scope.Value);
            await using var reader = await find.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                return null;
            group = reader.GetString(1);
            cadence = reader.GetInt16(2);
        }
        if (SpecialGroup.Find(group) is not { } kind || !caller.MayRead(kind))
            return null;
        // The record is locked above, so a second sending of the same key waits for the first and finds its visit here.
        var replayed = idempotencyKey is not null && await ExistsAsync(connection, transaction,
            "SELECT EXISTS (SELECT 1 FROM visit WHERE visitor = @visitor AND idempotency_key = @key)", caller.Username, idempotencyKey, ct);
        if (!replayed)
        {
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO visit (special_group_id, visited_on, visitor, note, idempotency_key) VALUES (@id, @on, @visitor, @note, @key);
                UPDATE special_group SET next_visit_due = @on + visit_cadence_days WHERE id = @id;
                """, connection, transaction))
            {
                insert.Parameters.AddWithValue("id", recordId);
                insert.Parameters.AddWithValue("on", visitedOn);
                insert.Parameters.AddWithValue("visitor", caller.Username);
                insert.Parameters.AddWithValue("note", note);
                insert.Parameters.Add(new NpgsqlParameter<string?>("key", idempotencyKey) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                await insert.ExecuteNonQueryAsync(ct);
            }
            await AuditLog.AppendAsync(connection, transaction, caller.Username, "record_visit", $"special_group:{recordId}", "visit",
                JsonSerializer.Serialize(new { visited_on = visitedOn, next_visit_due = visitedOn.AddDays(cadence) }), ct);
        }
        // The record was found in the caller's area and category above; read it back as committed, in the same transaction.
        SpecialGroupRecord? updated;
        await using (var command = new NpgsqlCommand(SqlResource.Get("Residents/GetSpecialGroup.sql"), connection, transaction))
        {
            command.Parameters.AddWithValue("id", recordId);
            command.Parameters.AddWithValue("groups", new[] { group });
            await using var read = await command.ExecuteReaderAsync(ct);
            updated = await read.ReadAsync(ct) ? ReadGroup(read) : null;
        }
        await transaction.CommitAsync(ct);
        return updated;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string visitor, string key,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("visitor", visitor);
        command.Parameters.AddWithValue("key", key);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Register counts of a grid; aggregate, so not scoped.</summary>
    public async Task<GridPopulation> GetGridPopulationAsync(AdminCode grid, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Residents/GridPopulation.sql"));
        command.Parameters.AddWithValue("code", grid.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new GridPopulation(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
    }

    private async Task<IReadOnlyList<SpecialGroupRecord>> ReadGroupsAsync(ScopedConnection scoped, Caller caller, long personId, CancellationToken ct)
    {
        await using var command = scoped.CreateCommand(SqlResource.Get("Residents/GetPersonGroups.sql"));
        command.Parameters.AddWithValue("id", personId);
        command.Parameters.AddWithValue("groups", caller.ReadableGroups.ToArray());
        var groups = new List<SpecialGroupRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            groups.Add(ReadGroup(reader));
        return groups;
    }

    private static SpecialGroupRecord ReadGroup(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt16(3), r.GetFieldValue<DateOnly>(4), r.GetInt16(5),
        r.GetFieldValue<DateOnly>(6), r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateOnly>(9));

    private async Task AuditGroupReadsAsync(Caller caller, string subject, string purpose, IReadOnlyList<long> recordIds, CancellationToken ct)
    {
        if (recordIds.Count == 0)
            return;
        await audit.AppendAsync(caller.Username, "read_special_group", subject, purpose,
            JsonSerializer.Serialize(new { records = recordIds, role = caller.Role.Slug(), scope = caller.Scope.Value }), ct);
    }

    private static ResidentView ReadResident(NpgsqlDataReader r, int o, string[] groups, DateOnly today) => new(
        r.GetInt64(o), r.GetString(o + 1), r.GetString(o + 2), Age(r.GetFieldValue<DateOnly>(o + 3), today), r.GetString(o + 8),
        Masking.IdNumber(r.GetString(o + 4)), r.IsDBNull(o + 5) ? null : Masking.Phone(r.GetString(o + 5)),
        r.GetString(o + 6), r.GetString(o + 7), groups);

    private DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    public static int Age(DateOnly birth, DateOnly today)
    {
        var age = today.Year - birth.Year;
        return birth > today.AddYears(-age) ? age - 1 : age;
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
