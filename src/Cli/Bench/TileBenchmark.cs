using System.Globalization;
using GridMap.Cli.Commands;
using GridMap.Domain.Tiles;
using GridMap.Store.Tiles;
using Npgsql;

namespace GridMap.Cli.Bench;

/// <summary>
/// Measures the tiling service and its yardsticks in one run, side by side: the raw ST_AsMVT statement straight
/// against PostGIS, nginx serving a static tile (wrk), and MapServer 8 over FastCGI, and prints the ratios.
/// </summary>
internal sealed class TileBenchmark(NpgsqlDataSource dataSource, HttpClient tiles, TileBenchmarkOptions options, TextWriter output)
{
    private static readonly int Workers = int.TryParse(Environment.GetEnvironmentVariable("GRIDMAP_BENCH_WORKERS"), out var w) ? w : 2;
    private readonly VectorTileStore store = new(dataSource);

    public async Task RunAsync(CancellationToken ct)
    {
        Say($"GridMap tile benchmark · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · {CpuModel()} · {Workers} concurrent clients");
        var outline = await store.GetProvinceOutline3857Async(ct);
        var random = new Random(2013);
        List<TileCoordinate> Sample(int z, int count) =>
            [.. VectorTileStore.TilesOver(outline, z, z).OrderBy(_ => random.Next()).Take(count)];

        bool Part(string name) => options.Only is null || options.Only == name;
        if (Part("mvt"))
        {
        Say("");
        Say("uncached MVT, grids layer   tiles   service/s  pgbench raw/s   ratio  (≥0.70)   p50 ms   p99 ms");
        await WarmUpAsync([.. Sample(13, options.Samples), .. Sample(11, options.Samples)], ct);
        foreach (var z in new[] { 10, 12, 14 })
            await UncachedMvtAsync(z, Sample(z, options.Samples), ct);
        }

        if (Part("lowzoom"))
        {
            Say("");
            Say("low zooms z5–z9, uncached   tiles   largest KB  (≤500)   p50 ms (<50)   p99 ms");
            await LowZoomsAsync(outline, ct);
        }

        if (Part("cached"))
        {
            Say("");
            await CachedAsync(ct);
        }

        if (Part("png"))
        {
            Say("");
            await PngAsync(Sample(12, options.PngSamples), ct);
        }

        if (options.Seed || options.Only == "seed")
        {
            Say("");
            await SeedAsync(outline, ct);
        }
    }

    private string MvtPath(TileCoordinate t) => $"{tiles.BaseAddress!.AbsolutePath}tiles/grids/{t.Z}/{t.X}/{t.Y}.mvt";

    private string Host => tiles.BaseAddress!.GetLeftPart(UriPartial.Authority);

    /// <summary>
    /// A service just started runs partly unoptimised code (`perf` shows the JIT busy: tiered compilation, then dynamic
    /// PGO's re-compiles): 60 s of uncached tiles of zooms the run does not time come first, so that every timed figure
    /// is the service's steady state.
    /// </summary>
    private async Task WarmUpAsync(List<TileCoordinate> warmTiles, CancellationToken ct)
    {
        await ClearAsync(ct);
        await Wrk.RunPathsAsync(Host, [.. warmTiles.Select(MvtPath)], Workers, 60, ct);
    }

