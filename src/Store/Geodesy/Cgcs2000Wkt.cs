namespace GridMap.Store.Geodesy;

/// <summary>CGCS2000 geographic coordinates (EPSG:4490) as ProjNET reads them: the source of every projection we compute.</summary>
internal static class Cgcs2000Wkt
{
    public const string Geographic =
        "GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]]," +
        "PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]";
}
