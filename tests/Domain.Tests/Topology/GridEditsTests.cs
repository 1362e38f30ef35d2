using GridMap.Domain.Codes;
using GridMap.Domain.Topology;
using NetTopologySuite.Geometries;
using static GridMap.Domain.Tests.Topology.Fixtures;

namespace GridMap.Domain.Tests.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>
/// Edits on <see cref="Fixtures.FourSquares"/> (NW 001, NE 002, SW 003, SE 004; 005 and 007 retired): shapes
/// as WKT, compared topologically because an overlay keeps the nodes it met on a straight edge as vertices.
/// Every accepted edit must still tile the village: areas add up and no rule is broken.
/// </summary>
public class GridEditsTests
{
    [Fact]
    public void Split_cuts_a_grid_into_new_grids_read_west_to_east_above_the_highest_sequence_ever_used()
    {
        var result = Accepted(GridEdits.Split(FourSquares, Code(4), Line("LINESTRING(150 -10, 150 110)")));
        Shape("POLYGON((100 0, 150 0, 150 100, 100 100, 100 0))", result.Layout!.Grids[Code(8)]);
        Shape("POLYGON((150 0, 200 0, 200 100, 150 100, 150 0))", result.Layout.Grids[Code(9)]);
        Assert.Equal("Split 004 -> 008 009", Describe(result.Lineage!));
        Assert.Equal([1, 2, 3, 8, 9], result.Layout.Grids.Keys.Select(GridCode.Sequence));
        Assert.Equal([4, 5, 7], result.Layout.RetiredSequences);
    }

    [Fact]
    public void Split_by_a_line_crossing_twice_makes_three_grids() =>
        Assert.Equal("Split 004 -> 008 009 010",
            Describe(Accepted(GridEdits.Split(FourSquares, Code(4), Line("LINESTRING(120 -10, 120 110, 170 110, 170 -10)"))).Lineage!));

    [Fact]
    public void Splitting_a_grid_around_an_enclave_leaves_the_enclave_alone()
    {
        var result = Accepted(GridEdits.Split(Fixtures.Enclave, Code(1), Line("LINESTRING(50 -10, 50 110)")));
        Shape("POLYGON((0 0, 50 0, 50 30, 30 30, 30 70, 50 70, 50 100, 0 100, 0 0))", result.Layout!.Grids[Code(4)]);
        Shape("POLYGON((30 30, 70 30, 70 70, 30 70, 30 30))", result.Layout.Grids[Code(3)]);
        Assert.Equal("Split 001 -> 004 005", Describe(result.Lineage!));
    }

    [Fact]
    public void An_edit_of_a_grid_the_village_does_not_have_is_refused() =>
        Assert.Contains("not a current grid", Refused(GridEdits.Split(FourSquares, Code(5), Line("LINESTRING(150 -10, 150 110)"))));

    [Theory]
    [InlineData("LINESTRING(150 -10, 150 50)", "ends inside")]
    [InlineData("LINESTRING(50 -10, 50 90)", "does not cut")]
    [InlineData("LINESTRING(150 -10, 150 0, 210 0)", "does not cut")]
    public void Split_refuses_a_line_that_does_not_cross_the_grid_from_edge_to_edge(string line, string reason) =>
        Assert.Contains(reason, Refused(GridEdits.Split(FourSquares, Code(4), Line(line))));

    [Fact]
    public void Merge_joins_two_neighbours_under_a_new_code()
    {
        var result = Accepted(GridEdits.Merge(FourSquares, Code(1), Code(2)));
        Shape("POLYGON((0 100, 200 100, 200 200, 0 200, 0 100))", result.Layout!.Grids[Code(8)]);
        Assert.Equal("Merge 001 002 -> 008", Describe(result.Lineage!));
        Assert.Equal([1, 2, 5, 7], result.Layout.RetiredSequences);
    }

    [Fact]
    public void Merge_refuses_grids_that_only_touch_at_a_corner() =>
        Assert.Contains("share no edge", Refused(GridEdits.Merge(FourSquares, Code(1), Code(4))));

    [Fact]
    public void Dissolve_gives_a_grid_to_its_neighbour_which_keeps_its_code()
    {
        var result = Accepted(GridEdits.Dissolve(FourSquares, Code(4), Code(3)));
        Shape("POLYGON((0 0, 200 0, 200 100, 0 100, 0 0))", result.Layout!.Grids[Code(3)]);
        Assert.Equal("Dissolve 004 003 -> 003", Describe(result.Lineage!));
        Assert.Equal([4, 5, 7], result.Layout.RetiredSequences);
    }

