using GridMap.Store.Boundaries;
using GridMap.Synthetic.Generation;
using NetTopologySuite.Algorithm.Construct;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Operation.Distance;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Geometries.Utilities;

namespace GridMap.Synthetic.Population;

internal enum BuildingKind { Courtyard, Apartment, Office, Shed }

/// <summary>
/// A building placed on a grid's site plan, before it is named: its footprint in degrees, the lattice row it stands in
/// (for courtyards: the road it faces, <see cref="Side"/> 0 south of it, 1 north), and how far along the row.
/// </summary>
internal sealed record PlannedBuilding(Polygon Footprint, int Row, int Side, double Along, BuildingKind Kind, short Floors, short Units, double FootprintM2);

internal sealed record SitePlan(bool Apartments, IReadOnlyList<PlannedBuilding> Buildings);

/// <summary>
/// Places the buildings of one grid. Rural grids get courtyards (院落) in two rows along parallel lanes, a village-like
/// cluster around the point deepest inside the grid; urban grids (and rural grids too small for their courtyards) get
/// rows of apartment slabs spaced for daylight. Work happens in metres on a local plane (an equirectangular frame at the
/// grid, rotated by a small street angle): footprints sit inside disjoint lattice cells that lie inside the grid, so they
/// cannot overlap each other or leave the grid, and the affine map back to degrees keeps both properties.
/// </summary>
internal static class SitePlanner
{
    public const int FlatsPerLanding = 2;

    private static readonly double[] CourtyardScales = [1.0, 0.9, 0.8, 0.7];

    public static SitePlan Plan(PopulationGrid grid, int households, bool withOffice, Random random)
    {
        var frame = Frame.For(grid.Geometry, random);
        if (!grid.Urban)
        {
            var courtyards = Courtyards(frame, households, withOffice, random);
            if (courtyards is not null)
                return courtyards;
        }
        return Apartments(frame, households, withOffice, random);
    }

    /// <summary>Courtyards for all households at one or two a courtyard, or null when the grid cannot hold that many.</summary>
    private static SitePlan? Courtyards(Frame frame, int households, bool withOffice, Random random)
    {
        // Some courtyards hold two households (parents and a married son's family registered apart).
        var doubled = (int)Math.Round(households * (0.05 + 0.06 * random.NextDouble()));
        var wanted = Math.Max(households - doubled, households > 0 ? 1 : 0);
        var extra = withOffice || households == 0 ? 1 : 0;
        var laneWidth = 5 + 2 * random.NextDouble();
        var phase = random.NextDouble();
        // Villages string out along their lanes: a dozen or more courtyards a side.
        var stretch = 2 + random.NextDouble();

        List<Cell> best = [];
        var bestScale = 1.0;
        foreach (var scale in CourtyardScales)
        {
            var cellWidth = 21 * scale;
            var cellDepth = 25 * scale;
            var lane = laneWidth * scale;
            var pitch = 2 * cellDepth + lane;
            var cells = frame.NearestCoveredCells(
                row =>
                {
                    var pair = FloorDiv(row, 2);
                    var v0 = row - 2 * pair == 0 ? pair * pitch - lane / 2 - cellDepth : pair * pitch + lane / 2;
                    return (v0, v0 + cellDepth);
                },
                // Both rows of a lane are equally near, and lanes north come before lanes south: a cluster grows a lane at a time.
                row => FloorDiv(row, 2) is var pair && pair >= 0 ? pair * pitch : (0.5 - pair) * pitch,
                pitch / 2, row => cellWidth * Fraction(phase + FloorDiv(row, 2) * 0.618034), cellWidth, stretch, wanted + extra);
            if (cells.Count > best.Count)
                (best, bestScale) = (cells, scale);
            if (cells.Count >= wanted + extra)
                break;
        }
        if (best.Count - extra < (households + 1) / 2 || best.Count == 0)
            return null;

        var buildings = new List<PlannedBuilding>(best.Count);
        for (var i = 0; i < best.Count; i++)
        {
            var cell = best[i];
            var width = Math.Min((15 + 5 * random.NextDouble()) * bestScale, cell.Width - 1);
            var depth = Math.Min((18 + 6 * random.NextDouble()) * bestScale, cell.Height - 1);
            var u0 = cell.U0 + 0.5 + (cell.Width - 1 - width) * random.NextDouble();
            var side = FloorMod(cell.Row, 2);
            // The gate faces the lane: south-row courtyards back onto the lane's south edge, north-row ones start at its north edge.
            var v0 = side == 0 ? cell.V1 - 0.5 - depth : cell.V0 + 0.5;
            var kind = i == 0 && extra == 1 ? (households == 0 ? BuildingKind.Shed : BuildingKind.Office) : BuildingKind.Courtyard;
            buildings.Add(new PlannedBuilding(frame.ToDegrees(u0, v0, u0 + width, v0 + depth), FloorDiv(cell.Row, 2), side,
                u0 + width / 2, kind, 1, 1, width * depth));
        }
        return new SitePlan(false, buildings);
    }

