using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.People;
using GridMap.Store.Audit;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridMap.Store.Field;

/// <summary>A visit (走访) as the field app recorded it.</summary>
public sealed record NewVisit(long HouseholdId, DateTimeOffset VisitedAt, string Note, Point? Position, byte[]? Photo, string? PhotoType);

/// <summary>A patrol as the field app recorded it: the track's points in order and the check-ins on the way.</summary>
public sealed record NewPatrol(string? GridCode, DateTimeOffset StartedAt, DateTimeOffset EndedAt, IReadOnlyList<Coordinate> Points,
    IReadOnlyList<NewCheckIn> CheckIns);

public sealed record NewCheckIn(DateTimeOffset At, string Label, string? BuildingCode, Point Position);

/// <summary>A unit's patrol figures for one day (the first row of an answer is the unit itself, then its children).</summary>
public sealed record CoverageRow(string Code, int Patrols, double LengthM, double Minutes, int Buildings, int BuildingsPassed, int GridsPatrolled, int Grids)
{
    /// <summary>巡查覆盖率 per mille: buildings passed within 50 m / buildings.</summary>
    public int CoveragePermille => Buildings == 0 ? 0 : (int)Math.Round(1000.0 * BuildingsPassed / Buildings);
}

/// <summary>The answer to a field upload; <c>Replayed</c> when the idempotency key had been used before.</summary>
public sealed record FieldWriteResult(long Id, bool Replayed);

/// <summary>A stored patrol with its figures.</summary>
public sealed record PatrolView(long Id, string Actor, string GridCode, DateTimeOffset StartedAt, DateTimeOffset EndedAt, DateOnly Day, int Points,
    double LengthM, int Buildings, int BuildingsPassed, Geometry Track)
{
    public double Minutes => Math.Round((EndedAt - StartedAt).TotalMinutes, 1);

    /// <summary>巡查覆盖率: the share of the grid's buildings this patrol passed within 50 m, per mille.</summary>
    public int CoveragePermille => Buildings == 0 ? 0 : (int)Math.Round(1000.0 * BuildingsPassed / Buildings);
}

