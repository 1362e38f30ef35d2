using GridMap.Domain.Codes;
using Npgsql;

namespace GridMap.Store.Database;

/// <summary>One line of an append-only case history (dispute_step, proxy_request_step): when, who, what, at which level, the note.</summary>
internal readonly record struct LoggedStep(DateTimeOffset At, string Actor, string Action, AdminLevel Level, string? Note);

/// <summary>Appends steps to a case's history table, numbering them after the <c>already</c> steps it holds.</summary>
internal static class StepLog
{
    /// <param name="table">The history table; its columns are (case id, seq, at, actor, action, level, note).</param>
    /// <param name="caseColumn">The column holding the case's id.</param>
    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, string caseColumn, long id, int already,
        IEnumerable<LoggedStep> steps, CancellationToken ct)
    {
        var seq = already;
        foreach (var s in steps)
        {
            await using var step = new NpgsqlCommand(
                $"INSERT INTO {table} ({caseColumn}, seq, at, actor, action, level, note) VALUES ($1, $2, $3, $4, $5, $6, $7)", connection, transaction);
            step.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            step.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ++seq });
            step.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = s.At.ToUniversalTime() });
            step.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.Actor });
            step.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.Action });
            step.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)s.Level });
            step.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = s.Note, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await step.ExecuteNonQueryAsync(ct);
        }
    }
}
