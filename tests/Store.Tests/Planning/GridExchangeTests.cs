using System.IO.Compression;
using System.Text;
using System.Text.Json;
using GridMap.Domain.Codes;
using GridMap.Store.Planning.Exchange;
using GridMap.Testing;
using NetTopologySuite.Geometries;

namespace GridMap.Store.Tests.Planning;

/// <summary>
/// Exports of 长子县 and one of its villages in every format, read back by GDAL (count, CRS, Chinese text, areas)
/// and by GridMap's own reader (same codes, topologically equal polygons); no personal data in any of them.
/// </summary>
public sealed class GridExchangeTests(ProvinceFixture province) : IClassFixture<ProvinceFixture>, IDisposable
{
    private const string County = "140428";
    private const string Village = "140428203211"; // 西沟村, 18 grids
    private readonly string folder = Directory.CreateTempSubdirectory("gridmap-exchange-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<(string Path, IReadOnlyList<ExchangeGrid> Grids)> ExportAsync(string unit, GridExchangeFormat format)
    {
        var store = new GridExportStore(province.DataSource);
        var code = AdminCode.Parse(unit);
        var grids = await store.ListAsync(code);
        var path = Path.Combine(folder, format.FileName(unit));
        await using (var file = File.Create(path))
            await GridExchangeWriter.WriteAsync(grids, format, $"{await store.GetUnitNameAsync(code)} {unit}", file);
        return (path, grids);
    }

    public static TheoryData<string, GridExchangeFormat> Exports() => new()
    {
        { County, GridExchangeFormat.GeoJson }, { County, GridExchangeFormat.Shapefile }, { County, GridExchangeFormat.GeoPackage },
        { Village, GridExchangeFormat.GeoJson }, { Village, GridExchangeFormat.Shapefile }, { Village, GridExchangeFormat.GeoPackage },
    };

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task GDAL_reads_the_export_with_every_grid_in_CGCS2000_its_Chinese_names_and_areas(string unit, GridExchangeFormat format)
    {
        var (path, _) = await ExportAsync(unit, format);
        var source = Gdal.Source(path);
        var summary = Gdal.Run("ogrinfo", "-ro", "-so", "-al", source);

        var expected = await province.ScalarAsync<long>("SELECT count(*) FROM grid WHERE code LIKE $1", unit + "%");
        Assert.Equal(expected, Gdal.FeatureCount(summary));
        if (format == GridExchangeFormat.GeoJson)
            Assert.Contains("WGS 84", summary); // RFC 7946: GeoJSON is read as WGS 84; the coordinates are CGCS2000, within a metre of it.
        else
        {
            Assert.Contains("China Geodetic Coordinate System 2000", summary);
            var epsg = Gdal.Run("gdalsrsinfo", "-e", "-o", "epsg", source);
            Assert.Contains("EPSG:4490", epsg);
        }
        foreach (var field in new[] { "code: String", "village: String", "village_nm: String", "name: String", "area_m2: Real", "households: Integer", "manager: String" })
            Assert.Contains(field, summary);

        // Every polygon as GDAL reads it, compared in PostGIS with the stored grid: same code, same area, same shape.
        var geojson = Gdal.Run("ogr2ogr", "-f", "GeoJSON", "-lco", "SIGNIFICANT_FIGURES=17", "/vsistdout/", source);
        var compared = await province.ScalarAsync<string>("""
            WITH f AS (
                SELECT j -> 'properties' ->> 'code' AS code, j -> 'properties' ->> 'village_nm' AS village_name,
                       (j -> 'properties' ->> 'area_m2')::float8 AS area_m2,
                       ST_SetSRID(ST_GeomFromGeoJSON(j ->> 'geometry'), 4490) AS geom
                FROM jsonb_array_elements($1::jsonb -> 'features') j)
            SELECT count(*) || ' ' ||
                   count(*) FILTER (WHERE f.village_name = v.name) || ' ' ||
                   count(*) FILTER (WHERE abs(f.area_m2 - g.area_m2) <= 0.05) || ' ' ||
                   count(*) FILTER (WHERE abs(ST_Area(f.geom) - ST_Area(g.geom)) <= 1e-9 * ST_Area(g.geom)) || ' ' ||
                   count(*) FILTER (WHERE ST_HausdorffDistance(f.geom, g.geom) < 1e-9)
            FROM f JOIN grid g ON g.code = f.code JOIN admin_unit v ON v.code = g.village_code
            """, geojson);
        Assert.Equal(string.Join(' ', Enumerable.Repeat(expected, 5)), compared);
    }

    [Theory]
    [InlineData(GridExchangeFormat.GeoJson)]
    [InlineData(GridExchangeFormat.Shapefile)]
    [InlineData(GridExchangeFormat.GeoPackage)]
    public async Task A_village_exported_and_imported_comes_back_with_the_same_codes_and_equal_polygons(GridExchangeFormat format)
    {
        var (path, grids) = await ExportAsync(Village, format);
        var imported = GridFileReader.Read([new ExchangeFile(Path.GetFileName(path), await File.ReadAllBytesAsync(path))], AdminCode.Parse(Village));

        Assert.Empty(imported.Problems);
        Assert.True(imported.IsClean);
        Assert.Equal(grids.Select(g => g.Code), imported.Grids.Select(g => g.Code?.Value));
        Assert.All(imported.Grids, g => Assert.Equal(4490, g.Geometry.SRID));
        Assert.All(imported.Grids.Zip(grids), pair => Assert.True(pair.First.Geometry.EqualsTopologically(pair.Second.Geometry), pair.Second.Code));
    }

    [Fact]
    public async Task The_parts_of_a_shapefile_uploaded_loose_read_like_the_zip()
    {
        var (path, grids) = await ExportAsync(Village, GridExchangeFormat.Shapefile);
        using var zip = ZipFile.OpenRead(path);
        var parts = zip.Entries.Select(e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return new ExchangeFile(e.Name, copy.ToArray());
        }).ToList();
        Assert.Equal(["grids.shp", "grids.shx", "grids.dbf", "grids.prj", "grids.cpg"], parts.Select(p => p.Name));

        var imported = GridFileReader.Read(parts, AdminCode.Parse(Village));
        Assert.Empty(imported.Problems);
        Assert.Equal(grids.Select(g => g.Code), imported.Grids.Select(g => g.Code?.Value));
    }

