using GridMap.Store.Boundaries;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Triangulate;

namespace GridMap.Synthetic.Generation;

/// <summary>A place where children should be small: the seat of a county or township, where the urban units are.</summary>
public sealed record Hotspot(Coordinate Centre, double SigmaDegrees, double Share);

/// <summary>One piece of a partition and the site (Voronoi generator) it grew from.</summary>
public sealed record Cell(MultiPolygon Geometry, Coordinate Site);

/// <summary>
/// Cuts a polygon into exactly n compact pieces that tile it: a centroidal Voronoi tessellation (k-means over
/// points sampled inside the polygon, optionally denser around a <see cref="Hotspot"/>), clipped to the polygon.
/// Where clipping leaves a piece in several parts, the parts away from the site join the neighbour they share
/// the longest border with, so pieces stay whole wherever the polygon itself is whole.
/// </summary>
public static class VoronoiPartitioner
{
    private const int SamplesPerCell = 12;
    private const int LloydIterations = 8;

    public static IReadOnlyList<Cell> Partition(MultiPolygon parent, int count, Random random, Hotspot? hotspot = null)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "A partition needs at least one piece.");
        if (count == 1)
            return [new Cell(parent, SamplePoints(parent, 1, random, null)[0])];

        var samples = SamplePoints(parent, Math.Max(SamplesPerCell * count, 64), random, hotspot);
        var sites = KMeansSites(samples, count, random);
        var cells = ClipVoronoi(parent, sites);
        return ReassignFragments(cells);
    }

    private static Coordinate[] SamplePoints(MultiPolygon parent, int count, Random random, Hotspot? hotspot)
    {
        var locator = new IndexedPointInAreaLocator(parent);
        var envelope = parent.EnvelopeInternal;
        var points = new Coordinate[count];
        var found = 0;
        var attempts = 0;
        while (found < count)
        {
            if (++attempts > count * 10_000)
                throw new InvalidOperationException("Could not sample points inside a polygon (is it empty or degenerate?).");
            Coordinate candidate;
            if (hotspot is not null && random.NextDouble() < hotspot.Share)
                candidate = new Coordinate(
                    hotspot.Centre.X + random.Gaussian() * hotspot.SigmaDegrees,
                    hotspot.Centre.Y + random.Gaussian() * hotspot.SigmaDegrees);
            else
                candidate = new Coordinate(
                    envelope.MinX + random.NextDouble() * envelope.Width,
                    envelope.MinY + random.NextDouble() * envelope.Height);
            if (locator.Locate(candidate) == Location.Interior)
                points[found++] = candidate;
        }
        return points;
    }

    /// <summary>k-means++ seeding and Lloyd iterations; each centre ends on the sample nearest to it, so it lies inside the parent.</summary>
    private static Coordinate[] KMeansSites(Coordinate[] samples, int k, Random random)
    {
        var centres = new Coordinate[k];
        centres[0] = samples[random.Next(samples.Length)];
        var nearest = samples.Select(s => s.Distance(centres[0]) * s.Distance(centres[0])).ToArray();
        for (var c = 1; c < k; c++)
        {
            var total = nearest.Sum();
            var pick = random.NextDouble() * total;
            var index = 0;
            for (; index < samples.Length - 1 && pick > nearest[index]; index++)
                pick -= nearest[index];
            centres[c] = samples[index];
            for (var i = 0; i < samples.Length; i++)
                nearest[i] = Math.Min(nearest[i], DistanceSquared(samples[i], centres[c]));
        }

        var assignment = new int[samples.Length];
        for (var iteration = 0; iteration < LloydIterations; iteration++)
        {
            Assign(samples, centres, assignment);
            var sumX = new double[k];
            var sumY = new double[k];
            var members = new int[k];
            for (var i = 0; i < samples.Length; i++)
            {
                sumX[assignment[i]] += samples[i].X;
                sumY[assignment[i]] += samples[i].Y;
                members[assignment[i]]++;
            }
            for (var c = 0; c < k; c++)
                if (members[c] > 0)
                    centres[c] = new Coordinate(sumX[c] / members[c], sumY[c] / members[c]);
        }

        Assign(samples, centres, assignment);
        var sites = new Coordinate[k];
        var used = new HashSet<Coordinate>();
        for (var c = 0; c < k; c++)
        {
            var best = -1;
            var bestDistance = double.MaxValue;
            for (var i = 0; i < samples.Length; i++)
            {
                if (assignment[i] != c || used.Contains(samples[i]))
                    continue;
                var d = DistanceSquared(samples[i], centres[c]);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = i;
                }
            }
            // An empty cluster takes any unused sample: the partition still gets exactly k sites.
            var site = best >= 0 ? samples[best] : samples.First(s => !used.Contains(s));
            used.Add(site);
            sites[c] = site;
        }
        return sites;
    }

    private static void Assign(Coordinate[] samples, Coordinate[] centres, int[] assignment)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var best = 0;
            var bestDistance = double.MaxValue;
            for (var c = 0; c < centres.Length; c++)
            {
                var d = DistanceSquared(samples[i], centres[c]);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = c;
                }
            }
            assignment[i] = best;
        }
    }

    private static double DistanceSquared(Coordinate a, Coordinate b)
    {
        var dx = a.X - b.X;
        var dy = a.Y - b.Y;
        return dx * dx + dy * dy;
    }

    private static List<(List<Polygon> Parts, Coordinate Site)> ClipVoronoi(MultiPolygon parent, Coordinate[] sites)
    {
        var clip = new Envelope(parent.EnvelopeInternal);
        clip.ExpandBy(Math.Max(clip.Width, clip.Height) * 0.1 + 1e-6);
        var builder = new VoronoiDiagramBuilder { ClipEnvelope = clip };
        builder.SetSites(sites);
        var diagram = builder.GetDiagram(Geo.Factory);
        var bySite = new Dictionary<Coordinate, Geometry>();
        for (var i = 0; i < diagram.NumGeometries; i++)
        {
            var cell = diagram.GetGeometryN(i);
            bySite[(Coordinate)cell.UserData] = cell;
        }

        var result = new List<(List<Polygon>, Coordinate)>(sites.Length);
        foreach (var site in sites)
        {
            var clipped = Geo.Polygonal(Geo.Intersection(bySite[site], parent));
            result.Add(([.. Enumerable.Range(0, clipped.NumGeometries).Select(i => (Polygon)clipped.GetGeometryN(i))], site));
        }
        return result;
    }

    private static List<Cell> ReassignFragments(List<(List<Polygon> Parts, Coordinate Site)> clipped)
    {
        var main = new Geometry[clipped.Count];
        var fragments = new List<(int Owner, Polygon Part)>();
        for (var i = 0; i < clipped.Count; i++)
        {
            var (parts, site) = clipped[i];
            var sitePoint = Geo.Factory.CreatePoint(site);
            var home = parts.FirstOrDefault(p => p.Covers(sitePoint)) ?? parts.MaxBy(p => p.Area)!;
            main[i] = home;
            fragments.AddRange(parts.Where(p => !ReferenceEquals(p, home)).Select(p => (i, p)));
        }

        // A fragment may touch only other fragments at first; repeat until nothing more can move.
        var pending = fragments;
        while (pending.Count > 0)
        {
            var stuck = new List<(int Owner, Polygon Part)>();
            foreach (var (owner, part) in pending)
            {
                var boundary = part.Boundary;
                var best = -1;
                var bestShared = 0.0;
                for (var k = 0; k < main.Length; k++)
                {
                    if (k == owner || !main[k].EnvelopeInternal.Intersects(part.EnvelopeInternal))
                        continue;
                    var shared = Geo.Intersection(boundary, main[k]).Length;
                    if (shared > bestShared)
                    {
                        bestShared = shared;
                        best = k;
                    }
                }
                if (best >= 0)
                    main[best] = Geo.Union(main[best], part);
                else
                    stuck.Add((owner, part));
            }
            if (stuck.Count == pending.Count)
            {
                foreach (var (owner, part) in stuck)
                    main[owner] = Geo.Union(main[owner], part);
                break;
            }
            pending = stuck;
        }
        return [.. main.Select((g, i) => new Cell(Geo.Polygonal(g), clipped[i].Site))];
    }
}
