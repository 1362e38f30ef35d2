using GridMap.Domain.Codes;

namespace GridMap.Domain.Topology;

/// <summary>The kinds of boundary edit a planner makes.</summary>
public enum GridEdit
{
    /// <summary>One grid cut in two or more by a drawn line: 1 → n, all new codes.</summary>
    Split,
    /// <summary>Two neighbours become one new grid: 2 → 1, a new code.</summary>
    Merge,
    /// <summary>A shared vertex or edge moved: the same codes, new geometry.</summary>
    Reshape,
    /// <summary>A new grid taken from parts of its neighbours: n → n + 1, the neighbours keep their codes.</summary>
    Carve,
    /// <summary>A grid deleted by giving its ground to a neighbour: 2 → 1, the neighbour keeps its code.</summary>
    Dissolve,
}

/// <summary>
/// Which grids became which (沿革) in one edit. Codes in <see cref="From"/> but not in <see cref="To"/> were
/// retired; codes in both kept their code and may have changed shape; codes only in <see cref="To"/> are new.
/// </summary>
public sealed record Lineage(GridEdit Edit, IReadOnlyList<AdminCode> From, IReadOnlyList<AdminCode> To)
{
    public IEnumerable<AdminCode> Retired => From.Except(To);

    public IEnumerable<AdminCode> Created => To.Except(From);

    public IEnumerable<AdminCode> Reshaped => From.Intersect(To);
}
