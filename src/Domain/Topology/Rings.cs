using NetTopologySuite.Geometries;

namespace GridMap.Domain.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>Rebuilds polygons ring by ring, for edits that move vertices rather than overlay shapes.</summary>
internal static class Rings
{
    public static Geometry Map(Geometry shape, Func<Coordinate[], Coordinate[]> edit)
    {
        var factory = shape.Factory;
        Polygon MapPolygon(Polygon p) => factory.CreatePolygon(
            factory.CreateLinearRing(edit(p.ExteriorRing.Coordinates)),
            [.. p.InteriorRings.Select(h => factory.CreateLinearRing(edit(h.Coordinates)))]);
        return shape switch
        {
            Polygon p => MapPolygon(p),
            MultiPolygon m => factory.CreateMultiPolygon([.. m.Geometries.Cast<Polygon>().Select(MapPolygon)]),
            _ => shape,
        };
    }

    /// <summary>
    /// The ring with every vertex within <paramref name="tolerance"/> of <paramref name="from"/> moved to
    /// <paramref name="to"/>; where an edge passes that near without a vertex, one is inserted and moved.
    /// </summary>
    public static Coordinate[] MoveVertex(Coordinate[] ring, Coordinate from, Coordinate to, double tolerance, ref bool changed)
    {
        var result = new List<Coordinate>(ring.Length + 1);
        var moved = false;
        for (var i = 0; i < ring.Length; i++)
        {
            if (ring[i].Distance(from) <= tolerance)
            {
                result.Add(to.Copy());
                moved = true;
            }
            else
            {
                result.Add(ring[i].Copy());
            }
            if (i + 1 < ring.Length
                && ring[i].Distance(from) > tolerance && ring[i + 1].Distance(from) > tolerance
                && new LineSegment(ring[i], ring[i + 1]).Distance(from) <= tolerance)
            {
                result.Add(to.Copy());
                moved = true;
            }
        }
        changed |= moved;
        return moved ? [.. result] : ring;
    }
}
