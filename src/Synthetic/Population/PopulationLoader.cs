using System.Diagnostics;
using GridMap.Store.Database;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Synthetic.Population;

/// <summary>What a population load did: its time, the ID numbers it had to re-draw, and the population tables' size before and after.</summary>
public sealed record PopulationLoadResult(TimeSpan Elapsed, int RedrawnIdNumbers, long BytesBefore, long BytesAfter);

/// <summary>
/// Replaces one county's people and houses with a generated population in a single transaction: a crash or kill part
/// way through leaves the previous population untouched, and a finished load is recorded in <c>population_load</c>
/// together with the data. Other counties' rows are left alone.
/// </summary>
public sealed class PopulationLoader(NpgsqlDataSource dataSource)
{
    private const int ProgressEvery = 50_000;

    // A load is a batch job that may take minutes on a busy server; it ends by finishing or by cancellation, not a timer.
    private const int NoTimeout = 0;

    /// <summary>When this county was loaded with this seed and generator version, if it was.</summary>
    public async Task<DateTimeOffset?> FindLoadAsync(string countyCode, int seed, string generatorVersion, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT loaded_at FROM population_load WHERE county_code = $1 AND seed = $2 AND generator = $3");
        command.Parameters.Add(new() { Value = countyCode });
        command.Parameters.Add(new() { Value = seed });
        command.Parameters.Add(new() { Value = generatorVersion });
        return await command.ExecuteScalarAsync(ct) is DateTime loadedAt ? new DateTimeOffset(loadedAt, TimeSpan.Zero) : null;
    }

