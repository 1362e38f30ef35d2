using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace GridMap.Domain.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>Overlay on the layout's millimetre grid (snap-rounding OverlayNG, which never throws on noding).</summary>
internal static class Planar
{
    public static Geometry Intersection(Geometry a, Geometry b) => OverlayNG.Overlay(a, b, SpatialFunction.Intersection, GridLayout.Precision);

    public static Geometry Difference(Geometry a, Geometry b) => OverlayNG.Overlay(a, b, SpatialFunction.Difference, GridLayout.Precision);

    public static Geometry Union(Geometry a, Geometry b) => OverlayNG.Overlay(a, b, SpatialFunction.Union, GridLayout.Precision);

    public static Geometry Union(IEnumerable<Geometry> parts, GeometryFactory factory) =>
        UnaryUnionNG.Union(parts.ToList(), factory, GridLayout.Precision);

    /// <summary>The polygons of a result, leaving out the lines and points an overlay can leave where shapes only touch.</summary>
    public static IEnumerable<Polygon> Polygons(Geometry g)
    {
        for (var i = 0; i < g.NumGeometries; i++)
        {
            switch (g.GetGeometryN(i))
            {
                case Polygon p when !p.IsEmpty:
                    yield return p;
                    break;
                case GeometryCollection c:
                    foreach (var p in Polygons(c))
                        yield return p;
                    break;
            }
        }
    }

    /// <summary>The polygonal part of a result as one Polygon or MultiPolygon (possibly empty).</summary>
    public static Geometry Polygonal(Geometry g, GeometryFactory factory)
    {
        var polygons = Polygons(g).ToArray();
        return polygons.Length == 1 ? polygons[0] : factory.CreateMultiPolygon(polygons);
    }

    /// <summary>Length of the boundary two polygons share.</summary>
    public static double SharedEdgeLength(Geometry a, Geometry b) =>
        a.EnvelopeInternal.Intersects(b.EnvelopeInternal) ? Intersection(a.Boundary, b.Boundary).Length : 0;
}
