namespace GridMap.Store.Planning.Exchange;

/// <summary>How the files say their coordinates are CGCS2000 longitude/latitude (EPSG:4490).</summary>
internal static class Cgcs2000
{
    /// <summary>The Esri flavour of the WKT for a shapefile's .prj, as GDAL writes it; GDAL and QGIS read it back as EPSG:4490.</summary>
    public const string EsriWkt =
        "GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]]," +
        "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

    /// <summary>OGC WKT 1 with EPSG authorities, as a GeoPackage's <c>gpkg_spatial_ref_sys.definition</c> wants it.</summary>
    public const string OgcWkt =
        "GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101," +
        "AUTHORITY[\"EPSG\",\"1024\"]],AUTHORITY[\"EPSG\",\"1043\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]]," +
        "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4490\"]]";

    /// <summary>
    /// Said in every export that has room for a sentence. GeoJSON (RFC 7946) has no CRS member and means WGS 84: the
    /// files carry CGCS2000 coordinates unchanged, which differ from WGS 84 by well under a metre (both are ITRF-based
    /// and use near-identical ellipsoids), less than the precision of any grid boundary.
    /// </summary>
    public const string Description =
        "GridMap grids (synthetic data, generated for demonstration). Coordinates: CGCS2000 longitude/latitude (EPSG:4490), " +
        "within 1 m of WGS 84. Attributes: code, village, village_nm, name, area_m2 (ellipsoidal m²), households, manager (staffed|vacant).";
}
