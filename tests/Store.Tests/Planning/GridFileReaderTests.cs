using System.IO.Compression;
using System.Text;
using System.Text.Json;
using GridMap.Domain.Codes;
using GridMap.Store.Boundaries;
using GridMap.Store.Planning.Exchange;
using GridMap.Testing;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridMap.Store.Tests.Planning;

/// <summary>
/// Each kind of bad file a planner may send back, as a named fixture (WKT in, problem out): the problem names the
/// right feature and code and points at the right place. Files written by GDAL stand in for QGIS's.
/// </summary>
public sealed class GridFileReaderTests : IDisposable
{
    private static readonly AdminCode Village = AdminCode.Parse("140428203211");
    private const string Square = "POLYGON ((112.50 36.10, 112.51 36.10, 112.51 36.11, 112.50 36.11, 112.50 36.10))";
    private const string EastSquare = "POLYGON ((112.51 36.10, 112.52 36.10, 112.52 36.11, 112.51 36.11, 112.51 36.10))";
    private readonly string folder = Directory.CreateTempSubdirectory("gridmap-import-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A GeoJSON FeatureCollection: one feature per (code, WKT); null WKT is a null geometry.</summary>
    private static string GeoJson(params (string? Code, string? Wkt)[] features)
    {
        var reader = new WKTReader(Geo.Factory.GeometryServices);
        var items = features.Select(f => new Dictionary<string, object?>
        {
            ["type"] = "Feature",
            ["properties"] = new Dictionary<string, object?> { ["code"] = f.Code },
            ["geometry"] = f.Wkt is null ? null : JsonDocument.Parse(JsonSerializer.Serialize(reader.Read(f.Wkt), Geo.GeoJsonOptions)).RootElement,
        });
        return JsonSerializer.Serialize(new { type = "FeatureCollection", features = items });
    }

    private static GridFileImport Read(string text, string name = "grids.geojson", GridFileLimits? limits = null) =>
        GridFileReader.Read([new ExchangeFile(name, Encoding.UTF8.GetBytes(text))], Village, limits);

    private static GridFileProblem Single(GridFileImport import, GridFileProblemKind kind)
    {
        var problem = Assert.Single(import.Problems);
        Assert.True(kind == problem.Kind, problem.Message);
        Assert.False(import.IsClean);
        return problem;
    }

    [Fact]
    public void A_clean_file_gives_codes_and_new_grids_without_problems()
    {
        var import = Read(GeoJson(("140428203211001", Square), (null, EastSquare)));
        Assert.True(import.IsClean);
        Assert.Equal(["140428203211001", null], import.Grids.Select(g => g.Code?.Value));
        Assert.All(import.Grids, g => Assert.Equal(4490, g.Geometry.SRID));
    }

    [Fact]
    public void A_bow_tie_is_an_invalid_polygon_located_at_its_self_intersection()
    {
        var problem = Single(Read(GeoJson(("140428203211001", Square),
            ("140428203211002", "POLYGON ((112.51 36.10, 112.52 36.11, 112.52 36.10, 112.51 36.11, 112.51 36.10))"))), GridFileProblemKind.InvalidPolygon);
        Assert.Equal((1, "140428203211002"), (problem.FeatureIndex, problem.Code));
        var point = Assert.IsType<Point>(problem.Location);
        Assert.Equal(112.515, point.X, 9);
        Assert.Equal(36.105, point.Y, 9);
        Assert.Contains("Self-intersection", problem.Message);
    }

    [Fact]
    public void A_hole_outside_its_shell_is_an_invalid_polygon()
    {
        var problem = Single(Read(GeoJson((null,
            "POLYGON ((112.50 36.10, 112.51 36.10, 112.51 36.11, 112.50 36.11, 112.50 36.10), (112.52 36.10, 112.53 36.10, 112.53 36.11, 112.52 36.10))"))),
            GridFileProblemKind.InvalidPolygon);
        Assert.Equal(0, problem.FeatureIndex);
        Assert.IsType<Point>(problem.Location);
    }

    [Theory]
    [InlineData("POINT (112.5 36.1)", "Point")]
    [InlineData("LINESTRING (112.5 36.1, 112.6 36.2)", "LineString")]
    [InlineData("GEOMETRYCOLLECTION (POINT (112.5 36.1))", "GeometryCollection")]
    public void A_point_or_line_is_the_wrong_geometry_type(string wkt, string type)
    {
        var import = Read(GeoJson(("140428203211001", Square), ("140428203211002", wkt)));
        var problem = Single(import, GridFileProblemKind.WrongGeometryType);
        Assert.Equal((1, "140428203211002"), (problem.FeatureIndex, problem.Code));
        Assert.Contains(type, problem.Message);
        Assert.Equal(type, problem.Location!.GeometryType);
        Assert.Single(import.Grids);
    }

    [Fact]
    public void A_feature_without_geometry_is_missing_geometry()
    {
        var problem = Single(Read(GeoJson(("140428203211001", Square), ("140428203211002", null))), GridFileProblemKind.MissingGeometry);
        Assert.Equal((1, "140428203211002", (Geometry?)null), (problem.FeatureIndex, problem.Code, problem.Location));
    }

    [Fact]
    public void A_code_twice_is_a_duplicate_on_the_second_feature()
    {
        var problem = Single(Read(GeoJson(("140428203211001", Square), ("140428203211001", EastSquare))), GridFileProblemKind.DuplicateCode);
        Assert.Equal((1, "140428203211001"), (problem.FeatureIndex, problem.Code));
        Assert.Contains("feature 0", problem.Message);
        Assert.True(problem.Location!.EqualsTopologically(new WKTReader().Read(EastSquare)));
    }

    [Fact]
    public void A_code_of_another_village_is_refused_for_that_feature()
    {
        var import = Read(GeoJson(("140428203211001", Square), ("140428203212001", EastSquare)));
        var problem = Single(import, GridFileProblemKind.OtherVillage);
        Assert.Equal((1, "140428203212001"), (problem.FeatureIndex, problem.Code));
        Assert.Contains("140428203212", problem.Message);
        Assert.Equal(["140428203211001"], import.Grids.Select(g => g.Code?.Value));
    }

    [Fact]
    public void A_grid_numbered_under_the_villages_2023_code_is_read_as_a_new_grid()
    {
        // 2023's 南陈镇西沟村 (140428108211) is this village; 140428108212 is another 2023 village.
        var file = GeoJson(("140428108211001", Square), ("140428108212001", EastSquare));
        var import = GridFileReader.Read([new ExchangeFile("grids.geojson", Encoding.UTF8.GetBytes(file))], Village,
            codes2023: new HashSet<string> { "140428108211" });
        var renumbered = Assert.Single(import.Renumbered);
        Assert.Equal((0, "140428108211001", "140428108211"), (renumbered.FeatureIndex, renumbered.Code2023, renumbered.Village2023));
        Assert.Equal(0, Assert.Single(import.Grids).FeatureIndex);
        Assert.Null(import.Grids[0].Code);
        Assert.Equal(1, Single(import, GridFileProblemKind.OtherVillage).FeatureIndex);
        // Without the crosswalk the same grid is another village's.
        Assert.Equal(2, Read(file).Problems.Count(p => p.Kind == GridFileProblemKind.OtherVillage));
    }

    [Theory]
    [InlineData("'; DROP TABLE grid; --")]
    [InlineData("14042820321100")]
    [InlineData("140428203211000")]
    [InlineData("<script>alert('x')</script> and a long tail to be cut off in messages")]
    public void A_code_that_is_not_a_grid_code_is_malformed_and_echoed_short(string code)
    {
        var problem = Single(Read(GeoJson((code, Square))), GridFileProblemKind.MalformedCode);
        Assert.Equal(0, problem.FeatureIndex);
        Assert.True(problem.Code!.Length <= 41);
        Assert.StartsWith(problem.Code.TrimEnd('…'), code);
    }

    [Fact]
    public void A_grid_outside_Shanxi_is_refused_where_it_lies()
    {
        var problem = Single(Read(GeoJson(("140428203211001", Square), (null, "POLYGON ((100 30, 100.01 30, 100.01 30.01, 100 30))"))),
            GridFileProblemKind.OutsideShanxi);
        Assert.Equal(1, problem.FeatureIndex);
        Assert.Contains("100", problem.Message);
        Assert.NotNull(problem.Location);
    }

    [Fact]
    public void Projected_coordinates_refuse_the_whole_file()
    {
        var import = Read(GeoJson(("140428203211001", "POLYGON ((500000 4000000, 501000 4000000, 501000 4001000, 500000 4000000))")));
        var problem = Single(import, GridFileProblemKind.NotGeographic);
        Assert.Null(problem.FeatureIndex);
        Assert.Empty(import.Grids);
    }

    [Theory]
    [InlineData("urn:ogc:def:crs:EPSG::4610", false)]
    [InlineData("urn:ogc:def:crs:EPSG::4490", true)]
    [InlineData("urn:ogc:def:crs:OGC:1.3:CRS84", true)]
    public void A_GeoJSON_crs_member_other_than_CGCS2000_or_WGS84_is_refused(string crs, bool accepted)
    {
        var json = GeoJson(("140428203211001", Square)).Insert(1, $"\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"{crs}\"}}}},");
        var import = Read(json);
        if (accepted)
            Assert.True(import.IsClean);
        else
            Single(import, GridFileProblemKind.UnsupportedCrs);
    }

    [Fact]
    public void More_features_than_a_village_has_grid_numbers_is_too_many()
    {
        var squares = Enumerable.Range(0, 1000).Select(i => ((string?)null, (string?)Square)).ToArray();
        var import = Read(GeoJson(squares));
        Assert.Contains("1000", Single(import, GridFileProblemKind.TooManyFeatures).Message);
        Assert.Empty(import.Grids);
    }

    [Fact]
    public void A_file_over_the_limit_is_oversized()
    {
        var problem = Single(Read(GeoJson(("140428203211001", Square)), limits: new GridFileLimits(100, 999)), GridFileProblemKind.Oversized);
        Assert.Null(problem.FeatureIndex);
    }

    [Fact]
    public void A_zip_that_unpacks_past_the_limit_is_oversized_before_it_is_read_whole()
    {
        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("grids.shp", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 30; i++)
                entry.Write(zeros);
        }
        Assert.True(zipped.Length < 1024 * 1024);
        Single(GridFileReader.Read([new ExchangeFile("grids.zip", zipped.ToArray())], Village), GridFileProblemKind.Oversized);
    }

