using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using GridMap.Domain.Tiles;
using GridMap.Store.Tiles;
using GridMap.Tiling.Rendering;

namespace GridMap.Tiling.Tests;

/// <summary>Named tiles as readable snapshots, read back by our decoder and by GDAL; HTTP caching semantics.</summary>
public class VectorTileTests(TilingFixture tiling) : IClassFixture<TilingFixture>
{
    private async Task<byte[]> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await tiling.Client.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Theory]
    [InlineData("grids", 12, 3332, 1606, "zhangzi-grids-z12.txt")]  // 长子县 seat
    [InlineData("grids", 14, 13329, 6426, "zhangzi-grids-z14.txt")] // rural 长子县 with label points
    [InlineData("admin", 10, 833, 401, "county-border-admin-z10.txt")] // 长子县 and its neighbours
    [InlineData("admin", 6, 52, 25, "province-admin-z6.txt")]
    public async Task Named_tiles_match_their_snapshots(string layer, int z, int x, int y, string snapshot)
    {
        var tile = await GetAsync($"/tiles/{layer}/{z}/{x}/{y}.mvt");
        Fixtures.MatchSnapshot(snapshot, MvtReader.Dump(tile));
    }

    [Fact]
    public async Task A_tile_across_a_county_border_holds_grids_of_both_counties()
    {
        // z12 tile 3328/1607 holds 长子县 (140428), 安泽县 (141026) and 沁水县 (140521) where they meet.
        var tile = MvtReader.Read(await GetAsync("/tiles/grids/12/3328/1607.mvt"));
        var counties = tile.Single(l => l.Name == "grids").Features.Select(f => ((string)f.Attributes["code"])[..6]).Distinct().ToList();
        Assert.Equal(["140428", "140521", "141026"], counties.Order());
    }

    [Theory]
    [InlineData("/tiles/grids/12/0/0.mvt")]         // far from Shanxi
    [InlineData("/tiles/grids/10/833/401.mvt")]     // grids start at z11
    [InlineData("/tiles/admin/14/0/0.mvt")]
    public async Task Empty_tiles_are_204(string path) => Assert.Empty(await GetAsync(path, HttpStatusCode.NoContent));

    [Fact]
    public async Task Grid_tiles_carry_codes_staffing_and_no_personal_data()
    {
        var layer = MvtReader.Read(await GetAsync("/tiles/grids/12/3332/1606.mvt")).Single(l => l.Name == "grids");
        Assert.All(layer.Features, f =>
        {
            Assert.Equal(["area_m2", "code", "status", "village"], f.Attributes.Keys.Order());
            Assert.Matches("^[0-9]{15}$", (string)f.Attributes["code"]);
            Assert.Contains((string)f.Attributes["status"], new[] { "staffed", "vacant" });
            Assert.Equal(ulong.Parse((string)f.Attributes["code"]), f.Id);
        });
    }

    [Fact]
    public async Task GDAL_reads_our_tile_as_an_independent_decoder()
    {
        var bytes = await GetAsync("/tiles/grids/14/13329/6426.mvt");
        var ours = MvtReader.Read(bytes);
        var folder = Path.Combine(Path.GetTempPath(), "gridmap-gdal-" + Guid.NewGuid().ToString("N"));
        var file = Path.Combine(folder, "14", "13329", "6426.pbf");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, bytes);
        try
        {
            // CLIP=NO: our tiles carry a 64-unit buffer (label points just outside the square), which GDAL clips by default.
            var output = Run("ogrinfo", "-ro", "-al", "-q", "-oo", "CLIP=NO", file);
            foreach (var layer in ours)
            {
                Assert.Contains($"Layer name: {layer.Name}", output);
                foreach (var feature in layer.Features)
                    Assert.Contains($"code (String) = {feature.Attributes["code"]}", output);
            }
            var grids = ours.Single(l => l.Name == "grids");
            Assert.Equal(grids.Features.Count, CountFeatures(Run("ogrinfo", "-ro", "-so", "-oo", "CLIP=NO", file, "grids")));
            // Georeferenced from the z/x/y path: the features lie in 长子县 (lon 112.8–113.0, lat 36.0–36.2).
            var extent = Run("ogrinfo", "-ro", "-so", file, "grids").Split('\n').Single(l => l.StartsWith("Extent:"));
            Assert.Contains("(1256", extent); // EPSG:3857 x ≈ 12,56x,xxx m
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int CountFeatures(string summary) =>
        int.Parse(summary.Split('\n').Single(l => l.StartsWith("Feature Count:"))["Feature Count:".Length..].Trim());

    internal static string Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
        return output;
    }

    [Fact]
    public async Task Tiles_carry_an_ETag_and_answer_304_when_it_matches()
    {
        using var first = await tiling.Client.GetAsync("/tiles/grids/13/6664/3212.mvt");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Contains("max-age", first.Headers.CacheControl!.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/tiles/grids/13/6664/3212.mvt");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await tiling.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal("HIT", second.Headers.GetValues("X-Cache").Single());
    }

    [Fact]
    public async Task Gzip_is_sent_when_asked_and_unpacks_to_the_same_tile()
    {
        var plain = await GetAsync("/tiles/grids/12/3331/1606.mvt");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/tiles/grids/12/3331/1606.mvt");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await tiling.Client.SendAsync(request);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        await using var unzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var copy = new MemoryStream();
        await unzip.CopyToAsync(copy);
        Assert.Equal(plain, copy.ToArray());
    }

    [Fact]
    public async Task Low_zoom_tiles_stay_under_500_KB()
    {
        var store = new VectorTileStore(tiling.Province.DataSource);
        var outline = await store.GetProvinceOutline3857Async();
        var largest = 0;
        foreach (var tile in VectorTileStore.TilesOver(outline, 5, 9))
            foreach (var layer in TileLayers.Public)
                largest = Math.Max(largest, (await store.GetTileAsync(layer, tile)).Length);
        Assert.InRange(largest, 1, 500 * 1024);
    }
}
