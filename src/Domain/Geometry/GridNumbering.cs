using NetTopologySuite.Geometries;

namespace GridMap.Domain.Geometry;

/// <summary>
/// Orders the grids of one village west→east, then north→south (the DB11/T 1288 rule that GB/T 30428.1
/// follows): grids are read like lines of text, starting in the north-west.
/// </summary>
/// <remarks>
/// Irregular polygons have no exact rows, so rows are bands of height h = √(A / n), the side of a mean
/// grid (A the village area, n the grid count), counted down from the northernmost label point. Inside a band
/// grids run by the label point's longitude; equal longitudes go north first, then by input order.
/// </remarks>
public static class GridNumbering
{
    /// <summary>Returns, for each input polygon, its 1-based sequence number.</summary>
    public static int[] Assign(IReadOnlyList<NetTopologySuite.Geometries.Geometry> grids)
    {
        if (grids.Count == 0)
            return [];
        var labels = grids.Select(g => LabelPoint.Of(g).Coordinate).ToArray();
        var totalArea = grids.Sum(g => g.Area);
        var band = Math.Sqrt(totalArea / grids.Count);
        var top = labels.Max(c => c.Y);

        var order = Enumerable.Range(0, grids.Count)
            .OrderBy(i => band > 0 ? Math.Floor((top - labels[i].Y) / band) : 0)
            .ThenBy(i => labels[i].X)
            .ThenByDescending(i => labels[i].Y)
            .ThenBy(i => i)
            .ToArray();

        var sequence = new int[grids.Count];
        for (var rank = 0; rank < order.Length; rank++)
            sequence[order[rank]] = rank + 1;
        return sequence;
    }
}
