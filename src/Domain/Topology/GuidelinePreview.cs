using GridMap.Domain.Codes;
using NetTopologySuite.Index.Strtree;

namespace GridMap.Domain.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>
/// The live preview beside a draft: what each proposed grid would hold — households, people, open events,
/// area — and where it leaves the household guideline. Warnings, not violations: a planner may publish a
/// grid outside the guideline (a village of 40 households is one grid whatever the rule says).
/// </summary>
public static class GuidelinePreview
{
    public static IReadOnlyList<GridPreview> Of(GridLayout layout, TopologyRules rules)
    {
        var codes = layout.Grids.Keys.ToArray();
        var index = new STRtree<int>();
        for (var i = 0; i < codes.Length; i++)
            index.Insert(layout.Grids[codes[i]].EnvelopeInternal, i);

        var households = new int[codes.Length];
        var people = new int[codes.Length];
        var events = new int[codes.Length];
        foreach (var building in layout.Buildings)
        {
            // A building on a boundary counts nowhere: TopologyRules reports it, and counting it twice would hide that.
            if (Single(layout, codes, index, building.Location, rules.VertexTolerance) is { } i)
            {
                households[i] += building.Households;
                people[i] += building.People;
            }
        }
        foreach (var open in layout.OpenEvents)
        {
            if (Single(layout, codes, index, open.Location, rules.VertexTolerance) is { } i)
                events[i]++;
        }

        var guideline = rules.Households;
        return [.. codes.Select((code, i) =>
        {
            var warnings = new List<GuidelineWarning>();
            if (households[i] < guideline.Minimum)
                warnings.Add(new(GuidelineRule.TooFewHouseholds, $"{households[i]} households, fewer than the guideline's {guideline.Minimum}."));
            if (households[i] > guideline.Maximum)
                warnings.Add(new(GuidelineRule.TooManyHouseholds, $"{households[i]} households, more than the guideline's {guideline.Maximum}."));
            var area = layout.Grids[code].Area;
            if (area < rules.MinimumGridArea)
                warnings.Add(new(GuidelineRule.SmallArea, $"{area:F0} m², less than the minimum {rules.MinimumGridArea:F0} m²."));
            return new GridPreview(code, households[i], people[i], events[i], area, warnings);
        })];
    }

    private static int? Single(GridLayout layout, AdminCode[] codes, STRtree<int> index, Geometry at, double tolerance)
    {
        var search = at.EnvelopeInternal.Copy();
        search.ExpandBy(tolerance);
        var hits = index.Query(search).Where(i => layout.Grids[codes[i]].IsWithinDistance(at, tolerance)).Take(2).ToList();
        return hits.Count == 1 ? hits[0] : null;
    }
}

public sealed record GridPreview(AdminCode Code, int Households, int People, int OpenEvents, double Area, IReadOnlyList<GuidelineWarning> Warnings);

public enum GuidelineRule
{
    TooFewHouseholds,
    TooManyHouseholds,
    SmallArea,
}

public sealed record GuidelineWarning(GuidelineRule Rule, string Message);
