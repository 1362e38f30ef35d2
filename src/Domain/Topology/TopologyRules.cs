using GridMap.Domain.Codes;

namespace GridMap.Domain.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>
/// The tolerances and guideline a layout is checked against, as data: the same record is handed to the
/// PostGIS check on publish so both judges use one set of numbers.
/// </summary>
public sealed partial record TopologyRules
{
    public static TopologyRules Default { get; } = new();

    /// <summary>Overlaps, gaps, holes and spills smaller than this (m²) are survey noise, not errors.</summary>
    public double AreaTolerance { get; init; } = 1.0;

    /// <summary>Two grids are neighbours (may merge) only when they share more than this length of edge (m); touching at a corner is not enough.</summary>
    public double LengthTolerance { get; init; } = 1.0;

    /// <summary>How near (m) a vertex must be to count as the one being moved, or a building as lying on a grid boundary.</summary>
    public double VertexTolerance { get; init; } = 0.01;

    /// <summary>Grids smaller than this (m²) are reported: a 0.1 ha grid is a mistake or a sliver left by an edit, not a patrol area.</summary>
    public double MinimumGridArea { get; init; } = 1000;

    /// <summary>A grid is one polygon; a village with an exclave may allow multipart grids.</summary>
    public bool AllowMultipart { get; init; }

    public HouseholdGuideline Households { get; init; } = HouseholdGuideline.UrbanComprehensive;

    /// <summary>Everything wrong with the layout under these rules; empty when it may be published.</summary>
    public static IReadOnlyList<TopologyViolation> Check(GridLayout layout, TopologyRules rules) =>
        TopologyCheck.Run(layout, rules);
}

/// <summary>
/// Households per grid the regulations ask for. Urban comprehensive grids: 300–500 households (later
/// regulations, DOMAIN.md §3). Rural grids are smaller — about 30 households in Zhangzi — and no range is
/// published, so <see cref="Rural"/> takes 30 ± half as a starting point for the grid office to set.
/// </summary>
public sealed record HouseholdGuideline(int Minimum, int Maximum)
{
    public static HouseholdGuideline UrbanComprehensive { get; } = new(300, 500);

    public static HouseholdGuideline Rural { get; } = new(15, 45);
}

/// <summary>The topology rules of a village's grids ("must not overlap", "must not have gaps", "must be covered by" the village).</summary>
public enum TopologyRule
{
    /// <summary>Not a valid polygon (IsValidOp): self-intersection as in a bow-tie, a hole outside its shell, too few points…</summary>
    InvalidPolygon,
    /// <summary>A grid in several pieces.</summary>
    Multipart,
    /// <summary>A hole in a grid that no other grid fills.</summary>
    Hole,
    /// <summary>Two grids cover the same ground.</summary>
    Overlap,
    /// <summary>Ground of the village in no grid.</summary>
    Gap,
    /// <summary>Ground of a grid outside its village.</summary>
    OutsideVillage,
    /// <summary>A grid smaller than <see cref="TopologyRules.MinimumGridArea"/>.</summary>
    BelowMinimumArea,
    /// <summary>A building in no grid, or on the boundary of two.</summary>
    BuildingNotInOneGrid,
}

/// <summary>One broken rule: which grids, where (a point, the overlap, the gap polygon…), and what to tell the planner.</summary>
public sealed record TopologyViolation(TopologyRule Rule, IReadOnlyList<AdminCode> GridCodes, Geometry Location, string Message)
{
    /// <summary>Rules an edit may never break anew: the layout would stop tiling its village.</summary>
    public bool BreaksTiling => Rule is not (TopologyRule.BelowMinimumArea or TopologyRule.BuildingNotInOneGrid);
}
