using System.Text.Json;
using GridMap.Domain;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace GridMap.Store.Boundaries;

/// <summary>Geometry plumbing shared by the boundary extractor and the province generator.</summary>
public static class Geo
{
    /// <summary>The one CGCS2000 factory: floating precision, SRID 4490.</summary>
    public static readonly GeometryFactory Factory =
        NtsGeometryServices.Instance.CreateGeometryFactory(new PrecisionModel(), Srids.Cgcs2000);

    public static JsonSerializerOptions GeoJsonOptions { get; } = new()
    {
        Converters = { new GeoJsonConverterFactory(Factory) },
        WriteIndented = false,
    };

    /// <summary>The polygonal part of a geometry as a MultiPolygon (empty when there is none).</summary>
    public static MultiPolygon Polygonal(Geometry geometry)
    {
        var polygons = new List<Polygon>();
        Collect(geometry, polygons);
        return Factory.CreateMultiPolygon([.. polygons]);

        static void Collect(Geometry g, List<Polygon> into)
        {
            switch (g)
            {
                case Polygon p when !p.IsEmpty:
                    into.Add((Polygon)Factory.CreateGeometry(p));
                    break;
                case GeometryCollection c:
                    for (var i = 0; i < c.NumGeometries; i++)
                        Collect(c.GetGeometryN(i), into);
                    break;
            }
        }
    }

    public static MultiPolygon Fix(Geometry geometry) => Polygonal(GeometryFixer.Fix(geometry));

    public static Geometry Intersection(Geometry a, Geometry b) => OverlayNGRobust.Overlay(a, b, SpatialFunction.Intersection);

    public static Geometry Difference(Geometry a, Geometry b) => OverlayNGRobust.Overlay(a, b, SpatialFunction.Difference);

    public static Geometry Union(Geometry a, Geometry b) => OverlayNGRobust.Overlay(a, b, SpatialFunction.Union);

    public static Geometry UnionAll(IEnumerable<Geometry> geometries) =>
        OverlayNGRobust.Union(Factory.BuildGeometry(geometries.ToList()));

    /// <summary>
    /// A circle of <paramref name="radiusMetres"/> around a point, as a 72-gon in degrees
    /// (local scale of the CGCS2000 ellipsoid at that latitude; exact enough at city scale).
    /// </summary>
    public static Polygon Circle(double lon, double lat, double radiusMetres)
    {
        var phi = lat * Math.PI / 180;
        var metresPerDegreeLat = 111132.954 - 559.822 * Math.Cos(2 * phi) + 1.175 * Math.Cos(4 * phi);
        var metresPerDegreeLon = 111412.84 * Math.Cos(phi) - 93.5 * Math.Cos(3 * phi);
        var ring = new Coordinate[73];
        for (var i = 0; i < 72; i++)
        {
            var t = 2 * Math.PI * i / 72;
            ring[i] = new Coordinate(lon + radiusMetres * Math.Cos(t) / metresPerDegreeLon, lat + radiusMetres * Math.Sin(t) / metresPerDegreeLat);
        }
        ring[72] = ring[0].Copy();
        return Factory.CreatePolygon(ring);
    }
}