    public async Task<PopulationLoadResult> LoadAsync(GeneratedPopulation population, IProgress<(string Step, int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var bytesBefore = await Scalar<long>(connection, SyntheticSql.Get("Population/TableSizes.sql"), ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Row triggers record a tile invalidation per building; this load records one for the whole county instead.
        await Execute(connection, "SET LOCAL gridmap.bulk_load = 'on'", ct);
        // Writers wait (readers do not) while a county is replaced: the ID numbers checked below stay free until commit,
        // and the identity blocks reserved below stay ours.
        await Execute(connection, "LOCK TABLE building, house, household, household_member, person, special_group, visit, register_change, move_request, reconciliation_item IN SHARE ROW EXCLUSIVE MODE", ct);
        await ClearCountyAsync(connection, population.CountyCode, ct);
        progress?.Report(("cleared", 1, 1));

        var redrawn = population.RedrawIdNumbers(await TakenIdNumbersAsync(connection, population, ct));

        var buildingIds = await ReserveIds(connection, "building", population.Buildings.Count, ct);
        var houseIds = await ReserveIds(connection, "house", population.Houses.Count, ct);
        var householdIds = await ReserveIds(connection, "household", population.Households.Count, ct);
        var personIds = await ReserveIds(connection, "person", population.People.Count, ct);
        var groupIds = await ReserveIds(connection, "special_group", population.SpecialGroups.Count, ct);

        await Copy(connection, "buildings",
            "COPY building (id, code, grid_code, seq, geom, road, house_number, address, building_use, floors, synthetic) FROM STDIN (FORMAT BINARY)",
            population.Buildings, progress, ct, (writer, b, i) =>
            {
                writer.Write(buildingIds + i, NpgsqlDbType.Bigint);
                writer.Write(b.Code, NpgsqlDbType.Text);
                writer.Write(b.GridCode, NpgsqlDbType.Text);
                writer.Write(b.Seq, NpgsqlDbType.Integer);
                writer.Write(b.Geometry, NpgsqlDbType.Geometry);
                writer.Write(b.Road, NpgsqlDbType.Text);
                writer.Write(b.HouseNumber, NpgsqlDbType.Text);
                writer.Write(b.Address, NpgsqlDbType.Text);
                writer.Write(b.Use, NpgsqlDbType.Text);
                writer.Write(b.Floors, NpgsqlDbType.Smallint);
                writer.Write(true, NpgsqlDbType.Boolean);
            });
        await Copy(connection, "houses", "COPY house (id, building_id, unit_no, room, area_m2) FROM STDIN (FORMAT BINARY)",
            population.Houses, progress, ct, (writer, h, i) =>
            {
                writer.Write(houseIds + i, NpgsqlDbType.Bigint);
                writer.Write(buildingIds + h.Building, NpgsqlDbType.Bigint);
                writer.Write(h.UnitNo, NpgsqlDbType.Smallint);
                writer.Write(h.Room, NpgsqlDbType.Text);
                writer.Write(h.AreaM2, NpgsqlDbType.Real);
            });
        await Copy(connection, "households", "COPY household (id, register_number, household_type, house_id, grid_code) FROM STDIN (FORMAT BINARY)",
            population.Households, progress, ct, (writer, h, i) =>
            {
                writer.Write(householdIds + i, NpgsqlDbType.Bigint);
                writer.Write(h.RegisterNumber, NpgsqlDbType.Text);
                writer.Write(h.Type, NpgsqlDbType.Text);
                writer.Write(houseIds + h.House, NpgsqlDbType.Bigint);
                writer.Write(h.GridCode, NpgsqlDbType.Text);
            });
        await Copy(connection, "people",
            "COPY person (id, id_number, name, sex, birth_date, phone, political_status, register_type, grid_code, synthetic) FROM STDIN (FORMAT BINARY)",
            population.People, progress, ct, (writer, p, i) =>
            {
                writer.Write(personIds + i, NpgsqlDbType.Bigint);
                writer.Write(p.IdNumber, NpgsqlDbType.Char);
                writer.Write(p.Name, NpgsqlDbType.Text);
                writer.Write(p.Sex.ToString(), NpgsqlDbType.Char);
                writer.Write(p.BirthDate, NpgsqlDbType.Date);
                writer.WriteOrNull(p.Phone, NpgsqlDbType.Text);
                writer.Write(p.PoliticalStatus, NpgsqlDbType.Text);
                writer.Write(p.RegisterType, NpgsqlDbType.Text);
                writer.Write(p.GridCode, NpgsqlDbType.Text);
                writer.Write(true, NpgsqlDbType.Boolean);
            });
        await Copy(connection, "members", "COPY household_member (household_id, person_id, relation, moved_in, moved_out) FROM STDIN (FORMAT BINARY)",
            population.Memberships, progress, ct, (writer, m, _) =>
            {
                writer.Write(householdIds + m.Household, NpgsqlDbType.Bigint);
                writer.Write(personIds + m.Person, NpgsqlDbType.Bigint);
                writer.Write(m.Relation, NpgsqlDbType.Text);
                writer.Write(m.MovedIn, NpgsqlDbType.Date);
                writer.WriteOrNull(m.MovedOut, NpgsqlDbType.Date);
            });
        await Copy(connection, "groups",
            "COPY special_group (id, person_id, group_code, department, risk_level, registered_on, visit_cadence_days, next_visit_due, source) FROM STDIN (FORMAT BINARY)",
            population.SpecialGroups, progress, ct, (writer, g, i) =>
            {
                writer.Write(groupIds + i, NpgsqlDbType.Bigint);
                writer.Write(personIds + g.Person, NpgsqlDbType.Bigint);
                writer.Write(g.GroupCode, NpgsqlDbType.Text);
                writer.Write(g.Department, NpgsqlDbType.Text);
                writer.Write(g.RiskLevel, NpgsqlDbType.Smallint);
                writer.Write(g.RegisteredOn, NpgsqlDbType.Date);
                writer.Write(g.VisitCadenceDays, NpgsqlDbType.Smallint);
                writer.Write(g.NextVisitDue, NpgsqlDbType.Date);
                writer.Write(PopulationGenerator.Source, NpgsqlDbType.Text);
            });

        await using (var record = new NpgsqlCommand(SyntheticSql.Get("Population/RecordLoad.sql"), connection) { CommandTimeout = NoTimeout })
        {
            record.Parameters.Add(new() { Value = population.CountyCode });
            record.Parameters.Add(new() { Value = population.Seed });
            record.Parameters.Add(new() { Value = population.GeneratorVersion });
            record.Parameters.Add(new() { Value = population.Buildings.Count });
            record.Parameters.Add(new() { Value = population.Households.Count });
            record.Parameters.Add(new() { Value = population.People.Count });
            await record.ExecuteNonQueryAsync(ct);
        }
        await using (var invalidate = new NpgsqlCommand(
            "SELECT record_tile_invalidation('buildings', geom, $2) FROM admin_unit WHERE code = $1", connection) { CommandTimeout = NoTimeout })
        {
            invalidate.Parameters.Add(new() { Value = population.CountyCode });
            invalidate.Parameters.Add(new() { Value = $"population of {population.CountyCode} loaded" });
            await invalidate.ExecuteNonQueryAsync(ct);
        }
        await using (var freshness = new NpgsqlCommand(
            "SELECT refresh_grid_freshness(array_agg(code)) FROM grid WHERE code >= $1 AND code < $1 || ':'", connection) { CommandTimeout = NoTimeout })
        {
            freshness.Parameters.Add(new() { Value = population.CountyCode });
            await freshness.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        var elapsed = clock.Elapsed;

        // Statistics for the planner; outside the transaction, harmless if interrupted.
        await Execute(connection, "ANALYZE building; ANALYZE house; ANALYZE household; ANALYZE person; ANALYZE household_member; ANALYZE special_group;", ct);
        var bytesAfter = await Scalar<long>(connection, SyntheticSql.Get("Population/TableSizes.sql"), ct);
        return new PopulationLoadResult(elapsed, redrawn, bytesBefore, bytesAfter);
    }

    /// <summary>Removes the county's previous population, with TRUNCATE when nothing else is in the tables.</summary>
    private static async Task ClearCountyAsync(NpgsqlConnection connection, string countyCode, CancellationToken ct)
    {
        await using (var only = new NpgsqlCommand(SyntheticSql.Get("Population/HoldsOnlyCounty.sql"), connection) { CommandTimeout = NoTimeout })
        {
            only.Parameters.Add(new() { Value = countyCode });
            if ((bool)(await only.ExecuteScalarAsync(ct))!)
            {
                await Execute(connection, "TRUNCATE reconciliation_item, move_request, register_change, field_visit, visit, special_group, household_member, household, person, house, building", ct);
                return;
            }
        }
        await using var delete = new NpgsqlCommand(SyntheticSql.Get("Population/DeleteCounty.sql"), connection) { CommandTimeout = NoTimeout };
        delete.Parameters.AddWithValue("county", countyCode);
        await delete.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The new ID numbers that people already in the database hold (none when the county is the only one loaded).</summary>
    private static async Task<IReadOnlySet<string>> TakenIdNumbersAsync(NpgsqlConnection connection, GeneratedPopulation population, CancellationToken ct)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        if (!await Scalar<bool>(connection, "SELECT EXISTS (SELECT 1 FROM person)", ct))
            return taken;
        await using var command = new NpgsqlCommand(SyntheticSql.Get("Population/TakenIdNumbers.sql"), connection) { CommandTimeout = NoTimeout };
        command.Parameters.Add(new() { Value = population.People.Select(p => p.IdNumber).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            taken.Add(reader.GetString(0));
        return taken;
    }

    /// <summary>
    /// Takes <paramref name="count"/> consecutive values of the table's identity sequence and returns the first: rows are
    /// copied with their ids, so references between the new rows need no round trip.
    /// </summary>
    private static async Task<long> ReserveIds(NpgsqlConnection connection, string table, int count, CancellationToken ct)
    {
        if (count == 0)
            return 0;
        await using var command = new NpgsqlCommand(
            "SELECT setval(s, nextval(s) + $2 - 1) - $2 + 1 FROM pg_get_serial_sequence($1, 'id') AS s", connection) { CommandTimeout = NoTimeout };
        command.Parameters.Add(new() { Value = table });
        command.Parameters.Add(new() { Value = (long)count });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static Task Copy<T>(
        NpgsqlConnection connection, string step, string copySql, IReadOnlyList<T> rows,
        IProgress<(string Step, int Done, int Total)>? progress, CancellationToken ct, Action<NpgsqlBinaryImporter, T, int> writeRow) =>
        BinaryCopy.WriteAsync(connection, copySql, rows, writeRow, done => progress?.Report((step, done, rows.Count)), ProgressEvery, ct);

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = NoTimeout };
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = NoTimeout };
        await command.ExecuteNonQueryAsync(ct);
    }
}
