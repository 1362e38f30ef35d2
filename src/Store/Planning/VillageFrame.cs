using GridMap.Store.Geodesy;
using System.Collections.Concurrent;
using GridMap.Domain;
using GridMap.Domain.Topology;
using GridMap.Store.Boundaries;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace GridMap.Store.Planning;

/// <summary>
/// The metric frame one village is edited in: CGCS2000 lon/lat projected to the CGCS2000 3-degree Gauss–Krüger zone
/// whose central meridian is nearest the village (EPSG 4534 + (cm − 75) / 3, no zone prefix), snapped to the
/// Domain's millimetre grid (<see cref="GridLayout.Precision"/>).
/// </summary>
/// <remarks>
/// A projection there and back moves a coordinate by far less than a millimetre, but not by zero: a grid written
/// back with re-projected vertices would no longer share them bit for bit with the neighbours the edit left alone,
/// and PostGIS would see micro gaps and overlaps. So the frame remembers, for every snapped metre coordinate it
/// projected, the lon/lat it came from, and projecting back gives that original wherever the vertex still exists;
/// only vertices an edit created are inverse-projected.
/// </remarks>
public sealed class VillageFrame
{
    private const int FirstGaussKrugerSrid = 4534;
    private const int FirstCentralMeridian = 75;

    // One pair of transforms per zone and thread: ProjNET transforms are not documented as thread-safe.
    private static readonly ConcurrentDictionary<int, ThreadLocal<(MathTransform Forward, MathTransform Inverse)>> Transforms = new();

    private readonly Dictionary<(long X, long Y), Coordinate> originals = [];
    private readonly ThreadLocal<(MathTransform Forward, MathTransform Inverse)> transforms;

    public VillageFrame(double longitude)
    {
        CentralMeridian = (int)(Math.Round(longitude / 3) * 3);
        Srid = FirstGaussKrugerSrid + (CentralMeridian - FirstCentralMeridian) / 3;
        transforms = Transforms.GetOrAdd(CentralMeridian, cm => new ThreadLocal<(MathTransform, MathTransform)>(() => Create(cm)));
        Factory = NtsGeometryServices.Instance.CreateGeometryFactory(GridLayout.Precision, Srid);
    }

    public int CentralMeridian { get; }

    /// <summary>The EPSG code of the zone (4546 for 111°E, 4547 for 114°E).</summary>
    public int Srid { get; }

    /// <summary>Millimetre precision in this zone's SRID.</summary>
    public GeometryFactory Factory { get; }

    /// <summary>Projects a CGCS2000 geometry to metres, snapped to the millimetre, remembering each vertex's original.</summary>
    public Geometry ToMetres(Geometry lonLat)
    {
        var forward = transforms.Value.Forward;
        return Map(lonLat, Factory, c =>
        {
            var (x, y) = forward.Transform(c.X, c.Y);
            var snapped = new Coordinate(GridLayout.Precision.MakePrecise(x), GridLayout.Precision.MakePrecise(y));
            originals.TryAdd(Key(snapped), new Coordinate(c.X, c.Y));
            return snapped;
        });
    }

    /// <summary>Back to CGCS2000: the original lon/lat for every vertex that came from the database, the inverse projection for new ones.</summary>
    public Geometry ToLonLat(Geometry metres)
    {
        var inverse = transforms.Value.Inverse;
        return Map(metres, Geo.Factory, c =>
        {
            if (originals.TryGetValue(Key(c), out var original))
                return original.Copy();
            var (lon, lat) = inverse.Transform(c.X, c.Y);
            return new Coordinate(lon, lat);
        });
    }

    /// <summary>A drawn geometry (a split line, a carved polygon) in metres, snapped but not remembered: it holds no stored vertex.</summary>
    public Geometry ProjectDrawn(Geometry lonLat)
    {
        var forward = transforms.Value.Forward;
        return Map(lonLat, Factory, c =>
        {
            var (x, y) = forward.Transform(c.X, c.Y);
            return new Coordinate(GridLayout.Precision.MakePrecise(x), GridLayout.Precision.MakePrecise(y));
        });
    }

    /// <summary>A lon/lat point in metres (not remembered: a clicked or drawn point is not a stored vertex).</summary>
    public Coordinate ToMetres(double lon, double lat)
    {
        var (x, y) = transforms.Value.Forward.Transform(lon, lat);
        return new Coordinate(GridLayout.Precision.MakePrecise(x), GridLayout.Precision.MakePrecise(y));
    }

    private static (long, long) Key(Coordinate c) => ((long)Math.Round(c.X * 1000), (long)Math.Round(c.Y * 1000));

    private static Geometry Map(Geometry source, GeometryFactory factory, Func<Coordinate, Coordinate> map)
    {
        var copy = factory.CreateGeometry(source);
        copy.Apply(new MapFilter(map));
        copy.GeometryChanged();
        return copy;
    }

    private static (MathTransform, MathTransform) Create(int centralMeridian)
    {
        var factory = new CoordinateSystemFactory();
        var geographic = factory.CreateFromWkt(Cgcs2000Wkt.Geographic);
        var projected = factory.CreateFromWkt(
            $"PROJCS[\"CGCS2000 / 3-degree Gauss-Kruger CM {centralMeridian}E\",{Cgcs2000Wkt.Geographic},PROJECTION[\"Transverse_Mercator\"]," +
            $"PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",{centralMeridian}],PARAMETER[\"scale_factor\",1]," +
            "PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]");
        var transforms = new CoordinateTransformationFactory();
        return (transforms.CreateFromCoordinateSystems(geographic, projected).MathTransform,
            transforms.CreateFromCoordinateSystems(projected, geographic).MathTransform);
    }

    private sealed class MapFilter(Func<Coordinate, Coordinate> map) : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var mapped = map(new Coordinate(seq.GetX(i), seq.GetY(i)));
            seq.SetX(i, mapped.X);
            seq.SetY(i, mapped.Y);
        }
    }
}