    public static TheoryData<string, string> UnreadableFiles() => new()
    {
        { "grids.geojson", "{\"type\": \"FeatureCollection\", \"features\": [" },
        { "grids.geojson", "{\"type\": \"Point\", \"coordinates\": [112.5, 36.1]}" },
        { "grids.dat", "\u0001\u0002 not a GIS file" },
        { "grids.shp", "only the .shp" },
        { "grids.zip", "PK\u0003\u0004 broken zip" },
    };

    [Theory]
    [MemberData(nameof(UnreadableFiles))]
    public void A_broken_or_unknown_file_is_unreadable(string name, string content)
    {
        var problem = Single(Read(content, name), GridFileProblemKind.Unreadable);
        Assert.Null(problem.FeatureIndex);
    }

    [Fact]
    public void A_zip_without_a_shapefile_and_an_SQLite_file_that_is_no_GeoPackage_are_unreadable()
    {
        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        using (var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open()))
            writer.Write("no shapefile here");
        Assert.Contains(".shp", Single(GridFileReader.Read([new ExchangeFile("grids.zip", zipped.ToArray())], Village), GridFileProblemKind.Unreadable).Message);

        var sqlite = Path.Combine(folder, "plain.sqlite");
        using (var connection = new SqliteConnection($"Data Source={sqlite};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE grids (code TEXT); INSERT INTO grids VALUES ('140428203211001');";
            command.ExecuteNonQuery();
        }
        var problem = Single(GridFileReader.Read([new ExchangeFile("grids.gpkg", File.ReadAllBytes(sqlite))], Village), GridFileProblemKind.Unreadable);
        Assert.Contains("not a GeoPackage", problem.Message);
    }