    /// <summary>Apartment slabs of 5–7 floors and 2–3 units, enough for all households at about nine in ten flats let.</summary>
    private static SitePlan Apartments(Frame frame, int households, bool withOffice, Random random)
    {
        var floors = (short)random.Next(5, 8);
        var units = (short)random.Next(2, 4);
        const double unitWidth = 14;
        const double depth = 12;
        var occupancy = 0.85 + 0.1 * random.NextDouble();
        var phase = random.NextDouble();
        var extra = withOffice ? 1 : 0;
        (short Units, double SideGap, double RowGap)[] attempts =
        [
            (units, 10, 1.1 * floors * 3), (units, 6, 0.8 * floors * 3), (2, 6, 12), (1, 5, 10),
        ];

        List<Cell> best = [];
        var bestUnits = units;
        foreach (var (attemptUnits, sideGap, rowGap) in attempts)
        {
            var wanted = (int)Math.Ceiling(households / (occupancy * floors * attemptUnits * FlatsPerLanding)) + extra;
            var cellWidth = attemptUnits * unitWidth + sideGap;
            var cellHeight = depth + rowGap;
            var cells = frame.NearestCoveredCells(
                row => (row * cellHeight - cellHeight / 2, row * cellHeight + cellHeight / 2),
                row => row * cellHeight,
                cellHeight, row => cellWidth * Fraction(phase + row * 0.618034), cellWidth, 1.3, Math.Max(wanted, 1));
            if (cells.Count > best.Count)
                (best, bestUnits) = (cells, attemptUnits);
            if (cells.Count >= wanted)
            {
                (best, bestUnits) = (cells, attemptUnits);
                break;
            }
        }
        if (best.Count - extra < 1)
            return InscribedTower(frame, households);

        var blocks = best.Count - extra;
        // Where the grid is too small for enough slabs at this height, the slabs it can hold grow taller.
        var needed = (int)Math.Ceiling(households / (0.9 * blocks * bestUnits * FlatsPerLanding));
        floors = (short)Math.Clamp(Math.Max(floors, needed), 1, 33);
        var buildings = new List<PlannedBuilding>(best.Count);
        for (var i = 0; i < best.Count; i++)
        {
            var cell = best[i];
            var office = i == 0 && extra == 1;
            var buildingUnits = office ? (short)1 : bestUnits;
            var width = buildingUnits * unitWidth;
            var u0 = cell.U0 + (cell.Width - width) / 2;
            var v0 = cell.V0 + (cell.Height - depth) / 2;
            buildings.Add(new PlannedBuilding(frame.ToDegrees(u0, v0, u0 + width, v0 + depth), cell.Row, 0, u0 + width / 2,
                office ? BuildingKind.Office : BuildingKind.Apartment, office ? (short)3 : floors, buildingUnits, width * depth));
        }
        return new SitePlan(true, buildings);
    }

