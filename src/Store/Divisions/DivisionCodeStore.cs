using GridMap.Domain.Crosswalk;
using GridMap.Store.Database;
using Npgsql;

namespace GridMap.Store.Divisions;

/// <summary>A GridMap village an outside code stands for, with its label point (lon/lat) for placing a report.</summary>
public sealed record VillageMatch(VillageCandidate Village, double Lon, double Lat);

/// <summary>
/// Turns village codes arriving from outside into GridMap villages: GridMap's own (2016) codes, and the 2023
/// statistical codes that departments and other systems use today, through the crosswalk loaded with the province
/// (<c>division_code_2023</c>, from <c>data/boundaries/crosswalk-2023-to-2016.csv</c>).
/// </summary>
public sealed class DivisionCodeStore(NpgsqlDataSource dataSource)
{
    /// <summary>The villages <paramref name="code"/> stands for: none for an unknown code, several for a merged 2023 village.</summary>
    public async Task<IReadOnlyList<VillageMatch>> VillagesForAsync(string code, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Divisions/VillagesForCode.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = code });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var matches = new List<VillageMatch>();
        while (await reader.ReadAsync(ct))
            matches.Add(new VillageMatch(new VillageCandidate(reader.GetString(0), reader.GetString(1)), reader.GetDouble(2), reader.GetDouble(3)));
        return matches;
    }

    /// <summary>The 2023 codes that stand for <paramref name="villageCode"/>, alone or with other villages.</summary>
    public async Task<IReadOnlySet<string>> Codes2023OfAsync(string villageCode, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(SqlResource.Get("Divisions/Codes2023Of.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = villageCode });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
            codes.Add(reader.GetString(0));
        return codes;
    }

    /// <summary>Every village code GridMap understands (about 52,000: its own and the 2023 ones), for checking a file row by row.</summary>
    public static async Task<IReadOnlySet<string>> KnownVillageCodesAsync(NpgsqlConnection connection, CancellationToken ct = default)
    {
        await using var command = new NpgsqlCommand(SqlResource.Get("Divisions/KnownVillageCodes.sql"), connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
            codes.Add(reader.GetString(0));
        return codes;
    }
}
