using System.Diagnostics;
using System.Text.Json;
using GridMap.Domain.Codes;
using GridMap.Store.Database;
using GridMap.Store.Notifications;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Synthetic.Generation;

/// <summary>
/// Replaces the province in the database with a generated one in a single transaction: a crash or kill part
/// way through leaves the previous province untouched, and a finished load is recorded in <c>dataset_load</c>
/// together with the data.
/// </summary>
public sealed class ProvinceLoader(NpgsqlDataSource dataSource)
{
    public const string Kind = "province";

    /// <summary>The newest complete load with this seed and generator version, if any.</summary>
    public async Task<DateTimeOffset?> FindLoadAsync(int seed, string generatorVersion, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT max(loaded_at) FROM dataset_load WHERE kind = $1 AND seed = $2 AND generator_version = $3");
        command.Parameters.Add(new() { Value = Kind });
        command.Parameters.Add(new() { Value = seed });
        command.Parameters.Add(new() { Value = generatorVersion });
        return await command.ExecuteScalarAsync(ct) is DateTime loadedAt ? new DateTimeOffset(loadedAt, TimeSpan.Zero) : null;
    }

    /// <summary>
    /// True when a province of another seed or generator version is loaded and events were recorded on its grids: its
    /// event history is append-only, so a new layout cannot simply replace the old one under it.
    /// </summary>
    public async Task<bool> HasEventsOnAnotherLayoutAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM dataset_load WHERE kind = $1) AND EXISTS (SELECT 1 FROM event_history)");
        command.Parameters.Add(new() { Value = Kind });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<TimeSpan> LoadAsync(GeneratedProvince province, IProgress<(string Step, int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Row triggers record tile invalidations for edits; a bulk load replaces the dataset version instead.
        await Execute(connection, "SET LOCAL gridmap.bulk_load = 'on'", ct);
        await Execute(connection, "TRUNCATE grid_manager, grid, admin_unit, division_code_2023 RESTART IDENTITY CASCADE", ct);

        await BinaryCopy.WriteAsync(connection,
            "COPY admin_unit (code, level, name, parent_code, stat_code_2016, urban, boundary_source, geom, label_point, seat, area_m2, households, geom_generalized) FROM STDIN (FORMAT BINARY)",
            province.Units, (writer, unit, _) =>
            {
                writer.Write(unit.Code, NpgsqlDbType.Text);
                writer.Write((short)unit.Level, NpgsqlDbType.Smallint);
                writer.Write(unit.Name, NpgsqlDbType.Text);
                writer.WriteOrNull(unit.ParentCode, NpgsqlDbType.Text);
                writer.WriteOrNull(unit.StatCode2016, NpgsqlDbType.Text);
                writer.Write(unit.Urban, NpgsqlDbType.Boolean);
                writer.Write(unit.BoundarySource, NpgsqlDbType.Text);
                writer.Write(unit.Geometry, NpgsqlDbType.Geometry);
                writer.Write(unit.LabelPoint, NpgsqlDbType.Geometry);
                writer.WriteOrNull(unit.Seat, NpgsqlDbType.Geometry);
                writer.Write(unit.AreaM2, NpgsqlDbType.Double);
                writer.Write(unit.Households, NpgsqlDbType.Integer);
                writer.WriteOrNull(unit.Generalized, NpgsqlDbType.Geometry);
            }, done => progress?.Report(("units", done, province.Units.Count)), int.MaxValue, ct);

        await BinaryCopy.WriteAsync(connection, "COPY grid (code, village_code, geom, label_point, area_m2, households) FROM STDIN (FORMAT BINARY)",
            province.Grids, (writer, grid, _) =>
            {
                writer.Write(grid.Code, NpgsqlDbType.Text);
                writer.Write(grid.VillageCode, NpgsqlDbType.Text);
                writer.Write(grid.Geometry, NpgsqlDbType.Geometry);
                writer.Write(grid.LabelPoint, NpgsqlDbType.Geometry);
                writer.Write(grid.AreaM2, NpgsqlDbType.Double);
                writer.Write(grid.Households, NpgsqlDbType.Integer);
            }, done => progress?.Report(("grids", done, province.Grids.Count)), 10_000, ct);

        await BinaryCopy.WriteAsync(connection, "COPY grid_manager (grid_code, name, phone, appointed_on) FROM STDIN (FORMAT BINARY)",
            province.Managers, (writer, manager, _) =>
            {
                writer.Write(manager.GridCode, NpgsqlDbType.Text);
                writer.Write(manager.Name, NpgsqlDbType.Text);
                writer.Write(manager.Phone, NpgsqlDbType.Text);
                writer.Write(manager.AppointedOn, NpgsqlDbType.Date);
            }, done => progress?.Report(("managers", done, province.Managers.Count)), int.MaxValue, ct);

        await BinaryCopy.WriteAsync(connection, "COPY division_code_2023 (code_2023, level, name_2023, code, method) FROM STDIN (FORMAT BINARY)",
            province.Codes2023, (writer, row, _) =>
            {
                writer.Write(row.Code2023, NpgsqlDbType.Text);
                writer.Write(row.Level, NpgsqlDbType.Text);
                writer.Write(row.Name2023, NpgsqlDbType.Text);
                writer.Write(row.Code, NpgsqlDbType.Text);
                writer.Write(row.Method, NpgsqlDbType.Text);
            }, done => progress?.Report(("2023 codes", done, province.Codes2023.Count)), int.MaxValue, ct);

        // The new grids are version 1 of every village: the old versions, history, drafts and locks described another layout.
        await Execute(connection,
            "TRUNCATE grid_version, grid_history, grid_retired, grid_lineage, grid_edit_lock, grid_draft_grid, grid_draft, " +
            "building_code_change, grid_manager_flag; SELECT planning_baseline()", ct);

        await Execute(connection, "REFRESH MATERIALIZED VIEW unit_grid_summary", ct);
        var counts = new Dictionary<string, int>
        {
            ["cities"] = province.CountUnits(AdminLevel.City),
            ["counties"] = province.CountUnits(AdminLevel.County),
            ["townships"] = province.CountUnits(AdminLevel.Township),
            ["villages"] = province.CountUnits(AdminLevel.Village),
            ["grids"] = province.Grids.Count,
            ["managers"] = province.Managers.Count,
            ["codes_2023"] = province.Codes2023.Select(c => c.Code2023).Distinct(StringComparer.Ordinal).Count(),
        };
        await using (var record = new NpgsqlCommand(
            "INSERT INTO dataset_load (kind, seed, generator_version, generate_ms, load_ms, counts, synthetic, note) VALUES ($1, $2, $3, $4, $5, $6::jsonb, true, $7)",
            connection, transaction))
        {
            record.Parameters.Add(new() { Value = Kind });
            record.Parameters.Add(new() { Value = province.Seed });
            record.Parameters.Add(new() { Value = province.GeneratorVersion });
            record.Parameters.Add(new() { Value = (int)province.Elapsed.TotalMilliseconds });
            record.Parameters.Add(new() { Value = (int)clock.Elapsed.TotalMilliseconds });
            record.Parameters.Add(new() { Value = JsonSerializer.Serialize(counts) });
            record.Parameters.Add(new()
            {
                Value = "Synthetic: township, village and grid polygons, households and grid managers are generated; county polygons and division names are real (see data/boundaries/README.md).",
            });
            await record.ExecuteNonQueryAsync(ct);
        }
        // Tile services key their caches by the dataset version; tell them a new one has landed (delivered on commit).
        await Execute(connection, $"SELECT pg_notify('{Channels.TileInvalidation}', '{Channels.DatasetLoaded}')", ct);
        await transaction.CommitAsync(ct);

        // Statistics for the planner; outside the transaction, harmless if interrupted.
        await Execute(connection, "ANALYZE admin_unit; ANALYZE grid; ANALYZE grid_manager; ANALYZE division_code_2023;", ct);
        return clock.Elapsed;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
