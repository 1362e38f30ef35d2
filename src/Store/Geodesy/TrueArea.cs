using GridMap.Domain;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace GridMap.Store.Geodesy;

/// <summary>
/// True (ellipsoidal) areas of CGCS2000 geometries: project onto an Albers equal-area conic on the CGCS2000
/// ellipsoid (standard parallels 25°N and 47°N, central meridian 105°E, the usual choice for China) and take
/// the planar area. For grid- and village-sized polygons this agrees with PostGIS ST_Area(geography) to a
/// few parts per million; for polygons with degree-long edges the two differ by how the edge is drawn.
/// </summary>
public static class TrueArea
{
    private const string AlbersWkt =
        "PROJCS[\"CGCS2000 / Albers equal-area China\"," + Cgcs2000Wkt.Geographic + ",PROJECTION[\"Albers_Conic_Equal_Area\"]," +
        "PARAMETER[\"standard_parallel_1\",25],PARAMETER[\"standard_parallel_2\",47],PARAMETER[\"latitude_of_center\",0]," +
        "PARAMETER[\"longitude_of_center\",105],PARAMETER[\"false_easting\",0],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]";

    // One transform per thread: ProjNET transforms are not documented as thread-safe.
    private static readonly ThreadLocal<MathTransform> ToAlbers = new(CreateTransform);

    private static MathTransform CreateTransform()
    {
        var factory = new CoordinateSystemFactory();
        return new CoordinateTransformationFactory()
            .CreateFromCoordinateSystems(factory.CreateFromWkt(Cgcs2000Wkt.Geographic), factory.CreateFromWkt(AlbersWkt))
            .MathTransform;
    }

    /// <summary>Area in square metres of a polygonal geometry in CGCS2000 (or WGS 84) degrees.</summary>
    public static double SquareMetres(Geometry geometry)
    {
        if (geometry.SRID is not (0 or Srids.Cgcs2000 or Srids.Wgs84))
            throw new ArgumentException($"Expected geographic coordinates, got SRID {geometry.SRID}.", nameof(geometry));
        double total = 0;
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is not Polygon polygon)
                continue;
            total += Math.Abs(RingArea(polygon.ExteriorRing.CoordinateSequence));
            for (var h = 0; h < polygon.NumInteriorRings; h++)
                total -= Math.Abs(RingArea(polygon.GetInteriorRingN(h).CoordinateSequence));
        }
        return total;
    }

    private static double RingArea(CoordinateSequence ring)
    {
        var n = ring.Count;
        if (n < 4)
            return 0;
        var xs = new double[n];
        var ys = new double[n];
        var transform = ToAlbers.Value!;
        for (var i = 0; i < n; i++)
            (xs[i], ys[i]) = transform.Transform(ring.GetX(i), ring.GetY(i));
        double sum = 0;
        for (var i = 0; i < n - 1; i++)
            sum += (xs[i] - xs[i + 1]) * (ys[i] + ys[i + 1]);
        return sum / 2;
    }
}
