using Npgsql;

namespace GridMap.Store.Database;

/// <summary>The stores' one way to run a command and read its rows into a list.</summary>
public static class Query
{
    /// <summary>Runs <paramref name="command"/> and maps every row with <paramref name="row"/>, in the order PostgreSQL returns them.</summary>
    public static async Task<List<T>> ListAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> row, CancellationToken ct = default)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await reader.ReadAsync(ct))
            list.Add(row(reader));
        return list;
    }
}
