using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace GridMap.Domain.Geometry;

/// <summary>Where a polygon's label and "representative point" go: its centroid when that lies inside, else an interior point.</summary>
public static class LabelPoint
{
    public static Point Of(NetTopologySuite.Geometries.Geometry polygon)
    {
        var centroid = polygon.Centroid;
        if (!centroid.IsEmpty && polygon.Covers(centroid))
            return centroid;
        return polygon.Factory.CreatePoint(InteriorPoint.GetInteriorCoord(polygon));
    }
}
