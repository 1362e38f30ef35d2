using System.Diagnostics;
using GridMap.Domain.Tiles;

namespace GridMap.Cli.Commands;

/// <summary>Requests a list of tiles from the tiling service so that it renders and caches them.</summary>
internal sealed class TileSeeder(HttpClient http, string layer, string suffix)
{
    public sealed record Summary(int Tiles, long Empty, long Bytes, double Seconds)
    {
        public double PerSecond => Tiles / Seconds;
    }

    public async Task<Summary> SeedAsync(IReadOnlyList<TileCoordinate> tiles, int concurrency, IProgress<(string Step, int Done, int Total)>? progress, CancellationToken ct)
    {
        long bytes = 0, empty = 0, done = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(tiles, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = ct },
            async (tile, token) =>
            {
                using var response = await http.GetAsync($"tiles/{layer}/{tile.Z}/{tile.X}/{tile.Y}{suffix}", token);
                if (!response.IsSuccessStatusCode)
                    throw new HttpRequestException($"Tile {tile} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
                var body = await response.Content.ReadAsByteArrayAsync(token);
                Interlocked.Add(ref bytes, body.Length);
                if (body.Length == 0)
                    Interlocked.Increment(ref empty);
                var count = Interlocked.Increment(ref done);
                if (count % 100 == 0 || count == tiles.Count)
                    progress?.Report(("tiles", (int)count, tiles.Count));
            });
        return new Summary(tiles.Count, empty, bytes, clock.Elapsed.TotalSeconds);
    }
}
