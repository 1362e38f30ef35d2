using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Events;

/// <summary>Accountability (问责): the records the workflow creates, listed and counted per person, closed by supervising centres.</summary>
public sealed partial class EventStore
{
    private const string AccountabilityColumns = """
        a.id, a.event_id, e.tracking_no, a.kind, a.person, a.unit, a.department, a.grid_code, a.reason, a.created_at,
        a.closed_at, a.closed_by, a.outcome
        """;

    /// <summary>Records for events in <paramref name="area"/>, newest first; optionally one person's, optionally open ones only.</summary>
    public async Task<IReadOnlyList<AccountabilityView>> AccountabilityAsync(Caller caller, AdminCode area, string? person, bool openOnly,
        int limit = 500, CancellationToken ct = default)
    {
        if (!caller.Covers(area.Value) || !EventPermissions.MayReadAccountability(caller))
            return [];
        await using var command = dataSource.CreateCommand($"""
            SELECT {AccountabilityColumns}
            FROM accountability a JOIN event e ON e.id = a.event_id
            WHERE starts_with(a.grid_code, @area) AND (@person::text IS NULL OR a.person = @person)
              AND (@open_only = false OR a.closed_at IS NULL)
            ORDER BY a.created_at DESC, a.id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("area", area.Value);
        command.Parameters.Add(Text("person", person));
        command.Parameters.AddWithValue("open_only", openOnly);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 5000));
        return await command.ListAsync(r => ReadAccountability(r, caller), ct);
    }

    /// <summary>Per person (null: records against a unit nobody had taken the step of) in <paramref name="area"/>.</summary>
    public async Task<IReadOnlyList<AccountabilityCount>> AccountabilityCountsAsync(Caller caller, AdminCode area, CancellationToken ct = default)
    {
        if (!caller.Covers(area.Value) || !EventPermissions.MayReadAccountability(caller))
            return [];
        await using var command = dataSource.CreateCommand("""
            SELECT person, count(*)::int, count(*) FILTER (WHERE closed_at IS NULL)::int, count(*) FILTER (WHERE kind = 'overdue')::int,
                   count(*) FILTER (WHERE kind = 'rework')::int, count(*) FILTER (WHERE kind = 'named')::int
            FROM accountability WHERE starts_with(grid_code, @area)
            GROUP BY person ORDER BY count(*) DESC, person NULLS LAST
            """);
        command.Parameters.AddWithValue("area", area.Value);
        return await command.ListAsync(r => new AccountabilityCount(NullableString(r, 0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4),
            r.GetInt32(5)), ct);
    }

    /// <summary>A supervising centre closes an open record with an outcome (audited). The record, or the problem.</summary>
    public async Task<Outcome<AccountabilityView>> CloseAccountabilityAsync(Caller caller, long id, string outcome, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        AccountabilityView? record;
        await using (var read = new NpgsqlCommand($"""
            SELECT {AccountabilityColumns} FROM accountability a JOIN event e ON e.id = a.event_id WHERE a.id = @id FOR UPDATE OF a
            """, connection, transaction))
        {
            read.Parameters.AddWithValue("id", id);
            await using var reader = await read.ExecuteReaderAsync(ct);
            record = await reader.ReadAsync(ct) ? ReadAccountability(reader, caller) : null;
        }
        if (record is null || !caller.Covers(record.Grid) || !EventPermissions.MayReadAccountability(caller))
            return Problem.NotFound($"No accountability record {id} in your area.");
        if (record.ClosedAt is not null)
            return Problem.Conflict($"Record {id} was closed by {record.ClosedBy}.");
        if (!record.MayClose)
            return Problem.Forbidden("Accountability records are closed by the supervising centre: above the unit, or the county, city or province.");
        await using (var close = new NpgsqlCommand(
            "UPDATE accountability SET closed_at = now(), closed_by = @by, outcome = @outcome WHERE id = @id", connection, transaction))
        {
            close.Parameters.AddWithValue("id", id);
            close.Parameters.AddWithValue("by", caller.Username);
            close.Parameters.AddWithValue("outcome", outcome);
            await close.ExecuteNonQueryAsync(ct);
        }
        await Audit.AuditLog.AppendAsync(connection, transaction, caller.Username, "close_accountability", $"accountability:{id}", outcome,
            System.Text.Json.JsonSerializer.Serialize(new { record.EventId, record.Person, record.Kind }), ct);
        await transaction.CommitAsync(ct);
        return Outcome.Ok((await AccountabilityAsync(caller, AdminCode.Parse(record.Grid), null, false, 5000, ct)).Single(r => r.Id == id));
    }

    private static AccountabilityView ReadAccountability(NpgsqlDataReader r, Caller caller)
    {
        var unit = new StepOwner(AdminCode.Parse(r.GetString(5)), NullableString(r, 6));
        var grid = r.GetString(7);
        return new AccountabilityView(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), NullableString(r, 4), unit.Unit.Value, unit.Department,
            grid, r.GetString(8), r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), NullableString(r, 11),
            NullableString(r, 12), r.IsDBNull(10) && EventPermissions.MayReviewAccountability(caller, unit, grid));
    }
}
