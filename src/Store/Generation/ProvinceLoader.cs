using System.Diagnostics;
using System.Text.Json;
using GridMap.Domain.Codes;
using Npgsql;
using NpgsqlTypes;

namespace GridMap.Store.Generation;

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

    public async Task<TimeSpan> LoadAsync(GeneratedProvince province, IProgress<(string Step, int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Row triggers record tile invalidations for edits; a bulk load replaces the dataset version instead.
        await Execute(connection, "SET LOCAL gridmap.bulk_load = 'on'", ct);
        await Execute(connection, "TRUNCATE grid_manager, grid, admin_unit RESTART IDENTITY CASCADE", ct);

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY admin_unit (code, level, name, parent_code, stat_code_2023, urban, boundary_source, geom, label_point, seat, area_m2, households, geom_generalized) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var unit in province.Units)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(unit.Code, NpgsqlDbType.Text, ct);
                await writer.WriteAsync((short)unit.Level, NpgsqlDbType.Smallint, ct);
                await writer.WriteAsync(unit.Name, NpgsqlDbType.Text, ct);
                await WriteNullable(writer, unit.ParentCode, ct);
                await WriteNullable(writer, unit.StatCode2023, ct);
                await writer.WriteAsync(unit.Urban, NpgsqlDbType.Boolean, ct);
                await writer.WriteAsync(unit.BoundarySource, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(unit.Geometry, NpgsqlDbType.Geometry, ct);
                await writer.WriteAsync(unit.LabelPoint, NpgsqlDbType.Geometry, ct);
                if (unit.Seat is null)
                    await writer.WriteNullAsync(ct);
                else
                    await writer.WriteAsync(unit.Seat, NpgsqlDbType.Geometry, ct);
                await writer.WriteAsync(unit.AreaM2, NpgsqlDbType.Double, ct);
                await writer.WriteAsync(unit.Households, NpgsqlDbType.Integer, ct);
                if (unit.Generalized is null)
                    await writer.WriteNullAsync(ct);
                else
                    await writer.WriteAsync(unit.Generalized, NpgsqlDbType.Geometry, ct);
            }
            await writer.CompleteAsync(ct);
        }
        progress?.Report(("units", province.Units.Count, province.Units.Count));

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY grid (code, village_code, geom, label_point, area_m2, households) FROM STDIN (FORMAT BINARY)", ct))
        {
            var done = 0;
            foreach (var grid in province.Grids)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(grid.Code, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(grid.VillageCode, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(grid.Geometry, NpgsqlDbType.Geometry, ct);
                await writer.WriteAsync(grid.LabelPoint, NpgsqlDbType.Geometry, ct);
                await writer.WriteAsync(grid.AreaM2, NpgsqlDbType.Double, ct);
                await writer.WriteAsync(grid.Households, NpgsqlDbType.Integer, ct);
                if (++done % 10_000 == 0)
                    progress?.Report(("grids", done, province.Grids.Count));
            }
            await writer.CompleteAsync(ct);
        }
        progress?.Report(("grids", province.Grids.Count, province.Grids.Count));

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY grid_manager (grid_code, name, phone, appointed_on) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var manager in province.Managers)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(manager.GridCode, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(manager.Name, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(manager.Phone, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(manager.AppointedOn, NpgsqlDbType.Date, ct);
            }
            await writer.CompleteAsync(ct);
        }
        progress?.Report(("managers", province.Managers.Count, province.Managers.Count));

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
        await Execute(connection, $"SELECT pg_notify('{Notifications.Channels.TileInvalidation}', '{Notifications.Channels.DatasetLoaded}')", ct);
        await transaction.CommitAsync(ct);

        // Statistics for the planner; outside the transaction, harmless if interrupted.
        await Execute(connection, "ANALYZE admin_unit; ANALYZE grid; ANALYZE grid_manager;", ct);
        return clock.Elapsed;
    }

    private static async Task WriteNullable(NpgsqlBinaryImporter writer, string? value, CancellationToken ct)
    {
        if (value is null)
            await writer.WriteNullAsync(ct);
        else
            await writer.WriteAsync(value, NpgsqlDbType.Text, ct);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
