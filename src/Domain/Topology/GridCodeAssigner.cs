using System.Diagnostics.CodeAnalysis;
using GridMap.Domain.Codes;
using GridMap.Domain.Geometry;

namespace GridMap.Domain.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>
/// Codes for new grids. Kept grids keep their codes; new grids are put in the order
/// <see cref="GridNumbering"/> reads the whole village after the edit (west→east, then north→south, by
/// label point, in bands one mean grid high) and take the sequences after the highest the village has ever
/// given out.
/// </summary>
/// <remarks>
/// Above the high-water mark rather than the lowest never-used sequence: codes then also tell age (a
/// higher sequence is a later grid), non-reuse depends on one number that the store can hold as a per-village
/// counter instead of a search for holes, and a sequence skipped by an import error is never filled later by
/// an unrelated grid. The cost is that a village renumbered often reaches 999 sooner; then assignment is
/// refused and the grid office must renumber the village as a whole (a later, deliberate operation).
/// </remarks>
public static class GridCodeAssigner
{
    /// <param name="village">The village the grids belong to.</param>
    /// <param name="usedSequences">Every sequence the village has ever given out: current grids and retired ones.</param>
    /// <param name="keptGrids">Grids that keep their codes after the edit; they place the new grids in the village's reading order.</param>
    /// <param name="newGrids">Shapes that need a code.</param>
    /// <param name="codes">For each new grid, in input order, its code.</param>
    /// <param name="error">Why no codes could be given.</param>
    public static bool TryAssign(
        AdminCode village,
        IEnumerable<int> usedSequences,
        IReadOnlyList<Geometry> keptGrids,
        IReadOnlyList<Geometry> newGrids,
        out IReadOnlyList<AdminCode> codes,
        [NotNullWhen(false)] out string? error)
    {
        codes = [];
        if (village.Level != AdminLevel.Village)
        {
            error = $"{village} is not a village code.";
            return false;
        }
        var highest = usedSequences.DefaultIfEmpty(0).Max();
        if (highest + newGrids.Count > GridCode.MaxSequence)
        {
            error = $"Village {village} has given out sequences up to {highest:D3}; {newGrids.Count} more would pass {GridCode.MaxSequence}. Renumber the village.";
            return false;
        }
        var readingOrder = GridNumbering.Assign([.. keptGrids, .. newGrids]);
        var rankOfNew = newGrids.Select((_, i) => readingOrder[keptGrids.Count + i]).ToArray();
        var assigned = new AdminCode[newGrids.Count];
        var next = highest;
        foreach (var i in Enumerable.Range(0, newGrids.Count).OrderBy(i => rankOfNew[i]))
            assigned[i] = GridCode.Compose(village, ++next);
        codes = assigned;
        error = null;
        return true;
    }

    public static IReadOnlyList<AdminCode> Assign(AdminCode village, IEnumerable<int> usedSequences, IReadOnlyList<Geometry> keptGrids, IReadOnlyList<Geometry> newGrids) =>
        TryAssign(village, usedSequences, keptGrids, newGrids, out var codes, out var error)
            ? codes
            : throw new InvalidOperationException(error);
}
