using GridMap.Domain.Codes;

namespace GridMap.GeoApi.Ogc;

/// <summary>A feature collection offered through OGC API – Features.</summary>
public sealed record OgcCollection(string Id, string Title, string Description, AdminLevel Level);

/// <summary>The coordinate reference systems items can be asked in (OGC API – Features Part 2).</summary>
public static class OgcCrs
{
    public const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    public const string Cgcs2000 = "http://www.opengis.net/def/crs/EPSG/0/4490";
    public const string Wgs84 = "http://www.opengis.net/def/crs/EPSG/0/4326";

    public static readonly string[] Supported = [Crs84, Cgcs2000, Wgs84];

    /// <summary>EPSG:4490 and EPSG:4326 put latitude first; CRS84 is longitude first.</summary>
    public static bool LatitudeFirst(string crs) => crs != Crs84;
}

public static class OgcCollections
{
    public static readonly IReadOnlyList<OgcCollection> All =
    [
        new("counties", "Counties (县级单位)", "The 120 county-level units of Shanxi as of 2013 (real boundaries).", AdminLevel.County),
        new("townships", "Townships (乡镇街道)", "1,452 townships and streets (synthetic boundaries, real 2016 names and codes).", AdminLevel.Township),
        new("villages", "Villages (村社区)", "30,197 villages and communities (synthetic boundaries, real 2016 names and codes).", AdminLevel.Village),
        new("grids", "Grids (网格)", "The 78,379 grids with staffing (synthetic boundaries). No personal data.", AdminLevel.Grid),
    ];

    public static OgcCollection? Find(string id) => All.FirstOrDefault(c => c.Id == id);
}
