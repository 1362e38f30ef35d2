using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Events.Kpi;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Assessment;

/// <summary>One grid's row of the grid manager assessment: the grid, its manager and post account, and its counters.</summary>
public sealed record GridManagerRow(string Grid, string? Manager, string? Account, bool AccountActive, GridManagerCounters Counters);

/// <summary>One handler's row: the account, its unit (scope) and department, and its figures.</summary>
public sealed record HandlerRow(string Username, string DisplayName, string Role, string Scope, string? Department, HandlerCounters Counters);

/// <summary>
/// Person-level indicators (issue 17): the grid manager assessment of every grid of an area and the figures of every
/// handler whose account belongs to it, over whole China days. Both read live tables; callers scope the area.
/// </summary>
public sealed class AssessmentStore(NpgsqlDataSource dataSource, TimeProvider clock, ReadReplicas? replicas = null)
{
    // Reads only: on the standbys when there are any (issue 20, item 1).
    private NpgsqlDataSource Reads => replicas?.Reads ?? dataSource;

    public async Task<IReadOnlyList<GridManagerRow>?> GridManagersAsync(Caller caller, string area, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (!caller.Covers(area))
            return null;
        var now = clock.GetUtcNow();
        await using var connection = await Reads.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The planner's cost for a county's 3,500 grids crosses jit_above_cost, and compiling took 1.3 s of a 1.5 s
        // answer (长子县, measured); without JIT it is 0.17 s.
        await using (var noJit = new NpgsqlCommand("SET LOCAL jit = off", connection, transaction))
            await noJit.ExecuteNonQueryAsync(ct);
        await using var command = new NpgsqlCommand(SqlResource.Get("Assessment/GridManagers.sql"), connection, transaction);
        AddPeriod(command, area, from, to);
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("today", ChinaTime.DateOf(now)));
        var rows = new List<GridManagerRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new GridManagerRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetBoolean(3), new GridManagerCounters
                {
                    ReportsMade = reader.GetInt32(4),
                    ReportsAccepted = reader.GetInt32(5),
                    Duplicates = reader.GetInt32(6),
                    VisitRecords = reader.GetInt32(7),
                    VisitsOnSchedule = reader.GetInt32(8),
                    VisitsMade = reader.GetInt32(9),
                    Households = reader.GetInt32(10),
                    FreshHouseholds = reader.GetInt32(11),
                    Buildings = reader.GetInt32(12),
                    BuildingsPatrolled = reader.GetInt32(13),
                    Patrols = reader.GetInt32(14),
                    Closed = reader.GetInt32(15),
                    ClosedAtGrid = reader.GetInt32(16),
                }));
        return rows.Count == 0 ? null : rows;
    }

    public async Task<IReadOnlyList<HandlerRow>?> HandlersAsync(Caller caller, string area, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (!caller.Covers(area))
            return null;
        await using var command = Reads.CreateCommand(SqlResource.Get("Assessment/Handlers.sql"));
        AddPeriod(command, area, from, to);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", clock.GetUtcNow().ToUniversalTime()));
        var rows = new List<HandlerRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new HandlerRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                new HandlerCounters(reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9),
                    reader.GetInt32(10), reader.GetInt32(11), reader.GetInt32(12), reader.GetInt32(13))));
        return rows;
    }

    /// <summary>The names of a unit and its child units (a village's grids are not units: they are named by number).</summary>
    public async Task<IReadOnlyDictionary<string, string>> UnitNamesAsync(string area, CancellationToken ct = default)
    {
        await using var command = Reads.CreateCommand("SELECT code, name FROM admin_unit WHERE code = $1 OR parent_code = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = area });
        var names = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            names[reader.GetString(0)] = reader.GetString(1);
        return names;
    }

    private static void AddPeriod(NpgsqlCommand command, string area, DateOnly from, DateOnly to)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("area", area));
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("from", from));
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("to", to));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("from_at", ChinaTime.StartOf(from).ToUniversalTime()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("to_at", ChinaTime.StartOf(to.AddDays(1)).ToUniversalTime()));
    }
}