/// <summary>
/// The grid manager's field work written from the field app: visits to households and patrols with their tracks.
/// Each upload carries the idempotency key the phone gave it when it was recorded, so a sync cut off after the commit
/// and sent again answers the first result and writes nothing twice.
/// </summary>
public sealed class FieldStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Buildings within this distance of a patrol's track count as passed.</summary>
    public const double PassedWithinMetres = 50;

    public const int MaxTrackPoints = 20_000;

    /// <summary>The codes of the buildings of one grid the caller covers, or null when the grid is not theirs.</summary>
    public async Task<IReadOnlyList<string>?> BuildingCodesAsync(Caller caller, string gridCode, CancellationToken ct = default)
    {
        if (!caller.Covers(gridCode) || !caller.Holds(DataCategory.Buildings))
            return null;
        await using var command = dataSource.CreateCommand("SELECT code FROM building WHERE grid_code = $1 ORDER BY code");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = gridCode });
        var codes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            codes.Add(reader.GetString(0));
        return codes;
    }

    /// <summary>The grid's outline and name (village and number, e.g. 丹康社区006号网格), or null when it is not the caller's.</summary>
    public async Task<(string Name, Geometry Outline)?> GridAsync(Caller caller, string gridCode, CancellationToken ct = default)
    {
        if (!caller.Covers(gridCode))
            return null;
        await using var command = dataSource.CreateCommand("""
            SELECT v.name || right(g.code, 3) || '号网格', g.geom FROM grid g JOIN admin_unit v ON v.code = g.village_code WHERE g.code = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = gridCode });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetFieldValue<Geometry>(1)) : null;
    }

    public async Task<Outcome<FieldWriteResult>> RecordVisitAsync(Caller caller, NewVisit visit, string idempotencyKey, CancellationToken ct = default)
    {
        if (!caller.MayWriteRegister())
            return Problem.Forbidden("Visits are recorded by grid managers and village or township staff.");
        if (visit.VisitedAt > clock.GetUtcNow().AddMinutes(10))
            return Problem.InvalidField("visitedAt", "The visit's time is in the future.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await ReplayAsync(connection, transaction, "field_visit", caller, idempotencyKey, ct) is { } replayed)
            return Outcome.Ok(new FieldWriteResult(replayed, true));
        string? grid;
        await using (var find = new NpgsqlCommand("SELECT grid_code FROM household WHERE id = $1 AND dissolved_on IS NULL", connection, transaction))
        {
            find.Parameters.Add(new NpgsqlParameter<long> { TypedValue = visit.HouseholdId });
            grid = await find.ExecuteScalarAsync(ct) as string;
        }
        if (grid is null || !caller.Covers(grid))
            return Problem.NotFound($"No household {visit.HouseholdId} in your area.");
        long id;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO field_visit (actor, grid_code, household_id, visited_at, note, position, photo, photo_type, idempotency_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Username });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grid });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = visit.HouseholdId });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = visit.VisitedAt });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = visit.Note });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)visit.Position ?? DBNull.Value, DataTypeName = "geometry" });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)visit.Photo ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)visit.PhotoType ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = idempotencyKey });
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }
        await AuditLog.AppendAsync(connection, transaction, caller.Username, "field_visit", $"household:{visit.HouseholdId}", "走访",
            $"{{\"visit\":{id},\"grid\":\"{grid}\",\"photo\":{(visit.Photo is null ? "false" : "true")}}}", ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok(new FieldWriteResult(id, false));
    }

    /// <summary>
    /// Stores a patrol of one grid: its track, length, duration and the share of the grid's buildings it passed within
    /// 50 m. Grid managers patrol their own grid (the grid may be left out); staff name a grid of their area.
    /// </summary>
    public async Task<Outcome<FieldWriteResult>> RecordPatrolAsync(Caller caller, NewPatrol patrol, string idempotencyKey, CancellationToken ct = default)
    {
        var grid = patrol.GridCode ?? (caller.Role == Role.GridManager ? caller.Scope.Value : null);
        if (grid is null)
            return Problem.InvalidField("gridCode", "Name the grid patrolled.");
        if (!caller.Covers(grid))
            return Problem.NotFound($"No grid {grid} in your area.");
        if (patrol.Points.Count is < 2 or > MaxTrackPoints)
            return Problem.InvalidField("points", $"A track has 2–{MaxTrackPoints:N0} points.");
        if (patrol.EndedAt < patrol.StartedAt)
            return Problem.InvalidField("endedAt", "The patrol ends before it starts.");
        if (patrol.EndedAt > clock.GetUtcNow().AddMinutes(10))
            return Problem.InvalidField("endedAt", "The patrol's end is in the future.");
        if (patrol.Points.Any(p => !double.IsFinite(p.X) || !double.IsFinite(p.Y) || p.X is < 73 or > 136 || p.Y is < 3 or > 54))
            return Problem.InvalidField("points", "Every point is [longitude, latitude] in China (CGCS2000).");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await ReplayAsync(connection, transaction, "patrol", caller, idempotencyKey, ct) is { } replayed)
            return Outcome.Ok(new FieldWriteResult(replayed, true));
        var track = new LineString(patrol.Points.Select(p => new Coordinate(p.X, p.Y)).ToArray()) { SRID = 4490 };
        long? id;
        await using (var insert = new NpgsqlCommand("""
            WITH t AS (SELECT $3::geometry AS track),
            b AS (
                SELECT count(*)::integer AS buildings,
                       (count(*) FILTER (WHERE ST_DWithin(b.geom::geography, t.track::geography, $8)))::integer AS passed
                FROM building b, t WHERE b.grid_code = $2)
            INSERT INTO patrol (actor, grid_code, started_at, ended_at, day, track, points, length_m, buildings, buildings_passed, idempotency_key)
            SELECT $1, $2, $4, $5, $6, t.track, $7, ST_Length(t.track::geography), b.buildings, b.passed, $9
            FROM t, b WHERE EXISTS (SELECT 1 FROM grid WHERE code = $2)
            RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Username });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grid });
            insert.Parameters.Add(new NpgsqlParameter { Value = track, DataTypeName = "geometry" });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = patrol.StartedAt });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = patrol.EndedAt });
            insert.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = ChinaTime.DateOf(patrol.StartedAt) });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = patrol.Points.Count });
            insert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = PassedWithinMetres });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = idempotencyKey });
            id = (long?)await insert.ExecuteScalarAsync(ct);
        }
        if (id is null)
            return Problem.NotFound($"No grid {grid}.");
        foreach (var checkIn in patrol.CheckIns)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO patrol_checkin (patrol_id, at, label, building_code, position) VALUES ($1, $2, $3, $4, $5)", connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id.Value });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = checkIn.At });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkIn.Label });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)checkIn.BuildingCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = checkIn.Position, DataTypeName = "geometry" });
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return Outcome.Ok(new FieldWriteResult(id.Value, false));
    }

    /// <summary>The patrols of one China day in an area the caller covers, newest first.</summary>
    public async Task<IReadOnlyList<PatrolView>?> PatrolsAsync(Caller caller, string areaCode, DateOnly day, CancellationToken ct = default)
    {
        if (!caller.Covers(areaCode) && !caller.Scope.Value.StartsWith(areaCode, StringComparison.Ordinal))
            return null;
        // The narrower of the two: a county officer asking for the province sees the county.
        var prefix = areaCode.Length >= caller.Scope.Value.Length ? areaCode : caller.Scope.Value;
        await using var command = dataSource.CreateCommand("""
            SELECT id, actor, grid_code, started_at, ended_at, day, points, length_m, buildings, buildings_passed, track
            FROM patrol WHERE day = $1 AND grid_code >= $2 AND grid_code < $2 || ':' ORDER BY started_at DESC LIMIT 1000
            """);
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
        var patrols = new List<PatrolView>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            patrols.Add(new PatrolView(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateOnly>(5), reader.GetInt32(6), Math.Round(reader.GetDouble(7), 1),
                reader.GetInt32(8), reader.GetInt32(9), reader.GetFieldValue<Geometry>(10)));
        return patrols;
    }

    /// <summary>
    /// 巡查覆盖率 of one China day for an area the caller covers and for each of its child units: buildings within 50 m
    /// of any of that day's tracks in their grid / buildings, with patrols, track length, minutes and grids patrolled.
    /// Every level is the sum of its grids, so a unit's figures equal the sum of its children's.
    /// </summary>
    public Task<IReadOnlyList<CoverageRow>?> CoverageAsync(Caller caller, string areaCode, DateOnly day, CancellationToken ct = default) =>
        CoverageAsync(caller, areaCode, day, day, ct);

    /// <summary>
    /// The patrol figures of the days from–to (China time) for an area and each child unit; a building counts as
    /// passed when any patrol of those days went within 50 m of it. Null when the area is not the caller's.
    /// </summary>
    public async Task<IReadOnlyList<CoverageRow>?> CoverageAsync(Caller caller, string areaCode, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (!caller.Covers(areaCode))
            return null;
        var childLength = areaCode.Length switch { 2 => 4, 4 => 6, 6 => 9, 9 => 12, _ => 15 };
        await using var command = dataSource.CreateCommand("""
            WITH t AS (
                SELECT grid_code, ST_Union(track) AS tracks, count(*)::integer AS patrols, sum(length_m) AS length_m,
                       sum(extract(epoch FROM ended_at - started_at)) / 60 AS minutes
                FROM patrol WHERE day BETWEEN $1 AND $4 AND grid_code >= $2 AND grid_code < $2 || ':' GROUP BY grid_code),
            per_grid AS (
                SELECT g.code AS grid_code, coalesce(t.patrols, 0) AS patrols, coalesce(t.length_m, 0) AS length_m, coalesce(t.minutes, 0) AS minutes,
                       (SELECT count(*) FROM building b WHERE b.grid_code = g.code)::integer AS buildings,
                       CASE WHEN t.tracks IS NULL THEN 0 ELSE (SELECT count(*) FROM building b
                            WHERE b.grid_code = g.code AND ST_DWithin(b.geom::geography, t.tracks::geography, 50))::integer END AS passed
                FROM grid g LEFT JOIN t ON t.grid_code = g.code WHERE g.code >= $2 AND g.code < $2 || ':')
            SELECT left(grid_code, $3) AS unit, sum(patrols)::integer, round(sum(length_m)::numeric, 1)::double precision,
                   round(sum(minutes)::numeric, 1)::double precision, sum(buildings)::integer, sum(passed)::integer,
                   (count(*) FILTER (WHERE patrols > 0))::integer, count(*)::integer
            FROM per_grid GROUP BY ROLLUP (left(grid_code, $3)) ORDER BY 1 NULLS FIRST
            """);
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = areaCode });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = childLength });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = to });
        var rows = new List<CoverageRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new CoverageRow(reader.IsDBNull(0) ? areaCode : reader.GetString(0), reader.GetInt32(1), reader.GetDouble(2), reader.GetDouble(3),
                reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7)));
        return rows.Count == 0 ? null : rows;
    }

    /// <summary>Visits of one household, newest first (no photos: those are fetched one by one).</summary>
    public async Task<IReadOnlyList<(long Id, string Actor, DateTimeOffset VisitedAt, string Note, bool Photo)>?> VisitsAsync(Caller caller, long householdId,
        CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT v.id, v.actor, v.visited_at, v.note, v.photo IS NOT NULL, h.grid_code
            FROM household h LEFT JOIN field_visit v ON v.household_id = h.id WHERE h.id = $1 ORDER BY v.visited_at DESC
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = householdId });
        var visits = new List<(long, string, DateTimeOffset, string, bool)>();
        var found = false;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!caller.Covers(reader.GetString(5)))
                return null;
            found = true;
            if (!reader.IsDBNull(0))
                visits.Add((reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), reader.GetBoolean(4)));
        }
        return found ? visits : null;
    }

    private static async Task<long?> ReplayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, Caller caller, string key,
        CancellationToken ct)
    {
        // Two uploads of one key at once: the second waits here for the first's commit, then finds its row.
        await using (var lockKey = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
        {
            lockKey.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{table}:{caller.Username}:{key}" });
            await lockKey.ExecuteNonQueryAsync(ct);
        }
        await using var find = new NpgsqlCommand($"SELECT id FROM {table} WHERE actor = $1 AND idempotency_key = $2", connection, transaction);
        find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Username });
        find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return (long?)await find.ExecuteScalarAsync(ct);
    }

}
