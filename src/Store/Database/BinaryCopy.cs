using Npgsql;
using NpgsqlTypes;

namespace GridMap.Store.Database;

/// <summary>Bulk loads through <c>COPY … FROM STDIN (FORMAT BINARY)</c>: one way to stream rows and one way to write NULL.</summary>
public static class BinaryCopy
{
    /// <summary>
    /// Streams <paramref name="rows"/> through <paramref name="copySql"/>; <paramref name="writeRow"/> writes one row's
    /// fields (the row and its index). Reports every <paramref name="progressEvery"/> rows and once at the end.
    /// </summary>
    public static async Task WriteAsync<T>(NpgsqlConnection connection, string copySql, IReadOnlyList<T> rows,
        Action<NpgsqlBinaryImporter, T, int> writeRow, Action<int>? progress = null, int progressEvery = 10_000, CancellationToken ct = default)
    {
        await using (var writer = await connection.BeginBinaryImportAsync(copySql, ct))
        {
            writer.Timeout = TimeSpan.Zero; // the end of a COPY waits for its foreign-key checks: seconds, more on a busy server
            // Rows are written synchronously into the importer's buffer (a flush blocks briefly): a million awaits cost
            // more than the blocking does.
            for (var i = 0; i < rows.Count; i++)
            {
                writer.StartRow();
                writeRow(writer, rows[i], i);
                if ((i + 1) % 1_000 == 0)
                    ct.ThrowIfCancellationRequested();
                if ((i + 1) % progressEvery == 0)
                    progress?.Invoke(i + 1);
            }
            await writer.CompleteAsync(ct);
        }
        progress?.Invoke(rows.Count);
    }

    /// <summary>Writes <paramref name="value"/>, or NULL.</summary>
    public static void WriteOrNull<T>(this NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type) where T : class
    {
        if (value is null)
            writer.WriteNull();
        else
            writer.Write(value, type);
    }

    /// <summary>Writes <paramref name="value"/>, or NULL.</summary>
    public static void WriteOrNull<T>(this NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is { } v)
            writer.Write(v, type);
        else
            writer.WriteNull();
    }
}
