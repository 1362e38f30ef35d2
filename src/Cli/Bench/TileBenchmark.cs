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
        Say("uncached MVT, grids layer   tiles   service/s  raw ST_AsMVT/s  ratio  (≥0.70)   p50 ms   p99 ms   raw p50  raw p99");
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

    private async Task UncachedMvtAsync(int z, List<TileCoordinate> sample, CancellationToken ct)
    {
        // One untimed pass warms PostgreSQL's buffers and prepares the statement, so both timed runs start alike.
        await LatencyRecorder.RunAsync(sample, Workers, async (t, token) => (await store.GetTileAsync(TileLayers.Grids, t, token)).Length, ct);
        var raw = await LatencyRecorder.RunAsync(sample, Workers, async (t, token) => (await store.GetTileAsync(TileLayers.Grids, t, token)).Length, ct);
        await ClearAsync(ct);
        var service = await LatencyRecorder.RunAsync(sample, Workers, (t, token) => GetAsync($"tiles/grids/{t.Z}/{t.X}/{t.Y}.mvt", token), ct);
        Say(string.Create(CultureInfo.InvariantCulture,
            $"  z{z,-25} {sample.Count,6} {service.PerSecond,11:F0} {raw.PerSecond,15:F0} {service.PerSecond / raw.PerSecond,6:F2} {Verdict(service.PerSecond / raw.PerSecond >= 0.7),8} {service.Percentile(50),8:F1} {service.Percentile(99),8:F1} {raw.Percentile(50),9:F1} {raw.Percentile(99),8:F1}{(z == 12 ? $"  (p99 target <100 ms: {Verdict(service.Percentile(99) < 100)})" : "")}"));
    }

    private async Task LowZoomsAsync(NetTopologySuite.Geometries.Geometry outline, CancellationToken ct)
    {
        await ClearAsync(ct);
        var tileList = VectorTileStore.TilesOver(outline, 5, 9).ToList();
        foreach (var layer in TileLayers.All)
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
        var service = await Wrk.RequestsPerSecondAsync(new Uri(tiles.BaseAddress!, path).ToString(), options.Duration, ct);
        if (options.StaticDirectory is null || options.StaticUrl is null)
        {
            Say(string.Create(CultureInfo.InvariantCulture, $"cached MVT ({tile.Length / 1024.0:F1} KB tile), wrk 2 threads / 16 connections: {service:F0} req/s (no nginx yardstick given)"));
            return;
        }
        await File.WriteAllBytesAsync(Path.Combine(options.StaticDirectory, "tile.mvt"), tile, ct);
        var nginx = await Wrk.RequestsPerSecondAsync(options.StaticUrl.TrimEnd('/') + "/tile.mvt", options.Duration, ct);
        Say(string.Create(CultureInfo.InvariantCulture,
            $"cached MVT ({tile.Length / 1024.0:F1} KB tile), wrk 2 threads / 16 connections: service {service:F0} req/s, nginx static {nginx:F0} req/s, ratio {service / nginx:F2} (≥0.50: {Verdict(service / nginx >= 0.5)})"));
    }

    private async Task PngAsync(List<TileCoordinate> sample, CancellationToken ct)
    {
        await ClearAsync(ct);
        var service = await LatencyRecorder.RunAsync(sample, Workers, (t, token) => GetAsync($"tiles/grids/{t.Z}/{t.X}/{t.Y}.png", token), ct);
        if (options.MapServerUrl is null)
        {
            Say(string.Create(CultureInfo.InvariantCulture, $"PNG z12 uncached: service {service.PerSecond:F0} tiles/s, p50 {service.Percentile(50):F1} ms (no MapServer yardstick given)"));
            return;
        }
        using var mapserver = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        var baseUrl = options.MapServerUrl;
        var first = await mapserver.GetAsync(MapServerTile(baseUrl, sample[0], "png"), ct);
        if (first.Content.Headers.ContentType?.MediaType != "image/png")
            throw new InvalidOperationException($"MapServer did not answer a PNG: {await first.Content.ReadAsStringAsync(ct)}");
        var ms = await LatencyRecorder.RunAsync(sample, Workers, async (t, token) =>
        {
            using var response = await mapserver.GetAsync(MapServerTile(baseUrl, t, "png"), token);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadAsByteArrayAsync(token)).Length;
        }, ct);
        var msMvt = await LatencyRecorder.RunAsync(sample, Workers, async (t, token) =>
        {
            using var response = await mapserver.GetAsync(MapServerTile(baseUrl, t, "mvt"), token);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadAsByteArrayAsync(token)).Length;
        }, ct);
        Say(string.Create(CultureInfo.InvariantCulture,
            $"PNG z12 uncached ({sample.Count} tiles): service {service.PerSecond:F0} tiles/s (p50 {service.Percentile(50):F1} ms), MapServer 8 FastCGI {ms.PerSecond:F0} tiles/s, ratio {service.PerSecond / ms.PerSecond:F2} (≥2: {Verdict(service.PerSecond / ms.PerSecond >= 2)})"));
        Say(string.Create(CultureInfo.InvariantCulture, $"  (MapServer MVT z12 on the same tiles: {msMvt.PerSecond:F0} tiles/s)"));
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

internal sealed record TileBenchmarkOptions(int Samples, int PngSamples, int Duration, bool Seed, string? StaticDirectory, string? StaticUrl, string? MapServerUrl, string? Only = null);
