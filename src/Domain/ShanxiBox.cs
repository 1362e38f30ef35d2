namespace GridMap.Domain;

/// <summary>
/// A generous lon/lat box around Shanxi (CGCS2000 degrees): input outside it cannot be one of our places, so reports,
/// drawn edits and imported files outside it are refused before any lookup.
/// </summary>
public static class ShanxiBox
{
    public const double MinLon = 110, MaxLon = 115, MinLat = 34, MaxLat = 41;

    public static bool Contains(double lon, double lat) =>
        double.IsFinite(lon) && double.IsFinite(lat) && lon is >= MinLon and <= MaxLon && lat is >= MinLat and <= MaxLat;
}
