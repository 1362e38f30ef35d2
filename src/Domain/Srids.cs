namespace GridMap.Domain;

/// <summary>Spatial reference identifiers used across GridMap.</summary>
public static class Srids
{
    /// <summary>CGCS2000 geographic (China Geodetic Coordinate System 2000): storage SRID of every geometry.</summary>
    public const int Cgcs2000 = 4490;

    /// <summary>WGS 84 geographic: what GeoJSON clients assume; within a metre of CGCS2000.</summary>
    public const int Wgs84 = 4326;

    /// <summary>Web Mercator: the tile grid.</summary>
    public const int WebMercator = 3857;
}