    /// <summary>
    /// The service (wrk, 2 connections, each tile of a shuffled list at most once, cache emptied first) against pgbench
    /// running the same statement with 2 clients over the same tiles. pgbench's rate bounds the service's, so the timed
    /// service run is sized to end before the list does; a short pilot warms the service first.
    /// </summary>
    private async Task UncachedMvtAsync(int z, List<TileCoordinate> tilesAtZoom, CancellationToken ct)
    {
        var pilot = tilesAtZoom.Take(Math.Max(100, tilesAtZoom.Count / 10)).ToList();
        var main = tilesAtZoom.Skip(pilot.Count).ToList();

        await ClearAsync(ct);
        await Wrk.RunPathsAsync(Host, [.. pilot.Select(MvtPath)], Workers, 3, ct);
        var raw = await PgBench.TilesPerSecondAsync(dataSource, options.ConnectionString, TileLayers.Grids.Sql, main, Workers, options.Duration, ct);
        var seconds = Math.Clamp(Math.Floor(0.9 * main.Count / raw), 1, options.Duration);
        await ClearAsync(ct);
        var service = await Wrk.RunPathsAsync(Host, [.. main.Select(MvtPath)], Workers, seconds, ct);
        var ratio = service.RequestsPerSecond / raw;
        var note = service.Requests > main.Count ? "  (list exhausted: some hits)" : "";
        Say(string.Create(CultureInfo.InvariantCulture,
            $"  z{z,-25} {service.Requests,6} {service.RequestsPerSecond,11:F0} {raw,15:F0} {ratio,6:F2} {Verdict(ratio >= 0.7),8} {service.P50Ms,8:F1} {service.P99Ms,8:F1}{(z == 12 ? $"  (p99 <100 ms: {Verdict(service.P99Ms < 100)})" : "")}{note}"));
    }

    private async Task LowZoomsAsync(NetTopologySuite.Geometries.Geometry outline, CancellationToken ct)
    {
        await ClearAsync(ct);
        var tileList = VectorTileStore.TilesOver(outline, 5, 9).ToList();
        foreach (var layer in TileLayers.Public)
        {
            var result = await LatencyRecorder.RunAsync(tileList, Workers, (t, token) => GetAsync($"tiles/{layer.Name}/{t.Z}/{t.X}/{t.Y}.mvt", token), ct);
            Say(string.Create(CultureInfo.InvariantCulture,
                $"  {layer.Name,-26} {result.Count,6} {result.MaxBytes / 1024.0,11:F1} {Verdict(result.MaxBytes <= 500 * 1024),8} {result.Percentile(50),10:F1} {Verdict(result.Percentile(50) < 50),5} {result.Percentile(99),8:F1}"));
        }
    }

    private async Task CachedAsync(CancellationToken ct)
    {
        const string path = "tiles/grids/12/3332/1606.mvt";
        var tile = await tiles.GetByteArrayAsync(path, ct);
        if (!Wrk.Available)
        {
            Say("cached MVT: wrk is not installed (Debian package wrk); skipped");
            return;
        }
        var service = (await Wrk.RunAsync(new Uri(tiles.BaseAddress!, path).ToString(), options.Duration, ct)).RequestsPerSecond;
        if (options.StaticDirectory is null || options.StaticUrl is null)
        {
            Say(string.Create(CultureInfo.InvariantCulture, $"cached MVT ({tile.Length / 1024.0:F1} KB tile), wrk 2 threads / 16 connections: {service:F0} req/s (no nginx yardstick given)"));
            return;
        }
        await File.WriteAllBytesAsync(Path.Combine(options.StaticDirectory, "tile.mvt"), tile, ct);
        var nginx = (await Wrk.RunAsync(options.StaticUrl.TrimEnd('/') + "/tile.mvt", options.Duration, ct)).RequestsPerSecond;
        Say(string.Create(CultureInfo.InvariantCulture,
            $"cached MVT ({tile.Length / 1024.0:F1} KB tile), wrk 2 threads / 16 connections: service {service:F0} req/s, nginx static {nginx:F0} req/s, ratio {service / nginx:F2} (≥0.50: {Verdict(service / nginx >= 0.5)})"));
    }

