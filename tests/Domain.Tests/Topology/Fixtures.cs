using GridMap.Domain.Codes;
using GridMap.Domain.Topology;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridMap.Domain.Tests.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>
/// Villages named after the edge case they hold, in metres of a Gauss-Krüger plane (EPSG:4547), kept near
/// the origin so the WKT reads. Grids are numbered 001, 002… in the order given.
/// </summary>
internal static class Fixtures
{
    public const int GaussKruger114 = 4547;
    public static readonly AdminCode Village = AdminCode.Parse("140428100201");

    // Declared before the fixtures: static fields initialise in text order.
    private static readonly WKTReader Reader = new(new NtsGeometryServices(PrecisionModel.Floating.Value, GaussKruger114));

    private const string Strip = "POLYGON((0 0, 200 0, 200 100, 0 100, 0 0))";
    private const string West = "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))";
    private const string East = "POLYGON((100 0, 200 0, 200 100, 100 100, 100 0))";

    /// <summary>Two grids that tile a 200 m × 100 m village.</summary>
    public static readonly GridLayout Clean = Layout(Strip, West, East);

    /// <summary>The eastern grid's west edge leans half a metre off the shared line at the south end: a 25 m² wedge in no grid.</summary>
    public static readonly GridLayout SliverGap = Layout(Strip, West, "POLYGON((100.5 0, 200 0, 200 100, 100 100, 100.5 0))");

    /// <summary>The eastern grid reaches 5 m into the western one.</summary>
    public static readonly GridLayout Overlap = Layout(Strip, West, "POLYGON((95 0, 200 0, 200 100, 95 100, 95 0))");

    /// <summary>The western grid's ring crosses itself at (50 50).</summary>
    public static readonly GridLayout BowTie = Layout(Strip, "POLYGON((0 0, 100 100, 100 0, 0 100, 0 0))", East);

    /// <summary>A ring issue: the western grid's hole lies in the eastern grid, outside its own shell.</summary>
    public static readonly GridLayout HoleOutsideShell = Layout(Strip, "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0), (150 40, 160 40, 160 50, 150 50, 150 40))", East);

    /// <summary>A 20 m square hole in the western grid that no grid fills.</summary>
    public static readonly GridLayout HoleInGrid = Layout(Strip, "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0), (40 40, 60 40, 60 60, 40 60, 40 40))", East);

    /// <summary>The same kind of hole, 40 m square, filled by a third grid: an enclave, which is allowed.</summary>
    public static readonly GridLayout Enclave = Layout(Strip,
        "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0), (30 30, 70 30, 70 70, 30 70, 30 30))", East, "POLYGON((30 30, 70 30, 70 70, 30 70, 30 30))");

    /// <summary>The enclave of <see cref="Enclave"/> with a 10 m square hole of its own: the hole is the enclave's, not its host's.</summary>
    public static readonly GridLayout HoleInEnclave = Layout(Strip,
        "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0), (30 30, 70 30, 70 70, 30 70, 30 30))", East,
        "POLYGON((30 30, 70 30, 70 70, 30 70, 30 30), (45 45, 55 45, 55 55, 45 55, 45 45))");

    /// <summary>The first grid is the two ends of the village, the second the middle.</summary>
    public static readonly GridLayout Multipart = Layout(Strip,
        "MULTIPOLYGON(((0 0, 50 0, 50 100, 0 100, 0 0)), ((150 0, 200 0, 200 100, 150 100, 150 0)))", "POLYGON((50 0, 150 0, 150 100, 50 100, 50 0))");

    /// <summary>The eastern grid runs 10 m past the village's east edge.</summary>
    public static readonly GridLayout SpillOutsideVillage = Layout(Strip, West, "POLYGON((100 0, 210 0, 210 100, 100 100, 100 0))");

    /// <summary>A 10 m square grid in the south-east corner, 100 m², under the 1000 m² minimum.</summary>
    public static readonly GridLayout TinyGrid = Layout(Strip, West,
        "POLYGON((100 0, 190 0, 190 10, 200 10, 200 100, 100 100, 100 0))", "POLYGON((190 0, 200 0, 200 10, 190 10, 190 0))");

    /// <summary>A building standing on the line between the two grids of <see cref="Clean"/>.</summary>
    public static readonly GridLayout BuildingOnBoundary = Clean with { Buildings = [new("B-7", Read("POINT(100 50)"), 12, 30)] };

    /// <summary>A building footprint whose centroid falls in the wedge of <see cref="SliverGap"/>.</summary>
    public static readonly GridLayout BuildingInGap = SliverGap with
    {
        Buildings = [new("B-9", Read("POLYGON((100.05 49.95, 100.15 49.95, 100.15 50.05, 100.05 50.05, 100.05 49.95))"), 2, 5)],
    };

    /// <summary>
    /// 200 m square village in four 100 m grids read NW 001, NE 002, SW 003, SE 004; sequences 005 and 007
    /// were given out before and retired (006 never was).
    /// </summary>
    public static readonly GridLayout FourSquares = new(Village, Read("POLYGON((0 0, 200 0, 200 200, 0 200, 0 0))"),
        [Grid(1, "POLYGON((0 100, 100 100, 100 200, 0 200, 0 100))"),
         Grid(2, "POLYGON((100 100, 200 100, 200 200, 100 200, 100 100))"),
         Grid(3, "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))"),
         Grid(4, "POLYGON((100 0, 200 0, 200 100, 100 100, 100 0))")],
        retiredSequences: [5, 7]);

    public static AdminCode Code(int sequence) => GridCode.Compose(Village, sequence);

    public static Geometry Read(string wkt) => Reader.Read(wkt);

    public static LineString Line(string wkt) => (LineString)Read(wkt);

    private static GridLayout Layout(string village, params string[] grids) =>
        new(Village, Read(village), grids.Select((wkt, i) => Grid(i + 1, wkt)));

    private static KeyValuePair<AdminCode, Geometry> Grid(int sequence, string wkt) => KeyValuePair.Create(Code(sequence), Read(wkt));
}
