using GridMap.Domain.Codes;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Search;

public sealed record SearchHit(string Code, string Name, AdminLevel Level, string Path);

/// <summary>Finds units and grids by code prefix (digits) or Chinese name fragment (anything else).</summary>
public sealed class SearchStore(ReadReplicas replicas)
{
    // Reads only: on the standbys when there are any (issue 20, item 1).
    private NpgsqlDataSource Source => replicas.Reads;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int limit, CancellationToken ct = default)
    {
        var byCode = query.All(char.IsAsciiDigit);
        var escaped = EscapeLike(query);
        await using var command = Source.CreateCommand(SqlResource.Get("Search/Search.sql"));
        command.Parameters.AddWithValue("q", query);
        command.Parameters.AddWithValue("q_prefix", escaped + "%");
        command.Parameters.AddWithValue("pattern", "%" + escaped + "%");
        command.Parameters.AddWithValue("by_code", byCode);
        command.Parameters.AddWithValue("limit", limit);
        return await command.ListAsync(r => new SearchHit(r.GetString(0), r.GetString(1), (AdminLevel)r.GetInt32(2), r.IsDBNull(3) ? "" : r.GetString(3)), ct);
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