    [Fact]
    public void Dissolve_refuses_a_grid_that_is_not_a_neighbour() =>
        Assert.Contains("share no edge", Refused(GridEdits.Dissolve(FourSquares, Code(4), Code(1))));

    [Fact]
    public void Moving_the_vertex_four_grids_share_moves_it_in_all_four()
    {
        var result = Accepted(GridEdits.MoveSharedVertex(FourSquares, new(100, 100), new(120, 90)));
        Shape("POLYGON((0 100, 120 90, 100 200, 0 200, 0 100))", result.Layout!.Grids[Code(1)]);
        Shape("POLYGON((120 90, 200 100, 200 200, 100 200, 120 90))", result.Layout.Grids[Code(2)]);
        Shape("POLYGON((0 0, 100 0, 120 90, 0 100, 0 0))", result.Layout.Grids[Code(3)]);
        Shape("POLYGON((100 0, 200 0, 200 100, 120 90, 100 0))", result.Layout.Grids[Code(4)]);
        Assert.Equal("Reshape 001 002 003 004 -> 001 002 003 004", Describe(result.Lineage!));
    }

    [Fact]
    public void Moving_a_vertex_along_the_village_edge_keeps_the_village_covered() =>
        Shape("POLYGON((0 0, 120 0, 100 100, 0 100, 0 0))",
            Accepted(GridEdits.MoveSharedVertex(FourSquares, new(100, 0), new(120, 0))).Layout!.Grids[Code(3)]);

    [Fact]
    public void A_neighbour_whose_edge_only_passes_through_the_vertex_follows_too()
    {
        // Splitting 004 at x = 150 leaves (150 100) a vertex of 008 and 009 but only a point on 002's edge.
        var split = Accepted(GridEdits.Split(FourSquares, Code(4), Line("LINESTRING(150 -10, 150 110)"))).Layout!;
        var result = Accepted(GridEdits.MoveSharedVertex(split, new(150, 100), new(150, 110)));
        Shape("POLYGON((100 100, 150 110, 200 100, 200 200, 100 200, 100 100))", result.Layout!.Grids[Code(2)]);
        Assert.Equal("Reshape 002 008 009 -> 002 008 009", Describe(result.Lineage!));
    }

    [Theory]
    [InlineData(100, 0, 100, -10, TopologyRule.OutsideVillage)]
    [InlineData(100, 100, 250, 150, TopologyRule.InvalidPolygon)]
    public void A_move_that_would_break_the_tiling_is_refused(double fromX, double fromY, double toX, double toY, TopologyRule broken)
    {
        var result = GridEdits.MoveSharedVertex(FourSquares, new(fromX, fromY), new(toX, toY));
        Assert.False(result.Ok);
        Assert.Contains(result.Violations, v => v.Rule == broken);
    }

    [Fact]
    public void Moving_a_vertex_no_grid_has_is_refused() =>
        Assert.Contains("No grid", Refused(GridEdits.MoveSharedVertex(FourSquares, new(37, 37), new(40, 40))));

    [Fact]
    public void Reshaping_a_shared_edge_moves_ground_between_the_two_grids()
    {
        var result = Accepted(GridEdits.ReshapeSharedEdge(FourSquares, Code(3), Code(4), Line("LINESTRING(100 0, 130 50, 100 100)")));
        Shape("POLYGON((0 0, 100 0, 130 50, 100 100, 0 100, 0 0))", result.Layout!.Grids[Code(3)]);
        Shape("POLYGON((100 0, 200 0, 200 100, 100 100, 130 50, 100 0))", result.Layout.Grids[Code(4)]);
        Assert.Equal("Reshape 003 004 -> 003 004", Describe(result.Lineage!));
    }

    [Fact]
    public void A_new_edge_may_weave_across_the_old_one()
    {
        var result = Accepted(GridEdits.ReshapeSharedEdge(FourSquares, Code(3), Code(4), Line("LINESTRING(100 100, 120 75, 80 25, 100 0)")));
        Shape("POLYGON((0 0, 100 0, 80 25, 120 75, 100 100, 0 100, 0 0))", result.Layout!.Grids[Code(3)]);
    }