    [Fact]
    public async Task No_export_holds_a_managers_name_or_phone()
    {
        var phones = (await province.ScalarAsync<string[]>(
            "SELECT array_agg(m.phone) FROM grid_manager m WHERE m.grid_code LIKE $1", County + "%")).ToList();
        // Synthetic names are short and a few coincide with part of a village name: those prove nothing either way.
        var names = (await province.ScalarAsync<string[]>("""
            SELECT array_agg(DISTINCT m.name) FROM grid_manager m
            WHERE m.grid_code LIKE $1
              AND NOT EXISTS (SELECT 1 FROM admin_unit v WHERE v.code LIKE $1 AND strpos(v.name, m.name) > 0)
            """, County + "%")).ToList();
        Assert.True(phones.Count > 3000 && names.Count > 1000, $"{phones.Count} phones, {names.Count} names");

        foreach (var format in Enum.GetValues<GridExchangeFormat>())
        {
            var (path, _) = await ExportAsync(County, format);
            var text = string.Join("\n", ExportedTexts(path));
            Assert.DoesNotContain(phones, text.Contains);
            Assert.DoesNotContain(names, text.Contains);
            Assert.Contains("西沟村", text); // the check reads the text where names would be
        }
    }

    [Fact]
    public async Task The_CLI_writes_the_same_file_with_progress_and_refuses_a_city()
    {
        var path = Path.Combine(folder, "cli.zip");
        var (exit, output, _) = await RunCliAsync("grids", "export", "--unit", Village, "--format", "shapefile", "--out", path, "--db", province.ConnectionString);
        Assert.Equal(0, exit);
        Assert.Contains("18 grids of 西沟村", output);
        Assert.Contains("100 %", output);
        Assert.Equal(18, Gdal.FeatureCount(Gdal.Run("ogrinfo", "-ro", "-so", "-al", Gdal.Source(path))));

        var (refused, _, error) = await RunCliAsync("grids", "export", "--unit", "1404", "--db", province.ConnectionString);
        Assert.Equal(2, refused);
        Assert.Contains("city", error);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args)
    {
        var cli = typeof(GridMap.Cli.Commands.CommandTree).Assembly.Location;
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", ["exec", cli, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>The bytes of an export as text, a zip's entries unpacked.</summary>
    private static IEnumerable<string> ExportedTexts(string path)
    {
        if (!path.EndsWith(".zip", StringComparison.Ordinal))
        {
            yield return Encoding.UTF8.GetString(File.ReadAllBytes(path));
            yield break;
        }
        using var zip = ZipFile.OpenRead(path);
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
            yield return reader.ReadToEnd();
        }
    }

    [Fact]
    public async Task Hostile_text_in_attributes_is_written_and_read_back_as_plain_data()
    {
        const string hostile = "'; DROP TABLE grid; -- \"<script>alert(1)</script>\" 西沟村,\\n";
        var square = new WKTReaderFactory().Polygon("MULTIPOLYGON (((112.5 36.1, 112.51 36.1, 112.51 36.11, 112.5 36.11, 112.5 36.1)))");
        var grids = new[] { new ExchangeGrid("140428203211001", Village, hostile, hostile, 1234.5, 30, false, square) };
        foreach (var format in Enum.GetValues<GridExchangeFormat>())
        {
            var path = Path.Combine(folder, "hostile" + format.FileExtension());
            await using (var file = File.Create(path))
                await GridExchangeWriter.WriteAsync(grids, format, hostile, file);
            var geojson = Gdal.Run("ogr2ogr", "-f", "GeoJSON", "/vsistdout/", Gdal.Source(path));
            var properties = JsonDocument.Parse(geojson).RootElement.GetProperty("features")[0].GetProperty("properties");
            Assert.Equal(hostile, properties.GetProperty("village_nm").GetString());
            Assert.Equal(hostile, properties.GetProperty("name").GetString());
            Assert.Equal("vacant", properties.GetProperty("manager").GetString());
        }
    }
}

/// <summary>WKT fixtures in CGCS2000.</summary>
internal sealed class WKTReaderFactory
{
    private readonly NetTopologySuite.IO.WKTReader reader = new(Boundaries.Geo.Factory.GeometryServices);

    public Geometry Polygon(string wkt)
    {
        var geometry = reader.Read(wkt);
        geometry.SRID = 4490;
        return geometry;
    }
}
