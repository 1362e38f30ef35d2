using GridMap.Store.Database;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridMap.Store.Planning.Exchange;

/// <summary>
/// Reads grids from a GeoPackage: its one feature table (or the one named <c>grids</c>), the code from a <c>code</c>
/// column. The file is untrusted: it is opened read-only, and table and column names taken from it are checked
/// against the schema and quoted as identifiers before they reach SQL.
/// </summary>
internal static class GeoPackageGrids
{
    private static readonly byte[] SqliteMagic = "SQLite format 3\0"u8.ToArray();

    public static bool LooksLikeSqlite(byte[] content) => content.AsSpan().StartsWith(SqliteMagic);

    public static GridLayerRead Read(byte[] content, int maxFeatures)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gridmap-import-{Guid.NewGuid():N}.gpkg");
        try
        {
            File.WriteAllBytes(path, content);
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            connection.Open();
            // A schema from an uploaded file must not run its own SQL functions in views or triggers.
            Execute(connection, "PRAGMA trusted_schema = OFF;");
            return ReadLayer(connection, maxFeatures);
        }
        catch (SqliteException broken)
        {
            throw GridFileReader.Unreadable($"The GeoPackage cannot be read: {GridFileReader.Shown(broken.Message)}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static GridLayerRead ReadLayer(SqliteConnection connection, int maxFeatures)
    {
        if (Scalar<long>(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('gpkg_contents', 'gpkg_geometry_columns', 'gpkg_spatial_ref_sys')") != 3)
            throw GridFileReader.Unreadable("This SQLite file is not a GeoPackage (no gpkg_contents, gpkg_geometry_columns and gpkg_spatial_ref_sys).");
        var layers = new List<(string Table, string Column, long SrsId)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = SqlResource.Get("Planning/Exchange/GeoPackageLayers.sql");
            using var reader = command.ExecuteReader();
            while (reader.Read())
                layers.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }
        var layer = layers.Count switch
        {
            0 => throw GridFileReader.Unreadable("The GeoPackage has no feature table."),
            1 => layers[0],
            _ => layers.FirstOrDefault(l => l.Table == ExchangeFields.Layer) is { Table: not null } grids
                ? grids
                : throw GridFileReader.Unreadable(
                    $"The GeoPackage has {layers.Count} feature tables ({string.Join(", ", layers.Take(5).Select(l => GridFileReader.Shown(l.Table)))}); " +
                    $"keep one, or name the grids' table '{ExchangeFields.Layer}'."),
        };
        var columns = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM pragma_table_info($table)";
            command.Parameters.AddWithValue("$table", layer.Table);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                columns.Add(reader.GetString(0));
        }
        if (!columns.Contains(layer.Column, StringComparer.Ordinal))
            throw GridFileReader.Unreadable($"The GeoPackage's table '{GridFileReader.Shown(layer.Table)}' has no geometry column '{GridFileReader.Shown(layer.Column)}'.");
        var codeColumn = columns.FirstOrDefault(c => string.Equals(c, ExchangeFields.Code, StringComparison.OrdinalIgnoreCase));

        var crsProblem = CrsProblem(connection, layer.SrsId);
        var count = (int)Math.Min(int.MaxValue, Scalar<long>(connection, $"SELECT count(*) FROM {Identifier(layer.Table)}"));
        var features = new List<RawGridFeature>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {Identifier(layer.Column)}, {(codeColumn is null ? "NULL" : Identifier(codeColumn))} FROM {Identifier(layer.Table)} LIMIT $limit";
            command.Parameters.AddWithValue("$limit", maxFeatures + 1);
            using var reader = command.ExecuteReader();
            var blobs = new GeoPackageGeoReader();
            while (reader.Read())
            {
                var index = features.Count;
                var code = RawGridFeature.CodeText(reader.IsDBNull(1) ? null : reader.GetValue(1));
                if (reader.IsDBNull(0))
                {
                    features.Add(new RawGridFeature(index, code, null));
                    continue;
                }
                try
                {
                    var blob = reader.GetValue(0) as byte[] ?? throw new ArgumentException("the geometry is not a GeoPackage binary blob");
                    features.Add(new RawGridFeature(index, code, blobs.Read(blob)));
                }
                catch (Exception unreadable) when (unreadable is ArgumentException or ParseException or IOException or InvalidOperationException or IndexOutOfRangeException or NotSupportedException)
                {
                    features.Add(new RawGridFeature(index, code, null, GridFileReader.Shown(unreadable.Message)));
                }
            }
        }
        return new GridLayerRead(features, count, crsProblem);
    }

    /// <summary>The layer's SRS must be CGCS2000 or WGS 84 longitude/latitude, or undefined (then the coordinates are checked).</summary>
    private static GridFileProblem? CrsProblem(SqliteConnection connection, long srsId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT srs_name, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = $srs";
        command.Parameters.AddWithValue("$srs", srsId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            return srsId is 0 or -1 ? null : GridFileProblem.OfFile(GridFileProblemKind.UnsupportedCrs, $"The GeoPackage's layer names SRS {srsId}, which it does not define.");
        var name = GridFileReader.Shown(reader.IsDBNull(0) ? "" : reader.GetString(0));
        var organization = reader.IsDBNull(1) ? "" : reader.GetString(1);
        var id = reader.IsDBNull(2) ? 0 : reader.GetInt64(2);
        var definition = (reader.IsDBNull(3) ? "" : reader.GetString(3)).TrimStart();
        if (string.Equals(organization, "EPSG", StringComparison.OrdinalIgnoreCase) && id is 4490 or 4326)
            return null;
        if (string.Equals(organization, "NONE", StringComparison.OrdinalIgnoreCase) || srsId is 0 or -1)
            return null;
        if (definition.StartsWith("PROJCS", StringComparison.OrdinalIgnoreCase) || definition.StartsWith("PROJCRS", StringComparison.OrdinalIgnoreCase))
            return GridFileProblem.OfFile(GridFileProblemKind.NotGeographic,
                $"The GeoPackage's layer is in a projected coordinate system ('{name}'): save it in CGCS2000 (EPSG:4490) longitude/latitude.");
        return GridFileProblem.OfFile(GridFileProblemKind.UnsupportedCrs,
            $"The GeoPackage's layer is in '{name}' ({GridFileReader.Shown(organization)}:{id}); GridMap reads CGCS2000 (EPSG:4490) or WGS 84 longitude/latitude.");
    }

    /// <summary>An SQLite identifier for a name taken from the file: double-quoted, inner quotes doubled.</summary>
    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
