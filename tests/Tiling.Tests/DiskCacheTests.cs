using System.Net;
using GridMap.Testing;

namespace GridMap.Tiling.Tests;

/// <summary>
/// The disk tier outlives the process and is a standard MBTiles archive. On a database of its own: a tile is written to
/// disk only if no invalidation arrived meanwhile, and other test projects record invalidations in the shared province.
/// </summary>
public class DiskCacheTests
{
    [Fact]
    public async Task Tiles_survive_a_restart_in_an_MBTiles_file_that_GDAL_opens()
    {
        await using var db = await Testing.TestDatabases.CreateAsync("diskcache", withProvince: true);
        var cache = Path.Combine(Path.GetTempPath(), "gridmap-tiles-" + Guid.NewGuid().ToString("N"));
        try
        {
            const string path = "/tiles/grids/12/3332/1606.mvt";
            byte[] first;
            await using (var before = TilingHost.Start(db.ConnectionString, cache))
            {
                using var response = await before.Client.GetAsync(path);
                Assert.Equal("MISS", response.Headers.GetValues("X-Cache").Single());
                first = await response.Content.ReadAsByteArrayAsync();
            }
            await using (var after = TilingHost.Start(db.ConnectionString, cache))
            {
                using var response = await after.Client.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("HIT", response.Headers.GetValues("X-Cache").Single());
                Assert.Equal(first, await response.Content.ReadAsByteArrayAsync());
            }

            var archive = Directory.GetFiles(cache, "grids.mvt.mbtiles", SearchOption.AllDirectories).Single();
            var summary = VectorTileTests.Run("ogrinfo", "-ro", "-so", archive, "grids");
            Assert.Contains("Feature Count:", summary);
            Assert.Contains("code: String", summary);
        }
        finally
        {
            await TempFolders.DeleteAsync(cache);
        }
    }
}
