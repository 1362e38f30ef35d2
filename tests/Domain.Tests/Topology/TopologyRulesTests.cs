using GridMap.Domain.Topology;
using NetTopologySuite.Geometries;

namespace GridMap.Domain.Tests.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>Named WKT fixtures in, the broken rule, its grids and its place out (WKT, normalised).</summary>
public class TopologyRulesTests
{
    [Theory]
    [InlineData(nameof(Fixtures.SliverGap), TopologyRule.Gap, "001 002", "POLYGON((100 0, 100.5 0, 100 100, 100 0))")]
    [InlineData(nameof(Fixtures.Overlap), TopologyRule.Overlap, "001 002", "POLYGON((95 0, 100 0, 100 100, 95 100, 95 0))")]
    [InlineData(nameof(Fixtures.BowTie), TopologyRule.InvalidPolygon, "001", "POINT(50 50)")]
    [InlineData(nameof(Fixtures.HoleOutsideShell), TopologyRule.InvalidPolygon, "001", "POINT(150 40)")]
    [InlineData(nameof(Fixtures.HoleInGrid), TopologyRule.Hole, "001", "POLYGON((40 40, 60 40, 60 60, 40 60, 40 40))")]
    [InlineData(nameof(Fixtures.HoleInEnclave), TopologyRule.Hole, "003", "POLYGON((45 45, 55 45, 55 55, 45 55, 45 45))")]
    [InlineData(nameof(Fixtures.Multipart), TopologyRule.Multipart, "001", "MULTIPOLYGON(((0 0, 50 0, 50 100, 0 100, 0 0)), ((150 0, 200 0, 200 100, 150 100, 150 0)))")]
    [InlineData(nameof(Fixtures.SpillOutsideVillage), TopologyRule.OutsideVillage, "002", "POLYGON((200 0, 210 0, 210 100, 200 100, 200 0))")]
    [InlineData(nameof(Fixtures.TinyGrid), TopologyRule.BelowMinimumArea, "003", "POLYGON((190 0, 200 0, 200 10, 190 10, 190 0))")]
    [InlineData(nameof(Fixtures.BuildingOnBoundary), TopologyRule.BuildingNotInOneGrid, "001 002", "POINT(100 50)")]
    [InlineData(nameof(Fixtures.BuildingInGap), TopologyRule.BuildingNotInOneGrid, "", "POINT(100.1 50)")]
    public void An_edge_case_is_reported_with_its_grids_and_place(string fixture, TopologyRule rule, string grids, string where)
    {
        var found = Assert.Single(Check(fixture), v => v.Rule == rule);
        Assert.Equal(grids, string.Join(' ', found.GridCodes.Select(c => c.Value[12..])));
        Assert.Equal(Normalised(Fixtures.Read(where)), Normalised(found.Location));
    }

    [Theory]
    [InlineData(nameof(Fixtures.SliverGap), "Gap")]
    [InlineData(nameof(Fixtures.Overlap), "Overlap")]
    [InlineData(nameof(Fixtures.HoleInGrid), "Hole")]
    [InlineData(nameof(Fixtures.HoleInEnclave), "Hole")]
    [InlineData(nameof(Fixtures.Multipart), "Multipart")]
    [InlineData(nameof(Fixtures.SpillOutsideVillage), "OutsideVillage")]
    [InlineData(nameof(Fixtures.TinyGrid), "BelowMinimumArea")]
    [InlineData(nameof(Fixtures.BuildingOnBoundary), "BuildingNotInOneGrid")]
    [InlineData(nameof(Fixtures.BuildingInGap), "Gap BuildingNotInOneGrid")]
    [InlineData(nameof(Fixtures.BowTie), "InvalidPolygon Gap Gap")]
    [InlineData(nameof(Fixtures.Clean), "")]
    [InlineData(nameof(Fixtures.Enclave), "")]
    public void Nothing_else_is_reported(string fixture, string rules) =>
        Assert.Equal(rules, string.Join(' ', Check(fixture).Select(v => v.Rule).Order().Select(r => r.ToString())));

    [Fact]
    public void The_bow_tie_is_named_for_what_IsValidOp_found() =>
        Assert.Contains("Self-intersection", Assert.Single(Check(nameof(Fixtures.BowTie)), v => v.Rule == TopologyRule.InvalidPolygon).Message, StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void A_village_that_allows_multipart_grids_accepts_them() =>
        Assert.Empty(TopologyRules.Check(Fixtures.Multipart, TopologyRules.Default with { AllowMultipart = true }));

    [Fact]
    public void A_gap_under_the_area_tolerance_is_survey_noise()
    {
        // The sliver is 25 m²; with a 30 m² tolerance it is not reported.
        Assert.Empty(TopologyRules.Check(Fixtures.SliverGap, TopologyRules.Default with { AreaTolerance = 30 }));
    }

    [Fact]
    public void A_smaller_minimum_area_lets_the_tiny_grid_pass() =>
        Assert.Empty(TopologyRules.Check(Fixtures.TinyGrid, TopologyRules.Default with { MinimumGridArea = 50 }));

    private static IReadOnlyList<TopologyViolation> Check(string fixture) =>
        TopologyRules.Check((GridLayout)typeof(Fixtures).GetField(fixture)!.GetValue(null)!, TopologyRules.Default);

    internal static string Normalised(Geometry g) => g.Normalized().AsText();
}
