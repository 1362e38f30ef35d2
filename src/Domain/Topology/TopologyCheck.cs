using System.Globalization;
using GridMap.Domain.Codes;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Valid;

namespace GridMap.Domain.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

internal static class TopologyCheck
{
    public static List<TopologyViolation> Run(GridLayout layout, TopologyRules rules)
    {
        var violations = new List<TopologyViolation>();
        var factory = layout.Factory;

        // Grids that fail IsValidOp are reported once, then repaired (GeometryFixer) so that the set-wide rules
        // can still say where the gaps and overlaps are instead of failing on the first bow-tie.
        var usable = new List<(AdminCode Code, Geometry Shape)>();
        foreach (var (code, shape) in layout.Grids)
        {
            if (shape is not (Polygon or MultiPolygon) || shape.IsEmpty)
            {
                violations.Add(new(TopologyRule.InvalidPolygon, [code], shape,
                    $"{Name(code)} is {(shape.IsEmpty ? "empty" : "a " + shape.GeometryType)}, not a polygon."));
                continue;
            }
            var validity = new IsValidOp(shape);
            if (!validity.IsValid)
            {
                var error = validity.ValidationError;
                violations.Add(new(TopologyRule.InvalidPolygon, [code], factory.CreatePoint(error.Coordinate),
                    $"{Name(code)} is not a valid polygon: {error.Message} at {Format(error.Coordinate)}."));
                usable.Add((code, GeometryFixer.Fix(shape)));
                continue;
            }
            if (shape.NumGeometries > 1 && !rules.AllowMultipart)
                violations.Add(new(TopologyRule.Multipart, [code], shape,
                    $"{Name(code)} is in {shape.NumGeometries} pieces; a grid is one polygon."));
            if (shape.Area < rules.MinimumGridArea)
                violations.Add(new(TopologyRule.BelowMinimumArea, [code], shape,
                    $"{Name(code)} covers {shape.Area:F0} m², less than the minimum {rules.MinimumGridArea:F0} m²."));
            usable.Add((code, shape));
        }

        var index = new STRtree<int>();
        for (var i = 0; i < usable.Count; i++)
            index.Insert(usable[i].Shape.EnvelopeInternal, i);

        for (var i = 0; i < usable.Count; i++)
        {
            foreach (var j in index.Query(usable[i].Shape.EnvelopeInternal).Where(j => j > i).Order())
            {
                var overlap = Planar.Polygonal(Planar.Intersection(usable[i].Shape, usable[j].Shape), factory);
                if (overlap.Area > rules.AreaTolerance)
                    violations.Add(new(TopologyRule.Overlap, [usable[i].Code, usable[j].Code], overlap,
                        $"{Name(usable[i].Code)} and {Name(usable[j].Code)} overlap by {overlap.Area:F1} m²."));
            }
        }

        foreach (var (code, shape) in usable)
        {
            var spill = Planar.Polygonal(Planar.Difference(shape, layout.Boundary), factory);
            if (spill.Area > rules.AreaTolerance)
                violations.Add(new(TopologyRule.OutsideVillage, [code], spill,
                    $"{Name(code)} reaches {spill.Area:F1} m² outside its village."));
        }

        var covered = Planar.Union(usable.Select(u => u.Shape), factory);
        foreach (var gap in Planar.Polygons(Planar.Difference(layout.Boundary, covered)).Where(g => g.Area > rules.AreaTolerance))
        {
            var inside = gap.InteriorPoint;
            // The innermost grid around the gap has the hole: an enclave's own hole lies inside its host's shell too.
            var holders = usable
                .Select(u => (u.Code, Shell: Shells(u.Shape).FirstOrDefault(s => s.Covers(inside))))
                .Where(u => u.Shell is not null)
                .OrderBy(u => u.Shell!.Area)
                .Select(u => u.Code)
                .Take(1)
                .ToList();
            if (holders.Count == 1)
            {
                violations.Add(new(TopologyRule.Hole, holders, gap,
                    $"{Name(holders[0])} has a hole of {gap.Area:F1} m² that no other grid fills."));
                continue;
            }
            var edge = gap.EnvelopeInternal.Copy();
            edge.ExpandBy(rules.VertexTolerance);
            var neighbours = index.Query(edge).Order()
                .Where(i => usable[i].Shape.IsWithinDistance(gap, rules.VertexTolerance))
                .Select(i => usable[i].Code).ToList();
            violations.Add(new(TopologyRule.Gap, neighbours, gap,
                $"{gap.Area:F1} m² of the village lie in no grid{(neighbours.Count > 0 ? " (between " + string.Join(", ", neighbours.Select(Name)) + ")" : "")}."));
        }

        foreach (var building in layout.Buildings)
        {
            var where = building.Location.Coordinate.Copy();
            GridLayout.Precision.MakePrecise(where);
            var at = factory.CreatePoint(where);
            var search = at.EnvelopeInternal.Copy();
            search.ExpandBy(rules.VertexTolerance);
            var holders = index.Query(search).Order()
                .Where(i => usable[i].Shape.IsWithinDistance(at, rules.VertexTolerance))
                .Select(i => usable[i].Code).ToList();
            if (holders.Count != 1)
                violations.Add(new(TopologyRule.BuildingNotInOneGrid, holders, at, holders.Count == 0
                    ? $"Building {building.Id} at {Format(at.Coordinate)} lies in no grid."
                    : $"Building {building.Id} at {Format(at.Coordinate)} lies on the boundary of {string.Join(" and ", holders.Select(Name))}; move the boundary so it falls in one."));
        }
        return violations;
    }

    private static IEnumerable<Polygon> Shells(Geometry shape) =>
        Planar.Polygons(shape).Select(p => p.Factory.CreatePolygon((LinearRing)p.ExteriorRing));

    private static string Name(AdminCode code) => GridCode.DisplayName(code);

    private static string Format(Coordinate c) =>
        string.Create(CultureInfo.InvariantCulture, $"({c.X:0.###} {c.Y:0.###})");
}
