using GridMap.Domain.Codes;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Search;

public sealed record SearchHit(string Code, string Name, AdminLevel Level, string Path);

/// <summary>Finds units and grids by code prefix (digits) or Chinese name fragment (anything else).</summary>
public sealed class SearchStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int limit, CancellationToken ct = default)
    {
        var byCode = query.All(char.IsAsciiDigit);
        var escaped = EscapeLike(query);
        await using var command = dataSource.CreateCommand(SqlResource.Get("Search/Search.sql"));
        command.Parameters.AddWithValue("q", query);
        command.Parameters.AddWithValue("q_prefix", escaped + "%");
        command.Parameters.AddWithValue("pattern", "%" + escaped + "%");
        command.Parameters.AddWithValue("by_code", byCode);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var hits = new List<SearchHit>();
        while (await reader.ReadAsync(ct))
            hits.Add(new SearchHit(reader.GetString(0), reader.GetString(1), (AdminLevel)reader.GetInt32(2), reader.IsDBNull(3) ? "" : reader.GetString(3)));
        return hits;
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
