using System.Collections.Immutable;
using GridMap.Domain.Codes;
using NetTopologySuite.Geometries;

namespace GridMap.Domain.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>
/// One village's grids as a planner sees them in an edit session (网格划分): the village polygon, its grids
/// by code, and what the guideline counts — buildings with their households and people, and open events.
/// </summary>
/// <remarks>
/// Coordinates are metres in a projected CRS (a Gauss-Krüger zone, say) so that areas and lengths are
/// true; the caller projects and keeps <see cref="Srid"/> to project back. Nothing here reprojects.
/// Geometry made by edits is snapped to <see cref="Precision"/> (1 mm) so that shared edges stay exactly
/// shared and overlays never meet floating-point noise.
/// </remarks>
public sealed record GridLayout
{
    /// <summary>Millimetre grid: fine enough for boundaries surveyed to decimetres, coarse enough to be exact.</summary>
    public static readonly PrecisionModel Precision = new(1000);

    public GridLayout(
        AdminCode village,
        Geometry boundary,
        IEnumerable<KeyValuePair<AdminCode, Geometry>> grids,
        IEnumerable<int>? retiredSequences = null,
        IEnumerable<Building>? buildings = null,
        IEnumerable<OpenEvent>? openEvents = null)
    {
        if (village.Level != AdminLevel.Village)
            throw new ArgumentException($"{village} is not a village code.", nameof(village));
        if (boundary is not (Polygon or MultiPolygon) || boundary.IsEmpty)
            throw new ArgumentException("A village boundary is a non-empty polygon.", nameof(boundary));
        var byCode = ImmutableSortedDictionary.CreateBuilder<AdminCode, Geometry>(CodeOrder);
        foreach (var (code, shape) in grids)
        {
            if (code.Parent != village)
                throw new ArgumentException($"Grid {code} does not belong to village {village}.", nameof(grids));
            if (!byCode.TryAdd(code, shape))
                throw new ArgumentException($"Grid {code} appears twice.", nameof(grids));
        }
        var retired = (retiredSequences ?? []).ToImmutableSortedSet();
        var reused = byCode.Keys.Select(GridCode.Sequence).Where(retired.Contains).ToList();
        if (reused.Count > 0)
            throw new ArgumentException($"Sequence {reused[0]:D3} is both retired and in use: codes are never reused.", nameof(retiredSequences));

        Village = village;
        Boundary = boundary;
        Grids = byCode.ToImmutable();
        RetiredSequences = retired;
        Buildings = [.. buildings ?? []];
        OpenEvents = [.. openEvents ?? []];
    }

    public AdminCode Village { get; }

    /// <summary>The village polygon the grids must tile exactly; not edited here (it is the parent's).</summary>
    public Geometry Boundary { get; }

    public int Srid => Boundary.SRID;

    /// <summary>Grids by code, in code order.</summary>
    public ImmutableSortedDictionary<AdminCode, Geometry> Grids { get; private init; }

    /// <summary>Sequences of grids retired from this village; with the current ones, the sequences that can never be given again.</summary>
    public ImmutableSortedSet<int> RetiredSequences { get; private init; }

    public ImmutableArray<Building> Buildings { get; init; }

    public ImmutableArray<OpenEvent> OpenEvents { get; init; }

    /// <summary>Every sequence this village has ever given out, current or retired.</summary>
    public IEnumerable<int> UsedSequences => Grids.Keys.Select(GridCode.Sequence).Concat(RetiredSequences);

    internal GeometryFactory Factory => NetTopologySuite.NtsGeometryServices.Instance.CreateGeometryFactory(Precision, Srid);

    /// <summary>The same village with some grids retired and others added or replaced.</summary>
    internal GridLayout With(IEnumerable<AdminCode> retire, IEnumerable<KeyValuePair<AdminCode, Geometry>> put)
    {
        var grids = Grids.ToBuilder();
        var retired = RetiredSequences.ToBuilder();
        foreach (var code in retire)
        {
            grids.Remove(code);
            retired.Add(GridCode.Sequence(code));
        }
        foreach (var (code, shape) in put)
            grids[code] = shape;
        return this with { Grids = grids.ToImmutable(), RetiredSequences = retired.ToImmutable() };
    }

    internal static readonly IComparer<AdminCode> CodeOrder =
        Comparer<AdminCode>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value));
}

/// <summary>A building (楼宇) by its point or footprint, with the households (户) and people registered in it.</summary>
public sealed record Building(string Id, Geometry Shape, int Households, int People)
{
    /// <summary>Where the building counts: the point itself, or a footprint's centroid (an interior point when the centroid falls outside, as for an L-shaped block).</summary>
    public Point Location => Shape as Point ?? GridMap.Domain.Geometry.LabelPoint.Of(Shape);
}

/// <summary>An event (事件) not yet closed, at the place it was reported.</summary>
public sealed record OpenEvent(string Id, Point Location);
