using GridMap.Domain;
using Npgsql;

namespace GridMap.Synthetic;

/// <summary>The grid codes of a county, for the generators that spread synthetic cases over them.</summary>
internal static class CountyGrids
{
    /// <summary>Every grid code under <paramref name="county"/>, in order; throws when there is none (boundaries not loaded).</summary>
    public static async Task<List<string>> ListAsync(NpgsqlDataSource dataSource, string county, CancellationToken ct)
    {
        var grids = new List<string>();
        await using (var read = dataSource.CreateCommand("SELECT code FROM grid WHERE starts_with(code, $1) ORDER BY code"))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = county });
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                grids.Add(reader.GetString(0));
        }
        return grids.Count > 0 ? grids : throw new InvalidOperationException($"No grids under {county}.");
    }
}

/// <summary>The span a generator spreads a year's cases over: the year in China time, cut at now while it runs.</summary>
internal static class SyntheticYear
{
    public static (DateTimeOffset Start, DateTimeOffset End) Span(int year, TimeProvider? time) =>
        (ChinaTime.StartOf(new DateOnly(year, 1, 1)),
         new[] { ChinaTime.StartOf(new DateOnly(year + 1, 1, 1)), (time ?? TimeProvider.System).GetUtcNow() }.Min());
}
