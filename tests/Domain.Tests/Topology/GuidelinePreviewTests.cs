using GridMap.Domain.Topology;
using static GridMap.Domain.Tests.Topology.Fixtures;

namespace GridMap.Domain.Tests.Topology;

/// <summary>What each proposed grid of <see cref="Fixtures.Clean"/> would hold, and where it leaves the guideline.</summary>
public class GuidelinePreviewTests
{
    private static readonly GridLayout Populated = Clean with
    {
        Buildings =
        [
            new("B-1", Read("POINT(20 20)"), 180, 420),
            new("B-2", Read("POLYGON((40 40, 60 40, 60 60, 40 60, 40 40))"), 160, 390),
            new("B-3", Read("POINT(150 50)"), 40, 95),
            new("B-4", Read("POINT(100 80)"), 9, 20),
        ],
        OpenEvents = [new("E-1", (NetTopologySuite.Geometries.Point)Read("POINT(10 90)")), new("E-2", (NetTopologySuite.Geometries.Point)Read("POINT(190 10)"))],
    };

    [Fact]
    public void Each_grid_counts_what_lies_in_it_and_a_building_on_the_boundary_counts_nowhere()
    {
        var preview = GuidelinePreview.Of(Populated, TopologyRules.Default);
        Assert.Equal(
            ["001: 340 households, 810 people, 1 events, 10000 m²", "002: 40 households, 95 people, 1 events, 10000 m²"],
            preview.Select(p => $"{p.Code.Value[12..]}: {p.Households} households, {p.People} people, {p.OpenEvents} events, {p.Area:F0} m²"));
    }

    [Theory]
    [InlineData(300, 500, "", "TooFewHouseholds")]
    [InlineData(15, 45, "TooManyHouseholds", "")]
    [InlineData(20, 400, "", "")]
    public void Grids_outside_the_household_guideline_are_warned_about(int minimum, int maximum, string west, string east)
    {
        var preview = GuidelinePreview.Of(Populated, TopologyRules.Default with { Households = new(minimum, maximum) });
        Assert.Equal([west, east], preview.Select(p => string.Join(' ', p.Warnings.Select(w => w.Rule))));
    }

    [Fact]
    public void The_urban_guideline_is_300_to_500_households() =>
        Assert.Equal(new HouseholdGuideline(300, 500), TopologyRules.Default.Households);
}
