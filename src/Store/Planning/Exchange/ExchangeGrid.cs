using NetTopologySuite.Geometries;

namespace GridMap.Store.Planning.Exchange;

/// <summary>
/// One grid as it leaves GridMap in a GIS file: what a planner needs to edit the layout, and nothing personal (no
/// manager's name or phone: whether the grid is staffed is all a file says about its manager).
/// </summary>
/// <param name="Name">The grid's display name ("007号网格").</param>
/// <param name="Geometry">CGCS2000 lon/lat (SRID 4490), as stored.</param>
public sealed record ExchangeGrid(
    string Code, string VillageCode, string VillageName, string Name, double AreaM2, int Households, bool Staffed, Geometry Geometry)
{
    /// <summary>The manager attribute's value: <c>staffed</c> or <c>vacant</c>.</summary>
    public string ManagerStatus => Staffed ? "staffed" : "vacant";
}

/// <summary>
/// The attribute names every format uses (all ≤ 10 characters, the dBASE limit, so a grid reads the same from a
/// shapefile as from GeoJSON or a GeoPackage).
/// </summary>
public static class ExchangeFields
{
    public const string Code = "code";
    public const string Village = "village";
    public const string VillageName = "village_nm";
    public const string Name = "name";
    public const string AreaM2 = "area_m2";
    public const string Households = "households";
    public const string Manager = "manager";

    /// <summary>The layer name in a GeoPackage, and the base name of the files in a shapefile zip.</summary>
    public const string Layer = "grids";
}
