using GridMap.Domain.Access;
using Npgsql;

namespace GridMap.Store.Access;

/// <summary>
/// A read transaction behind the second wall: it runs as the gridmap_scoped role with gridmap.scope set to the
/// caller's area code, so PostgreSQL's row-level security hides every population row outside that area even if a
/// query forgot its own scope filter. Stores still filter by scope themselves; this catches their mistakes.
/// </summary>
public sealed class ScopedConnection : IAsyncDisposable
{
    private ScopedConnection(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    public static async Task<ScopedConnection> OpenAsync(NpgsqlDataSource dataSource, Caller caller, CancellationToken ct = default)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new("SET LOCAL ROLE gridmap_scoped"),
                    new("SELECT set_config('gridmap.scope', $1, true)"),
                    // Scope prefixes and search patterns vary per call; a generic plan would give up the indexes.
                    new("SET LOCAL plan_cache_mode = force_custom_plan"),
                },
            };
            batch.BatchCommands[1].Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Scope.Value });
            await batch.ExecuteNonQueryAsync(ct);
            return new ScopedConnection(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