    /// <summary>The last resort for a grid too narrow for any slab: one tower on the square inside its largest inscribed circle.</summary>
    private static SitePlan InscribedTower(Frame frame, int households)
    {
        var circle = new MaximumInscribedCircle(frame.Area, 0.5);
        var centre = circle.GetCenter().Coordinate;
        var half = circle.GetRadiusLine().Length * Math.Sqrt(2) / 2 * 0.9;
        var units = (short)Math.Clamp((int)Math.Ceiling(households / 60.0), 1, 99);
        var floors = (short)Math.Clamp((int)Math.Ceiling(households / (double)(units * FlatsPerLanding)), 1, 200);
        var footprint = frame.ToDegrees(centre.X - half, centre.Y - half, centre.X + half, centre.Y + half);
        return new SitePlan(true, [new PlannedBuilding(footprint, 0, 0, centre.X, BuildingKind.Apartment, floors, units, 4 * half * half)]);
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor(a / (double)b);

    private static int FloorMod(int a, int b) => a - b * FloorDiv(a, b);

    private static double Fraction(double x) => x - Math.Floor(x);

    internal readonly record struct Cell(int Row, int Column, double U0, double V0, double U1, double V1)
    {
        public double Width => U1 - U0;
        public double Height => V1 - V0;
    }

    /// <summary>
    /// The grid on a local plane in metres: origin at its centroid (or deepest point), u along the street angle, v across it.
    /// </summary>
    internal sealed class Frame
    {
        private readonly AffineTransformation toDegrees;
        private readonly IPreparedGeometry prepared;
        private readonly IndexedPointInAreaLocator interior;
        private readonly IndexedFacetDistance boundary;
        private readonly int salt;

        private Frame(Geometry area, AffineTransformation toDegrees, int salt)
        {
            Area = area;
            this.toDegrees = toDegrees;
            this.salt = salt;
            prepared = PreparedGeometryFactory.Prepare(area);
            interior = new IndexedPointInAreaLocator(area);
            boundary = new IndexedFacetDistance(area.Boundary);
        }

        public Geometry Area { get; }

        public static Frame For(MultiPolygon grid, Random random)
        {
            var anchor = grid.EnvelopeInternal.Centre;
            var phi = anchor.Y * Math.PI / 180;
            // Local scale of the CGCS2000 ellipsoid, as in Geo.Circle: exact to well under a metre across a grid.
            var metresPerDegreeLat = 111132.954 - 559.822 * Math.Cos(2 * phi) + 1.175 * Math.Cos(4 * phi);
            var metresPerDegreeLon = 111412.84 * Math.Cos(phi) - 93.5 * Math.Cos(3 * phi);
            var toMetres = new AffineTransformation().Translate(-anchor.X, -anchor.Y).Scale(metresPerDegreeLon, metresPerDegreeLat);
            var metric = toMetres.Transform(grid);
            // The centroid of a (convex) Voronoi grid; the centre of the largest inscribed circle where the county border bends
            // a grid so far that its centroid falls outside (a fiftieth of the grid's size is precision enough).
            var centre = metric.Centroid.Coordinate;
            if (!metric.Contains(metric.Centroid))
                centre = new MaximumInscribedCircle(metric, Math.Max(1.0, Math.Sqrt(metric.Area) / 50)).GetCenter().Coordinate;
            // Streets run roughly east–west (courtyards face south), turned by a few degrees from grid to grid.
            var angle = Math.Clamp(random.Gaussian() * 0.12, -0.35, 0.35);
            var toFrame = new AffineTransformation(toMetres).Translate(-centre.X, -centre.Y).Rotate(-angle);
            return new Frame(toFrame.Transform(grid), toFrame.GetInverse(), random.Next());
        }

        public Polygon ToDegrees(double u0, double v0, double u1, double v1)
        {
            Coordinate Corner(double u, double v)
            {
                var c = new Coordinate(u, v);
                toDegrees.Transform(c, c);
                return c;
            }
            var first = Corner(u0, v0);
            return Geo.Factory.CreatePolygon([first, Corner(u1, v0), Corner(u1, v1), Corner(u0, v1), first.Copy()]);
        }

        /// <summary>
        /// Up to <paramref name="wanted"/> lattice cells covered by the grid, nearest the origin first (with a little noise,
        /// so a cluster's edge is ragged rather than round): a row is <paramref name="rowDistance"/> away, and distances along
        /// it count 1/<paramref name="stretch"/>, so that a cluster is that many times longer than deep. Rows are given by their v-span; each row's columns start at
        /// its own offset. The search window grows until enough cells are found or it covers the whole grid.
        /// </summary>
        public List<Cell> NearestCoveredCells(
            Func<int, (double V0, double V1)> rowSpan, Func<int, double> rowDistance, double rowPitch, Func<int, double> rowOffset,
            double cellWidth, double stretch, int wanted)
        {
            var bounds = Area.EnvelopeInternal;
            var reach = Math.Sqrt(Math.Max(bounds.MinX * bounds.MinX, bounds.MaxX * bounds.MaxX) + Math.Max(bounds.MinY * bounds.MinY, bounds.MaxY * bounds.MaxY));
            var radius = Math.Sqrt(wanted * cellWidth * rowPitch / (Math.PI * stretch)) * 1.5 + 2 * Math.Max(cellWidth, rowPitch);
            var found = new List<Cell>(wanted);
            while (true)
            {
                var candidates = new List<(double Key, Cell Cell)>();
                var firstRow = Math.Max((int)Math.Floor(-radius / rowPitch) - 1, (int)Math.Floor(bounds.MinY / rowPitch) - 2);
                var lastRow = Math.Min((int)Math.Ceiling(radius / rowPitch) + 1, (int)Math.Ceiling(bounds.MaxY / rowPitch) + 2);
                for (var row = firstRow; row <= lastRow; row++)
                {
                    var (v0, v1) = rowSpan(row);
                    if (v1 <= bounds.MinY || v0 >= bounds.MaxY)
                        continue;
                    var offset = rowOffset(row);
                    var firstColumn = (int)Math.Floor((Math.Max(-radius * stretch, bounds.MinX) - offset) / cellWidth);
                    var lastColumn = (int)Math.Ceiling((Math.Min(radius * stretch, bounds.MaxX) - offset) / cellWidth);
                    for (var column = firstColumn; column <= lastColumn; column++)
                    {
                        var u0 = offset + column * cellWidth;
                        var cell = new Cell(row, column, u0, v0, u0 + cellWidth, v1);
                        var cu = (cell.U0 + cell.U1) / 2;
                        var cv = rowDistance(row);
                        var distance = Math.Sqrt(cu * cu / (stretch * stretch) + cv * cv);
                        if (distance > radius)
                            continue;
                        candidates.Add((distance + Noise(row, column) * 0.8 * cellWidth, cell));
                    }
                }
                candidates.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : (a.Cell.Row, a.Cell.Column).CompareTo((b.Cell.Row, b.Cell.Column)));
                found.Clear();
                foreach (var (_, cell) in candidates)
                {
                    if (!Covered(cell))
                        continue;
                    found.Add(cell);
                    if (found.Count == wanted)
                        return found;
                }
                if (radius >= reach)
                    return found;
                radius *= 2;
            }
        }

        private bool Covered(Cell cell)
        {
            // Most cells lie well inside or well outside: the centre's location and its distance from the boundary
            // settle those; only cells near the boundary need the exact test.
            var centre = new Coordinate((cell.U0 + cell.U1) / 2, (cell.V0 + cell.V1) / 2);
            if (interior.Locate(centre) != Location.Interior)
                return false;
            if (!boundary.IsWithinDistance(Geo.Factory.CreatePoint(centre), Math.Sqrt(cell.Width * cell.Width + cell.Height * cell.Height) / 2))
                return true;
            return prepared.Covers(Geo.Factory.CreatePolygon([
                new Coordinate(cell.U0, cell.V0), new Coordinate(cell.U1, cell.V0), new Coordinate(cell.U1, cell.V1),
                new Coordinate(cell.U0, cell.V1), new Coordinate(cell.U0, cell.V0),
            ]));
        }

        private double Noise(int row, int column)
        {
            var h = unchecked((uint)(row * 73856093) ^ (uint)(column * 19349663) ^ (uint)salt);
            h ^= h >> 13;
            h *= 0x5bd1e995;
            h ^= h >> 15;
            return (h & 0xFFFF) / 65536.0;
        }
    }
}
