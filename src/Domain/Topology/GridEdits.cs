using System.Globalization;
using GridMap.Domain.Codes;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Linemerge;
using NetTopologySuite.Operation.Polygonize;

namespace GridMap.Domain.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>
/// Boundary edits as pure functions: a layout in, a new layout and its lineage out, or a refusal saying
/// why. Every edit is checked before and after: it is refused if it would add an invalid polygon, a piece,
/// a hole, an overlap, a gap or a spill that was not there before. A small grid or a building left on a
/// boundary is allowed in a draft (the next edit may fix it) and shows in <see cref="EditResult.Violations"/>.
/// </summary>
public static class GridEdits
{
    /// <summary>Cuts a grid along a drawn line into two or more new grids. The line must cross the grid from edge to edge.</summary>
    public static EditResult Split(GridLayout layout, AdminCode grid, LineString line, TopologyRules? rules = null)
    {
        rules ??= TopologyRules.Default;
        if (Find(layout, grid) is not { } shape)
            return NotAGrid(layout, grid);
        if (shape.Contains(line.StartPoint) || shape.Contains(line.EndPoint))
            return EditResult.Refused($"The line must cross {Name(grid)} from edge to edge; it ends inside it.");

        var polygonizer = new Polygonizer();
        polygonizer.Add(Planar.Union(shape.Boundary, line));
        var parts = polygonizer.GetPolygons()
            .SelectMany(face => Planar.Polygons(Planar.Intersection(face, shape)))
            .Where(p => p.Area > rules.AreaTolerance)
            .ToList<Geometry>();
        if (parts.Count < 2)
            return EditResult.Refused($"The line does not cut {Name(grid)} in two: it must cross it from edge to edge.");

        var kept = layout.Grids.Where(g => g.Key != grid).Select(g => g.Value).ToList();
        if (!GridCodeAssigner.TryAssign(layout.Village, layout.UsedSequences, kept, parts, out var codes, out var error))
            return EditResult.Refused(error);
        var after = layout.With([grid], codes.Zip(parts, KeyValuePair.Create));
        return Finish(layout, after, new Lineage(GridEdit.Split, [grid], codes), rules);
    }

    /// <summary>Joins two neighbours into one new grid with a new code; both old codes retire.</summary>
    public static EditResult Merge(GridLayout layout, AdminCode first, AdminCode second, TopologyRules? rules = null)
    {
        rules ??= TopologyRules.Default;
        if (Joined(layout, first, second, rules, out var merged) is { } refused)
            return refused;
        var kept = layout.Grids.Where(g => g.Key != first && g.Key != second).Select(g => g.Value).ToList();
        if (!GridCodeAssigner.TryAssign(layout.Village, layout.UsedSequences, kept, [merged!], out var codes, out var error))
            return EditResult.Refused(error);
        var after = layout.With([first, second], [KeyValuePair.Create(codes[0], merged!)]);
        return Finish(layout, after, new Lineage(GridEdit.Merge, [first, second], codes), rules);
    }

    /// <summary>Deletes a grid by giving its ground to a neighbour, which keeps its code (it only grew); the deleted code retires.</summary>
    public static EditResult Dissolve(GridLayout layout, AdminCode grid, AdminCode intoNeighbour, TopologyRules? rules = null)
    {
        rules ??= TopologyRules.Default;
        if (Joined(layout, grid, intoNeighbour, rules, out var grown) is { } refused)
            return refused;
        var after = layout.With([grid], [KeyValuePair.Create(intoNeighbour, grown!)]);
        return Finish(layout, after, new Lineage(GridEdit.Dissolve, [grid, intoNeighbour], [intoNeighbour]), rules);
    }