    /// <summary>Writes the two-square GeoJSON and converts it with ogr2ogr, as QGIS or ArcGIS users would send it.</summary>
    private string ConvertWithGdal(string driver, string extension, params string[] options)
    {
        var source = Path.Combine(folder, "source.geojson");
        File.WriteAllText(source, GeoJson(("140428203211001", Square), (null, EastSquare)));
        var target = Path.Combine(folder, "converted" + extension);
        Gdal.Run("ogr2ogr", ["-f", driver, target, source, "-s_srs", "EPSG:4490", .. options]);
        return target;
    }

    private GridFileImport ReadShapefileFolder(string shp) =>
        GridFileReader.Read(Directory.GetFiles(Path.GetDirectoryName(shp)!, Path.GetFileNameWithoutExtension(shp) + ".*")
            .Select(f => new ExchangeFile(Path.GetFileName(f), File.ReadAllBytes(f))).ToList(), Village);

    [Fact]
    public void Files_written_by_GDAL_in_CGCS2000_read_cleanly()
    {
        var gpkg = GridFileReader.Read([new ExchangeFile("g.gpkg", File.ReadAllBytes(ConvertWithGdal("GPKG", ".gpkg", "-t_srs", "EPSG:4490", "-nln", "grids")))], Village);
        Assert.True(gpkg.IsClean, string.Join("; ", gpkg.Problems.Select(p => p.Message)));
        Assert.Equal(["140428203211001", null], gpkg.Grids.Select(g => g.Code?.Value));

        var shapefile = ReadShapefileFolder(ConvertWithGdal("ESRI Shapefile", ".shp", "-t_srs", "EPSG:4490", "-lco", "ENCODING=UTF-8"));
        Assert.True(shapefile.IsClean, string.Join("; ", shapefile.Problems.Select(p => p.Message)));
        Assert.Equal(["140428203211001", null], shapefile.Grids.Select(g => g.Code?.Value));
    }

