using SkiaSharp;

namespace GridMap.Tiling.Tests;

public class RasterTileTests(TilingFixture tiling) : IClassFixture<TilingFixture>
{
    [Theory]
    [InlineData("/tiles/grids/14/13329/6426.png", 256, "zhangzi-grids-z14.png")]
    [InlineData("/tiles/grids/14/13329/6426@2x.png", 512, "zhangzi-grids-z14@2x.png")]
    [InlineData("/tiles/admin/8/208/100.png", 256, "changzhi-admin-z8.png")]
    public async Task PNG_tiles_match_their_golden_images(string path, int size, string golden)
    {
        using var response = await tiling.Client.GetAsync(path);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var png = await response.Content.ReadAsByteArrayAsync();
        using var actual = SKBitmap.Decode(png);
        Assert.Equal(size, actual.Width);
        Assert.Equal(size, actual.Height);

        var goldenPath = Path.Combine(Fixtures.Tiles, golden);
        if (Environment.GetEnvironmentVariable("GRIDMAP_UPDATE_SNAPSHOTS") == "1")
            await File.WriteAllBytesAsync(goldenPath, png);
        using var expected = SKBitmap.Decode(goldenPath);
        // Anti-aliasing and font hinting may move a few edge pixels; the picture must not change.
        var differing = 0;
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var (a, b) = (actual.GetPixel(x, y), expected.GetPixel(x, y));
                if (Math.Abs(a.Red - b.Red) > 24 || Math.Abs(a.Green - b.Green) > 24 || Math.Abs(a.Blue - b.Blue) > 24 || Math.Abs(a.Alpha - b.Alpha) > 24)
                    differing++;
            }
        Assert.True(differing < size * size / 100, $"{differing} of {size * size} pixels differ from {golden}");
    }

    [Fact]
    public async Task Vacant_grids_are_painted_in_the_vacancy_colour()
    {
        var vacant = await tiling.Province.ScalarAsync<string>(
            "SELECT min(g.code) FROM grid g WHERE NOT EXISTS (SELECT 1 FROM grid_manager m WHERE m.grid_code = g.code)");
        await using var command = tiling.Province.DataSource.CreateCommand("SELECT ST_X(label_point_3857), ST_Y(label_point_3857) FROM grid WHERE code = $1");
        command.Parameters.Add(new() { Value = vacant });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (mx, my) = (reader.GetDouble(0), reader.GetDouble(1));
        const int z = 15;
        var size = 2 * Domain.Tiles.TileCoordinate.WorldHalfWidth / (1 << z);
        var tx = (int)((mx + Domain.Tiles.TileCoordinate.WorldHalfWidth) / size);
        var ty = (int)((Domain.Tiles.TileCoordinate.WorldHalfWidth - my) / size);
        var px = (int)((mx + Domain.Tiles.TileCoordinate.WorldHalfWidth) / size * 256) % 256;
        var py = (int)((Domain.Tiles.TileCoordinate.WorldHalfWidth - my) / size * 256) % 256;

        var png = await tiling.Client.GetByteArrayAsync($"/tiles/grids/{z}/{tx}/{ty}.png");
        using var bitmap = SKBitmap.Decode(png);
        // The label point's pixel, or a neighbour just off the label text, carries the vacancy fill.
        var expected = SKColor.Parse(Rendering.MapStyle.GridVacantFill);
        var found = Enumerable.Range(-12, 25).SelectMany(dx => Enumerable.Range(-12, 25).Select(dy => (dx, dy)))
            .Where(d => px + d.dx is >= 0 and < 256 && py + d.dy is >= 0 and < 256)
            .Any(d => bitmap.GetPixel(px + d.dx, py + d.dy) == expected);
        Assert.True(found, $"no vacancy colour near the label point of {vacant}");
    }
}