    /// <summary>PNG z12, uncached, each tile of the list once with 2 clients: the service against MapServer 8 (FastCGI).</summary>
    private async Task PngAsync(List<TileCoordinate> sample, CancellationToken ct)
    {
        await ClearAsync(ct);
        await LatencyRecorder.RunAsync(sample.Take(50).ToList(), Workers, (t, token) => GetAsync($"tiles/grids/{t.Z}/{t.X}/{t.Y}.png", token), ct);
        await ClearAsync(ct);
        var service = await LatencyRecorder.RunAsync(sample, Workers, (t, token) => GetAsync($"tiles/grids/{t.Z}/{t.X}/{t.Y}.png", token), ct);
        if (options.MapServerUrl is null)
        {
            Say(string.Create(CultureInfo.InvariantCulture, $"PNG z12 uncached ({sample.Count} tiles): service {service.PerSecond:F0} tiles/s, p50 {service.Percentile(50):F1} ms (no MapServer yardstick given)"));
            return;
        }
        using var mapserver = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        async Task<int> FromMapServer(TileCoordinate t, string format, CancellationToken token)
        {
            using var response = await mapserver.GetAsync(MapServerTile(options.MapServerUrl, t, format), token);
            var body = await response.Content.ReadAsByteArrayAsync(token);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType is "text/html")
                throw new InvalidOperationException($"MapServer failed on {t}: {System.Text.Encoding.UTF8.GetString(body)}");
            return body.Length;
        }
        await LatencyRecorder.RunAsync(sample.Take(50).ToList(), Workers, (t, token) => FromMapServer(t, "png", token), ct);
        var png = await LatencyRecorder.RunAsync(sample, Workers, (t, token) => FromMapServer(t, "png", token), ct);
        var mvt = await LatencyRecorder.RunAsync(sample, Workers, (t, token) => FromMapServer(t, "mvt", token), ct);
        var ratio = service.PerSecond / png.PerSecond;
        Say(string.Create(CultureInfo.InvariantCulture,
            $"PNG z12 uncached ({sample.Count} tiles, 2 clients): service {service.PerSecond:F0} tiles/s (p50 {service.Percentile(50):F1} ms), MapServer 8 FastCGI {png.PerSecond:F0} tiles/s (p50 {png.Percentile(50):F1} ms), ratio {ratio:F2} (≥2: {Verdict(ratio >= 2)})"));
        Say(string.Create(CultureInfo.InvariantCulture, $"  MapServer MVT z12 on the same tiles: {mvt.PerSecond:F0} tiles/s"));
    }

    private static string MapServerTile(string baseUrl, TileCoordinate t, string format) =>
        $"{baseUrl}{(baseUrl.Contains('?') ? '&' : '?')}mode=tile&tilemode=gmap&tile={t.X}+{t.Y}+{t.Z}&layers=grids&map.imagetype={format}";

    private async Task SeedAsync(NetTopologySuite.Geometries.Geometry outline, CancellationToken ct)
    {
        await ClearAsync(ct);
        var tileList = VectorTileStore.TilesOver(outline, 0, 14).ToList();
        var summary = await new TileSeeder(tiles, "grids", ".mvt").SeedAsync(tileList, Environment.ProcessorCount * 2, new ProgressPrinter(), ct);
        Say(string.Create(CultureInfo.InvariantCulture,
            $"seeding grids z0–z14: {summary.Tiles:N0} tiles ({summary.Empty:N0} empty), {summary.Bytes / 1048576.0:F1} MB in {summary.Seconds:F1} s = {summary.PerSecond:F0} tiles/s"));
    }

    private async Task<int> GetAsync(string path, CancellationToken ct)
    {
        using var response = await tiles.GetAsync(path, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{path} answered {(int)response.StatusCode}");
        return (await response.Content.ReadAsByteArrayAsync(ct)).Length;
    }

    private async Task ClearAsync(CancellationToken ct)
    {
        using var response = await tiles.PostAsync("tiles/cache/clear", null, ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException("The tiling service refused to clear its cache: start it with Tiling:AllowCacheAdmin=true (./bench.sh does).");
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    private void Say(string line) => output.WriteLine(line);

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}

internal sealed record TileBenchmarkOptions(
    string ConnectionString, int Samples, int PngSamples, int Duration, bool Seed, string? StaticDirectory, string? StaticUrl, string? MapServerUrl, string? Only);