    /// <summary>
    /// Adds a grid drawn over parts of its neighbours: the new grid is the shape clipped to the village, each
    /// neighbour loses what the shape covers and keeps its code; a neighbour covered entirely retires.
    /// </summary>
    public static EditResult Carve(GridLayout layout, Geometry newGridShape, TopologyRules? rules = null)
    {
        rules ??= TopologyRules.Default;
        var factory = layout.Factory;
        var carved = Planar.Polygonal(Planar.Intersection(newGridShape, layout.Boundary), factory);
        if (carved.Area <= rules.AreaTolerance)
            return EditResult.Refused($"The new grid lies outside village {layout.Village}.");

        var affected = new List<AdminCode>();
        var swallowed = new List<AdminCode>();
        var reshaped = new List<KeyValuePair<AdminCode, Geometry>>();
        foreach (var (code, shape) in layout.Grids)
        {
            if (!shape.EnvelopeInternal.Intersects(carved.EnvelopeInternal)
                || Planar.Intersection(shape, carved).Area <= rules.AreaTolerance)
                continue;
            affected.Add(code);
            var rest = Planar.Polygonal(Planar.Difference(shape, carved), factory);
            if (rest.Area <= rules.AreaTolerance)
                swallowed.Add(code);
            else
                reshaped.Add(KeyValuePair.Create(code, rest));
        }

        var kept = layout.Grids.Where(g => !affected.Contains(g.Key)).Select(g => g.Value).Concat(reshaped.Select(r => r.Value)).ToList();
        if (!GridCodeAssigner.TryAssign(layout.Village, layout.UsedSequences, kept, [carved], out var codes, out var error))
            return EditResult.Refused(error);
        var after = layout.With(swallowed, [.. reshaped, KeyValuePair.Create(codes[0], carved)]);
        return Finish(layout, after, new Lineage(GridEdit.Carve, affected, [.. reshaped.Select(r => r.Key), codes[0]]), rules);
    }

    /// <summary>
    /// Moves a vertex in every grid that has it, so the neighbours follow and no gap opens. A grid whose edge
    /// merely passes through the vertex (a T-junction left by a split) gains the vertex and moves with the rest.
    /// </summary>
    public static EditResult MoveSharedVertex(GridLayout layout, Coordinate from, Coordinate to, TopologyRules? rules = null)
    {
        rules ??= TopologyRules.Default;
        var target = new Coordinate(to);
        GridLayout.Precision.MakePrecise(target);
        var moved = new List<KeyValuePair<AdminCode, Geometry>>();
        foreach (var (code, shape) in layout.Grids)
        {
            var changed = false;
            var result = Rings.Map(shape, ring => Rings.MoveVertex(ring, from, target, rules.VertexTolerance, ref changed));
            if (changed)
                moved.Add(KeyValuePair.Create(code, result));
        }
        if (moved.Count == 0)
            return EditResult.Refused($"No grid of village {layout.Village} has a vertex at {Format(from)}.");
        var codes = moved.Select(m => m.Key).ToList();
        return Finish(layout, layout.With([], moved), new Lineage(GridEdit.Reshape, codes, codes), rules);
    }

    /// <summary>
    /// Replaces the edge two grids share by a new line between the same two ends: ground on one side of the
    /// new line goes to one grid, the rest to the other; both keep their codes.
    /// </summary>
    public static EditResult ReshapeSharedEdge(GridLayout layout, AdminCode first, AdminCode second, LineString newEdge, TopologyRules? rules = null)
    {
        rules ??= TopologyRules.Default;
        if (Find(layout, first) is not { } a)
            return NotAGrid(layout, first);
        if (Find(layout, second) is not { } b)
            return NotAGrid(layout, second);
        var factory = layout.Factory;

        var merger = new LineMerger();
        merger.Add(Planar.Intersection(a.Boundary, b.Boundary));
        var shared = merger.GetMergedLineStrings().OfType<LineString>().ToList();
        if (shared.Count != 1 || shared[0].Length <= rules.LengthTolerance)
            return EditResult.Refused($"{Name(first)} and {Name(second)} must share one edge to reshape it; they share {shared.Count}.");
        var edge = shared[0];
        var ends = new[] { edge.StartPoint.Coordinate, edge.EndPoint.Coordinate };
        var newEnds = new[] { newEdge.StartPoint.Coordinate, newEdge.EndPoint.Coordinate };
        bool Near(Coordinate p, Coordinate q) => p.Distance(q) <= rules.VertexTolerance;
        if (!(Near(ends[0], newEnds[0]) && Near(ends[1], newEnds[1])) && !(Near(ends[0], newEnds[1]) && Near(ends[1], newEnds[0])))
            return EditResult.Refused($"The new edge must run between the ends of the shared edge, {Format(ends[0])} and {Format(ends[1])}: moving an end moves a vertex other grids share.");
        if (!newEdge.IsSimple)
            return EditResult.Refused("The new edge crosses itself.");

        var both = Planar.Union(a, b);
        if (Planar.Difference(newEdge, both).Length > rules.VertexTolerance)
            return EditResult.Refused($"The new edge leaves {Name(first)} and {Name(second)}; it may only move ground between them.");

        var arcOfA = Planar.Difference(a.Boundary, edge);
        var arcOfB = Planar.Difference(b.Boundary, edge);
        var polygonizer = new Polygonizer();
        polygonizer.Add(Planar.Union(both.Boundary, newEdge));
        var toA = new List<Geometry>();
        var toB = new List<Geometry>();
        foreach (var face in polygonizer.GetPolygons().Where(f => both.Covers(f.InteriorPoint)))
        {
            var alongA = Planar.Intersection(face.Boundary, arcOfA).Length;
            var alongB = Planar.Intersection(face.Boundary, arcOfB).Length;
            (alongA >= alongB ? toA : toB).Add(face);
        }
        if (toA.Count == 0 || toB.Count == 0)
            return EditResult.Refused($"The new edge leaves no ground to {(toA.Count == 0 ? Name(first) : Name(second))}.");

        var after = layout.With([], [
            KeyValuePair.Create(first, Planar.Polygonal(Planar.Union(toA, factory), factory)),
            KeyValuePair.Create(second, Planar.Polygonal(Planar.Union(toB, factory), factory))]);
        return Finish(layout, after, new Lineage(GridEdit.Reshape, [first, second], [first, second]), rules);
    }