    [Theory]
    [InlineData("LINESTRING(100 0, 130 50, 110 100)", "between the ends")]
    [InlineData("LINESTRING(100 0, 50 -20, 100 100)", "leaves")]
    [InlineData("LINESTRING(100 0, 140 80, 60 80, 140 20, 100 100)", "crosses itself")]
    public void A_new_edge_that_is_not_between_the_two_grids_is_refused(string edge, string reason) =>
        Assert.Contains(reason, Refused(GridEdits.ReshapeSharedEdge(FourSquares, Code(3), Code(4), Line(edge))));

    [Fact]
    public void Carve_takes_a_new_grid_from_its_neighbours_which_keep_their_codes()
    {
        var result = Accepted(GridEdits.Carve(FourSquares, Read("POLYGON((50 50, 150 50, 150 150, 50 150, 50 50))")));
        Shape("POLYGON((50 50, 150 50, 150 150, 50 150, 50 50))", result.Layout!.Grids[Code(8)]);
        Shape("POLYGON((0 100, 50 100, 50 150, 100 150, 100 200, 0 200, 0 100))", result.Layout.Grids[Code(1)]);
        Assert.Equal("Carve 001 002 003 004 -> 001 002 003 004 008", Describe(result.Lineage!));
    }

    [Fact]
    public void Carve_clips_the_new_grid_to_the_village_and_retires_a_neighbour_it_covers()
    {
        var result = Accepted(GridEdits.Carve(FourSquares, Read("POLYGON((100 -50, 250 -50, 250 100, 100 100, 100 -50))")));
        Shape("POLYGON((100 0, 200 0, 200 100, 100 100, 100 0))", result.Layout!.Grids[Code(8)]);
        Assert.Equal("Carve 004 -> 008", Describe(result.Lineage!));
    }

    [Fact]
    public void Carve_refuses_to_cut_a_neighbour_in_two() =>
        Assert.Contains("pieces", Refused(GridEdits.Carve(FourSquares, Read("POLYGON((-10 120, 210 120, 210 130, -10 130, -10 120))"))));

    [Fact]
    public void A_carve_can_fill_a_gap()
    {
        var result = Accepted(GridEdits.Carve(Fixtures.SliverGap, Read("POLYGON((100 0, 101 0, 101 100, 100 100, 100 0))")));
        Assert.Equal("Carve 002 -> 002 003", Describe(result.Lineage!));
    }

    [Fact]
    public void Edits_of_a_draft_chain_and_keep_their_lineage()
    {
        var draft = GridDraft.Start(FourSquares, version: 3);
        draft = draft.Apply(GridEdits.Split(draft.Layout, Code(4), Line("LINESTRING(150 -10, 150 110)")));
        draft = draft.Apply(GridEdits.Merge(draft.Layout, Code(3), Code(8)));
        Assert.Equal(["Split 004 -> 008 009", "Merge 003 008 -> 010"], draft.Edits.Select(Describe));
        Assert.Equal([3, 4, 5, 7, 8], draft.Layout.RetiredSequences);
        Assert.Equal([Code(3), Code(4)], draft.Touched.Order(Comparer<AdminCode>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value))));
        Tiles(draft.Layout);
        Assert.Throws<InvalidOperationException>(() => draft.Apply(GridEdits.Merge(draft.Layout, Code(1), Code(4))));
    }

    private static EditResult Accepted(EditResult result)
    {
        Assert.True(result.Ok, result.Refusal);
        Tiles(result.Layout!);
        return result;
    }

    private static string Refused(EditResult result)
    {
        Assert.False(result.Ok, "the edit should have been refused");
        return result.Refusal!;
    }

    /// <summary>The grids' areas add up to the village's, and every rule passes.</summary>
    private static void Tiles(GridLayout layout)
    {
        Assert.Equal(layout.Boundary.Area, layout.Grids.Values.Sum(g => g.Area), precision: 3);
        Assert.Empty(TopologyRules.Check(layout, TopologyRules.Default with { MinimumGridArea = 0 }));
    }

    private static void Shape(string expected, Geometry actual)
    {
        var wanted = Read(expected);
        Assert.True(wanted.EqualsTopologically(actual), $"expected {TopologyRulesTests.Normalised(wanted)}, got {TopologyRulesTests.Normalised(actual)}");
        Assert.Equal(wanted.GeometryType, actual.GeometryType);
    }

    private static string Describe(Lineage l) =>
        $"{l.Edit} {string.Join(' ', l.From.Select(c => c.Value[12..]))} -> {string.Join(' ', l.To.Select(c => c.Value[12..]))}";
}
