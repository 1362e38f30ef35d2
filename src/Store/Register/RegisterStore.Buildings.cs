using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.People;
using GridMap.Store.Database;
using NetTopologySuite.Geometries;

namespace GridMap.Store.Register;

/// <summary>A house to add: unit (单元) and room, with its floor area when known.</summary>
public sealed record NewHouse(int Unit, string Room, float? AreaM2);

public sealed partial class RegisterStore
{
    /// <summary>Side of the square footprint drawn around a building given as a point, in metres.</summary>
    public const double PointFootprintMetres = 10;

    /// <summary>The footprint SQL for parameter $2 (a point or polygon in 4490) with $3 the half side for a point.</summary>
    private const string Footprint =
        "CASE WHEN GeometryType($2) = 'POINT' THEN ST_SetSRID(ST_Envelope(ST_Buffer($2::geography, $3, 'quad_segs=2')::geometry), 4490) ELSE $2 END";

    /// <summary>
    /// Adds a building inside a grid of the caller's area — a point (drawn as a 10 m square) or a footprint — with the
    /// grid's next sequence number as its 20-digit code, and its houses.
    /// </summary>
    public Task<Outcome<RegisterChangeResult>> AddBuildingAsync(Caller caller, string gridCode, Geometry shape, string road, string houseNumber,
        string use, int floors, IReadOnlyList<NewHouse> houses, string reason, string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            if (!caller.Covers(gridCode) || !await tx.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM grid WHERE code = $1)", ct, gridCode))
                return Problem.NotFound($"No grid {gridCode} in your area.");
            // One numbering at a time per grid: the next sequence number is read and used under this lock.
            await tx.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('building-seq:' || $1, 0))", ct, gridCode);
            var footprint = await tx.ScalarAsync<string>($"""
                SELECT CASE
                    WHEN NOT ST_IsValid(s) THEN 'invalid: ' || ST_IsValidReason(s)
                    WHEN NOT ST_CoveredBy(s, g.geom) THEN 'outside'
                    ELSE 'ok' END
                FROM (SELECT {Footprint} AS s) f, grid g WHERE g.code = $1
                """, ct, gridCode, shape, PointFootprintMetres / 2);
            if (footprint!.StartsWith("invalid", StringComparison.Ordinal))
                return RegisterRules.Field("footprint", $"The footprint is not a valid polygon ({footprint[9..]}).");
            if (footprint == "outside")
                return RegisterRules.Field("footprint", $"The building lies outside grid {gridCode}; it is added in the grid it stands in.");
            var (code, id) = await InsertBuildingAsync(tx, gridCode, shape, road, houseNumber, use, floors, ct);
            var houseIds = await InsertHousesAsync(tx, id, houses, ct);
            var change = await tx.RecordAsync("add_building", $"building:{id}", gridCode, reason, null,
                new { code, road, houseNumber, use, floors, houses = houses.Count }, null, ct);
            return Outcome.Ok(new RegisterChangeResult([change], "add_building", RegisterChangeResult.Done, HouseId: houseIds.FirstOrDefault(),
                BuildingCode: code, RowVersion: 1));
        }, ct);

    public Task<Outcome<RegisterChangeResult>> AddHousesAsync(Caller caller, string buildingCode, IReadOnlyList<NewHouse> houses, string reason,
        string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            if (await LockBuildingAsync(tx, buildingCode, ct) is not var (id, grid, _))
                return Problem.NotFound($"No building {buildingCode} in your area.");
            var houseIds = await InsertHousesAsync(tx, id, houses, ct);
            var change = await tx.RecordAsync("add_houses", $"building:{id}", grid, reason, null,
                new { houses = houses.Select(h => $"{h.Unit}-{h.Room}").ToArray() }, null, ct);
            return Outcome.Ok(new RegisterChangeResult([change], "add_houses", RegisterChangeResult.Done, HouseId: houseIds.FirstOrDefault(),
                BuildingCode: buildingCode));
        }, ct);

    public Task<Outcome<RegisterChangeResult>> ChangeBuildingAsync(Caller caller, string buildingCode, int? rowVersion, string? use, int? floors,
        string reason, string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            if (await LockBuildingAsync(tx, buildingCode, ct) is not var (id, grid, state))
                return Problem.NotFound($"No building {buildingCode} in your area.");
            if (CheckVersion($"building {buildingCode}", rowVersion, state.RowVersion, state) is { } stale)
                return stale;
            await tx.ExecuteAsync("UPDATE building SET building_use = coalesce($2, building_use), floors = coalesce($3::smallint, floors) WHERE id = $1",
                ct, id, use, floors is null ? null : (short)floors.Value);
            var change = await tx.RecordAsync("change_building", $"building:{id}", grid, reason, new { state.Use, state.Floors },
                new { use = use ?? state.Use, floors = floors ?? state.Floors }, null, ct);
            return Outcome.Ok(new RegisterChangeResult([change], "change_building", RegisterChangeResult.Done, BuildingCode: buildingCode,
                RowVersion: state.RowVersion + 1));
        }, ct);

    /// <summary>Marks a house empty (nobody lives there) or lived in again; an empty house has no open household.</summary>
    public Task<Outcome<RegisterChangeResult>> MarkHouseAsync(Caller caller, long houseId, int? rowVersion, bool vacant, string reason,
        string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            if (await LockHouseAsync(tx, houseId, inScope: true, ct) is not var (house, grid))
                return Problem.NotFound($"No house {houseId} in your area.");
            if (CheckVersion($"house {houseId}", rowVersion, house.RowVersion, house) is { } stale)
                return stale;
            if (vacant && await tx.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM household WHERE house_id = $1 AND dissolved_on IS NULL)", ct, houseId))
                return Problem.Conflict($"House {houseId} has a household living in it: move or dissolve it first.",
                    new Dictionary<string, object?> { ["field"] = "vacant", ["current"] = house });
            await tx.ExecuteAsync("UPDATE house SET vacant = $2 WHERE id = $1", ct, houseId, vacant);
            var change = await tx.RecordAsync("mark_house", $"house:{houseId}", grid, reason, new { house.Vacant }, new { vacant }, null, ct);
            return Outcome.Ok(new RegisterChangeResult([change], "mark_house", RegisterChangeResult.Done, HouseId: houseId, RowVersion: house.RowVersion + 1));
        }, ct);

    /// <summary>
    /// Verifies a household on the spot: nothing changed, the time, the account and the device position (within 100 m of
    /// the building unless a reason says why not). The household becomes fresh.
    /// </summary>
    public Task<Outcome<RegisterChangeResult>> VerifyHouseholdAsync(Caller caller, long householdId, int? rowVersion, double? lon, double? lat,
        string? reason, string? idempotencyKey, CancellationToken ct = default) =>
        WriteAsync(caller, idempotencyKey, async tx =>
        {
            var (household, distance) = await LockHouseholdAsync(tx, householdId, inScope: true,
                lon is not null && lat is not null ? (lon.Value, lat.Value) : null, ct);
            if (household is null || household.DissolvedOn is not null)
                return NoHousehold(householdId);
            if (CheckVersion($"household {householdId}", rowVersion, household.RowVersion, household) is { } stale)
                return stale;
            if (reason is null && (distance is null || distance > RegisterRules.VerifyRadiusMetres))
                return RegisterRules.Field(distance is null ? "position" : "reason", distance is null
                    ? "A verification on the spot sends the device position (lon, lat), or a reason why there is none."
                    : $"The device is {distance:F0} m from the building (more than {RegisterRules.VerifyRadiusMetres:F0} m): state a reason.");
            tx.TouchHousehold(householdId, household.GridCode);
            var change = await tx.RecordAsync("verify", $"household:{householdId}", household.GridCode, reason ?? "现场核实，无变化",
                new { household.ConfirmedAt }, new { lon, lat, distanceM = distance is null ? (double?)null : Math.Round(distance.Value, 1) }, null, ct);
            return Outcome.Ok(new RegisterChangeResult([change], "verify", RegisterChangeResult.Done, HouseholdId: householdId,
                RowVersion: household.RowVersion + 1));
        }, ct);

    private static async Task<(long Id, string Grid, BuildingState State)?> LockBuildingAsync(RegisterTransaction tx, string code, CancellationToken ct)
    {
        await using var command = tx.Command("""
            SELECT id, grid_code, building_use, floors, row_version FROM building WHERE code = $1 AND starts_with(grid_code, $2) FOR UPDATE
            """, code, tx.Caller.Scope.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (reader.GetInt64(0), reader.GetString(1), new BuildingState(code, reader.GetString(2), reader.GetInt16(3), reader.GetInt32(4)))
            : null;
    }

    private static async Task<(string Code, long Id)> InsertBuildingAsync(RegisterTransaction tx, string grid, Geometry shape, string road,
        string houseNumber, string use, int floors, CancellationToken ct)
    {
        await using var command = tx.Command($"""
            WITH next AS (SELECT coalesce(max(seq), 0) + 1 AS seq FROM building WHERE grid_code = $1),
            place AS (
                SELECT string_agg(u.name, '' ORDER BY u.level) AS names
                FROM admin_unit u WHERE u.code IN (left($1, 6), left($1, 9), left($1, 12)))
            INSERT INTO building (code, grid_code, seq, geom, road, house_number, address, building_use, floors)
            SELECT $1 || lpad(n.seq::text, 5, '0'), $1, n.seq,
                   {Footprint.Replace("$3", "$7", StringComparison.Ordinal)},
                   $3, $4, left(p.names || $3 || $4 || '号', 200), $5, $6
            FROM next n, place p
            RETURNING code, id
            """, grid, shape, road, houseNumber, use, (short)floors, PointFootprintMetres / 2);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private static async Task<IReadOnlyList<long>> InsertHousesAsync(RegisterTransaction tx, long buildingId, IReadOnlyList<NewHouse> houses,
        CancellationToken ct)
    {
        if (houses.Count == 0)
            return [];
        await using var command = tx.Command("""
            INSERT INTO house (building_id, unit_no, room, area_m2)
            SELECT $1, u, r, a FROM unnest($2::smallint[], $3::text[], $4::real[]) AS t(u, r, a)
            RETURNING id
            """, buildingId, houses.Select(h => (short)h.Unit).ToArray(), houses.Select(h => h.Room).ToArray(),
            houses.Select(h => h.AreaM2).ToArray());
        return await command.ListAsync(r => r.GetInt64(0), ct);
    }
}