    private static EditResult? Joined(GridLayout layout, AdminCode first, AdminCode second, TopologyRules rules, out Geometry? joined)
    {
        joined = null;
        if (Find(layout, first) is not { } a)
            return NotAGrid(layout, first);
        if (Find(layout, second) is not { } b)
            return NotAGrid(layout, second);
        if (first == second)
            return EditResult.Refused($"{Name(first)} cannot be joined to itself.");
        if (Planar.SharedEdgeLength(a, b) <= rules.LengthTolerance)
            return EditResult.Refused($"{Name(first)} and {Name(second)} share no edge longer than {rules.LengthTolerance} m; only neighbours can be joined.");
        joined = Planar.Polygonal(Planar.Union(a, b), layout.Factory);
        if (joined is not Polygon)
            return EditResult.Refused($"{Name(first)} and {Name(second)} together make {joined.NumGeometries} pieces, not one grid.");
        return null;
    }

    private static EditResult Finish(GridLayout before, GridLayout after, Lineage lineage, TopologyRules rules)
    {
        var was = TopologyRules.Check(before, rules);
        var now = TopologyRules.Check(after, rules);
        var fresh = now.Where(v => v.BreaksTiling && IsNew(v, was, rules)).ToList();
        if (fresh.Count > 0)
            return EditResult.Refused($"The {lineage.Edit.ToString().ToLowerInvariant()} would break the village's topology: {fresh[0].Message}", fresh);
        return new EditResult(after, lineage, null, now);
    }

    /// <summary>
    /// Whether a violation after an edit was not there before. Compared by place, not by grid code, since an
    /// edit renames grids: an area is new where it reaches beyond the same rule's areas before (a gap that an
    /// edit shrinks is not new), a point where it is not at a point reported before.
    /// </summary>
    private static bool IsNew(TopologyViolation violation, IReadOnlyList<TopologyViolation> before, TopologyRules rules)
    {
        var same = before.Where(b => b.Rule == violation.Rule).Select(b => b.Location).ToList();
        if (same.Count == 0)
            return true;
        if (violation.Location is Polygon or MultiPolygon && violation.Rule is not (TopologyRule.Multipart or TopologyRule.InvalidPolygon))
        {
            var earlier = Planar.Union(same.Where(s => s is Polygon or MultiPolygon), violation.Location.Factory);
            return Planar.Difference(violation.Location, earlier).Area > rules.AreaTolerance;
        }
        return !same.Any(s => s.EqualsExact(violation.Location, rules.VertexTolerance) || (s is Point && s.IsWithinDistance(violation.Location, rules.VertexTolerance)));
    }

    private static Geometry? Find(GridLayout layout, AdminCode code) => layout.Grids.GetValueOrDefault(code);

    private static EditResult NotAGrid(GridLayout layout, AdminCode code) =>
        EditResult.Refused($"{code} is not a current grid of village {layout.Village}.");

    private static string Name(AdminCode code) => GridCode.DisplayName(code);

    private static string Format(Coordinate c) => string.Create(CultureInfo.InvariantCulture, $"({c.X:0.###} {c.Y:0.###})");
}

/// <summary>An edit's outcome: the new layout and lineage, or a refusal and the violations behind it.</summary>
public sealed record EditResult(GridLayout? Layout, Lineage? Lineage, string? Refusal, IReadOnlyList<TopologyViolation> Violations)
{
    public bool Ok => Refusal is null;

    internal static EditResult Refused(string reason, IReadOnlyList<TopologyViolation>? violations = null) => new(null, null, reason, violations ?? []);
}