    [Fact]
    public void A_projected_shapefile_or_GeoPackage_is_not_geographic()
    {
        var shapefile = ReadShapefileFolder(ConvertWithGdal("ESRI Shapefile", ".shp", "-t_srs", "EPSG:4547"));
        Assert.Contains("projected", Single(shapefile, GridFileProblemKind.NotGeographic).Message);
        var gpkg = GridFileReader.Read([new ExchangeFile("g.gpkg", File.ReadAllBytes(ConvertWithGdal("GPKG", ".gpkg", "-t_srs", "EPSG:4547")))], Village);
        Single(gpkg, GridFileProblemKind.NotGeographic);
    }

    [Fact]
    public void A_shapefile_in_another_geographic_datum_is_refused()
    {
        var shapefile = ReadShapefileFolder(ConvertWithGdal("ESRI Shapefile", ".shp", "-t_srs", "EPSG:4610"));
        Assert.Contains("Xian", Single(shapefile, GridFileProblemKind.UnsupportedCrs).Message);
    }

    [Fact]
    public void A_hostile_GeoPackage_table_name_is_read_as_a_name_and_runs_nothing()
    {
        var path = ConvertWithGdal("GPKG", ".gpkg", "-t_srs", "EPSG:4490", "-nln", "g\"; DROP TABLE gpkg_contents; --");
        var import = GridFileReader.Read([new ExchangeFile("g.gpkg", File.ReadAllBytes(path))], Village);
        Assert.True(import.IsClean, string.Join("; ", import.Problems.Select(p => p.Message)));
        Assert.Equal(2, import.Grids.Count);
        Assert.Contains("gpkg_contents", Gdal.Run("ogrinfo", "-ro", "-sql", "SELECT table_name FROM gpkg_contents", path));
    }

    [Fact]
    public void Hostile_file_and_entry_names_are_only_names()
    {
        var json = GeoJson(("140428203211001", Square));
        Assert.True(Read(json, "../../../../tmp/evil\u0000.geojson").IsClean);

        var shp = ConvertWithGdal("ESRI Shapefile", ".shp", "-t_srs", "EPSG:4490");
        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var part in Directory.GetFiles(folder, "converted.*"))
                using (var entry = zip.CreateEntry("../../../../tmp/gridmap-evil/" + Path.GetFileName(part)).Open())
                    entry.Write(File.ReadAllBytes(part));
        var import = GridFileReader.Read([new ExchangeFile("..\\..\\evil.zip", zipped.ToArray())], Village);
        Assert.True(import.IsClean, string.Join("; ", import.Problems.Select(p => p.Message)));
        Assert.Equal(2, import.Grids.Count);
        Assert.False(Directory.Exists("/tmp/gridmap-evil"));
        Assert.True(File.Exists(shp));
    }
}
