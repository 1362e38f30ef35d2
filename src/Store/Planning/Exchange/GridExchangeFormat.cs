namespace GridMap.Store.Planning.Exchange;

/// <summary>The GIS file formats grids are exchanged in with desktop GIS (QGIS, ArcGIS) and other systems.</summary>
public enum GridExchangeFormat
{
    /// <summary>RFC 7946 GeoJSON, one FeatureCollection.</summary>
    GeoJson,

    /// <summary>Esri Shapefile: .shp/.shx/.dbf/.prj/.cpg in one zip.</summary>
    Shapefile,

    /// <summary>OGC GeoPackage 1.3 (an SQLite file) with one feature table, <c>grids</c>.</summary>
    GeoPackage,
}

public static class GridExchangeFormats
{
    /// <summary>The word a request or command line names a format by.</summary>
    public static string Slug(this GridExchangeFormat format) => format switch
    {
        GridExchangeFormat.GeoJson => "geojson",
        GridExchangeFormat.Shapefile => "shapefile",
        GridExchangeFormat.GeoPackage => "gpkg",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static GridExchangeFormat? FromSlug(string? slug) =>
        Enum.GetValues<GridExchangeFormat>().Cast<GridExchangeFormat?>()
            .FirstOrDefault(f => string.Equals(f!.Value.Slug(), slug?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string FileExtension(this GridExchangeFormat format) => format switch
    {
        GridExchangeFormat.GeoJson => ".geojson",
        GridExchangeFormat.Shapefile => ".zip",
        GridExchangeFormat.GeoPackage => ".gpkg",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static string MediaType(this GridExchangeFormat format) => format switch
    {
        GridExchangeFormat.GeoJson => "application/geo+json",
        GridExchangeFormat.Shapefile => "application/zip",
        GridExchangeFormat.GeoPackage => "application/geopackage+sqlite3",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The file name an export of a unit goes by: <c>grids-140428.gpkg</c>.</summary>
    public static string FileName(this GridExchangeFormat format, string unitCode) => $"grids-{unitCode}{format.FileExtension()}";
}
