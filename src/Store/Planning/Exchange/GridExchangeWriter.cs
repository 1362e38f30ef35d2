using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using GridMap.Domain;
using GridMap.Store.Boundaries;
using GridMap.Store.Database;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Writers;

namespace GridMap.Store.Planning.Exchange;

/// <summary>
/// Writes grids into a GIS file: GeoJSON, a zipped Shapefile or a GeoPackage, all CGCS2000 lon/lat, all with the
/// same attributes (<see cref="ExchangeFields"/>). Nothing personal is written, because <see cref="ExchangeGrid"/>
/// holds nothing personal.
/// </summary>
public static class GridExchangeWriter
{
    /// <summary>Writes <paramref name="grids"/> to <paramref name="output"/>; <paramref name="progress"/> hears the count written so far.</summary>
    /// <param name="title">What the file is of ("长子县 140428"), for the formats that keep a title.</param>
    public static async Task WriteAsync(
        IReadOnlyList<ExchangeGrid> grids, GridExchangeFormat format, string title, Stream output,
        IProgress<int>? progress = null, CancellationToken ct = default)
    {
        switch (format)
        {
            case GridExchangeFormat.GeoJson:
                await WriteGeoJsonAsync(grids, title, output, progress, ct);
                break;
            case GridExchangeFormat.Shapefile:
                await WriteShapefileAsync(grids, title, output, progress, ct);
                break;
            case GridExchangeFormat.GeoPackage:
                await WriteGeoPackageAsync(grids, title, output, progress, ct);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format));
        }
    }

    private static async Task WriteGeoJsonAsync(IReadOnlyList<ExchangeGrid> grids, string title, Stream output, IProgress<int>? progress, CancellationToken ct)
    {
        // Chinese stays readable in the file; characters that matter to HTML are still escaped.
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) });
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        // GDAL takes the top-level "name" as the layer name; "description" is a foreign member it ignores.
        json.WriteString("name", ExchangeFields.Layer);
        json.WriteString("title", title);
        json.WriteString("description", Cgcs2000.Description);
        json.WriteStartArray("features");
        for (var i = 0; i < grids.Count; i++)
        {
            var grid = grids[i];
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("properties");
            json.WriteString(ExchangeFields.Code, grid.Code);
            json.WriteString(ExchangeFields.Village, grid.VillageCode);
            json.WriteString(ExchangeFields.VillageName, grid.VillageName);
            json.WriteString(ExchangeFields.Name, grid.Name);
            json.WriteNumber(ExchangeFields.AreaM2, Math.Round(grid.AreaM2, 1));
            json.WriteNumber(ExchangeFields.Households, grid.Households);
            json.WriteString(ExchangeFields.Manager, grid.ManagerStatus);
            json.WriteEndObject();
            json.WritePropertyName("geometry");
            JsonSerializer.Serialize(json, grid.Geometry, Geo.GeoJsonOptions);
            json.WriteEndObject();
            if (json.BytesPending > 64 * 1024)
                await json.FlushAsync(ct);
            Report(progress, i, grids.Count);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    private static async Task WriteShapefileAsync(IReadOnlyList<ExchangeGrid> grids, string title, Stream output, IProgress<int>? progress, CancellationToken ct)
    {
        // The shapefile writer seeks back to fill in headers, so each part is built in memory and then zipped.
        using var shp = new MemoryStream();
        using var shx = new MemoryStream();
        using var dbf = new MemoryStream();
        using var prj = new MemoryStream();
        var options = new ShapefileWriterOptions(ShapeType.Polygon)
        {
            Encoding = Encoding.UTF8,
            Projection = Cgcs2000.EsriWkt,
        };
        // Character widths are bytes and UTF-8 Chinese takes three per character: names get dBASE's widest field.
        options.AddCharacterField(ExchangeFields.Code, 15);
        options.AddCharacterField(ExchangeFields.Village, 12);
        options.AddCharacterField(ExchangeFields.VillageName, 254);
        options.AddCharacterField(ExchangeFields.Name, 254);
        options.AddNumericDoubleField(ExchangeFields.AreaM2);
        options.AddNumericInt32Field(ExchangeFields.Households);
        options.AddCharacterField(ExchangeFields.Manager, 7);
        using (var writer = Shapefile.OpenWrite(shp, shx, dbf, prj, options))
        {
            for (var i = 0; i < grids.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var grid = grids[i];
                writer.Write(new Feature(grid.Geometry, new AttributesTable
                {
                    { ExchangeFields.Code, grid.Code },
                    { ExchangeFields.Village, grid.VillageCode },
                    { ExchangeFields.VillageName, grid.VillageName },
                    { ExchangeFields.Name, grid.Name },
                    { ExchangeFields.AreaM2, Math.Round(grid.AreaM2, 1) },
                    { ExchangeFields.Households, grid.Households },
                    { ExchangeFields.Manager, grid.ManagerStatus },
                }));
                Report(progress, i, grids.Count);
            }
        }

        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.Comment = title + ". " + Cgcs2000.Description;
            await AddAsync(zip, ".shp", shp.ToArray(), ct);
            await AddAsync(zip, ".shx", shx.ToArray(), ct);
            await AddAsync(zip, ".dbf", dbf.ToArray(), ct);
            await AddAsync(zip, ".prj", prj.ToArray(), ct);
            // The code page file is what tells GDAL, QGIS and ArcGIS that the .dbf is UTF-8, so Chinese names survive.
            await AddAsync(zip, ".cpg", "UTF-8"u8.ToArray(), ct);
        }

        static async Task AddAsync(ZipArchive zip, string extension, byte[] content, CancellationToken ct)
        {
            var entry = zip.CreateEntry(ExchangeFields.Layer + extension, CompressionLevel.Fastest);
            await using var stream = await entry.OpenAsync(ct);
            await stream.WriteAsync(content, ct);
        }
    }

    private static async Task WriteGeoPackageAsync(IReadOnlyList<ExchangeGrid> grids, string title, Stream output, IProgress<int>? progress, CancellationToken ct)
    {
        // SQLite needs a file; it is private to this call and deleted before returning.
        var path = Path.Combine(Path.GetTempPath(), $"gridmap-export-{Guid.NewGuid():N}.gpkg");
        try
        {
            await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
            {
                await connection.OpenAsync(ct);
                await using (var create = connection.CreateCommand())
                {
                    create.CommandText = SqlResource.Get("Planning/Exchange/GeoPackageCreate.sql");
                    create.Parameters.AddWithValue("$cgcs2000", Cgcs2000.OgcWkt);
                    create.Parameters.AddWithValue("$identifier", title);
                    create.Parameters.AddWithValue("$description", Cgcs2000.Description);
                    await create.ExecuteNonQueryAsync(ct);
                }
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
                var envelope = new Envelope();
                await using (var insert = connection.CreateCommand())
                {
                    insert.CommandText = SqlResource.Get("Planning/Exchange/GeoPackageInsertGrid.sql");
                    var geometry = insert.Parameters.Add("$geom", SqliteType.Blob);
                    var code = insert.Parameters.Add("$code", SqliteType.Text);
                    var village = insert.Parameters.Add("$village", SqliteType.Text);
                    var villageName = insert.Parameters.Add("$village_nm", SqliteType.Text);
                    var name = insert.Parameters.Add("$name", SqliteType.Text);
                    var area = insert.Parameters.Add("$area_m2", SqliteType.Real);
                    var households = insert.Parameters.Add("$households", SqliteType.Integer);
                    var manager = insert.Parameters.Add("$manager", SqliteType.Text);
                    var blobs = new GeoPackageGeoWriter { HandleOrdinates = Ordinates.XY };
                    for (var i = 0; i < grids.Count; i++)
                    {
                        var grid = grids[i];
                        geometry.Value = blobs.Write(Srid4490(grid.Geometry));
                        code.Value = grid.Code;
                        village.Value = grid.VillageCode;
                        villageName.Value = grid.VillageName;
                        name.Value = grid.Name;
                        area.Value = Math.Round(grid.AreaM2, 1);
                        households.Value = grid.Households;
                        manager.Value = grid.ManagerStatus;
                        await insert.ExecuteNonQueryAsync(ct);
                        envelope.ExpandToInclude(grid.Geometry.EnvelopeInternal);
                        Report(progress, i, grids.Count);
                    }
                }
                await using (var contents = connection.CreateCommand())
                {
                    contents.CommandText = SqlResource.Get("Planning/Exchange/GeoPackageBounds.sql");
                    contents.Parameters.AddWithValue("$last_change", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
                    contents.Parameters.AddWithValue("$min_x", envelope.IsNull ? DBNull.Value : envelope.MinX);
                    contents.Parameters.AddWithValue("$min_y", envelope.IsNull ? DBNull.Value : envelope.MinY);
                    contents.Parameters.AddWithValue("$max_x", envelope.IsNull ? DBNull.Value : envelope.MaxX);
                    contents.Parameters.AddWithValue("$max_y", envelope.IsNull ? DBNull.Value : envelope.MaxY);
                    await contents.ExecuteNonQueryAsync(ct);
                }
                await transaction.CommitAsync(ct);
            }
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
            await file.CopyToAsync(output, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Geometry Srid4490(Geometry geometry)
    {
        if (geometry.SRID == Srids.Cgcs2000)
            return geometry;
        var copy = geometry.Copy();
        copy.SRID = Srids.Cgcs2000;
        return copy;
    }

    private static void Report(IProgress<int>? progress, int index, int total)
    {
        if (progress is not null && ((index + 1) % 100 == 0 || index + 1 == total))
            progress.Report(index + 1);
    }
}
