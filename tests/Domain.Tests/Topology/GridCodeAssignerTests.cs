using GridMap.Domain.Codes;
using GridMap.Domain.Topology;
using static GridMap.Domain.Tests.Topology.Fixtures;

namespace GridMap.Domain.Tests.Topology;

using Geometry = NetTopologySuite.Geometries.Geometry;

/// <summary>Shapes in, 3-digit sequences out.</summary>
public class GridCodeAssignerTests
{
    private static readonly Geometry[] TopRow =
        [Read("POLYGON((0 100, 100 100, 100 200, 0 200, 0 100))"), Read("POLYGON((100 100, 200 100, 200 200, 100 200, 100 100))")];

    [Fact]
    public void New_grids_are_numbered_in_the_village_reading_order_whatever_order_they_come_in()
    {
        string[] bottomRowShuffled =
            ["POLYGON((150 0, 200 0, 200 100, 150 100, 150 0))", "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))", "POLYGON((100 0, 150 0, 150 100, 100 100, 100 0))"];
        Assert.Equal("005 003 004", Sequences(GridCodeAssigner.Assign(Village, [1, 2], TopRow, [.. bottomRowShuffled.Select(Read)])));
    }

    [Fact]
    public void A_new_grid_north_of_the_kept_ones_still_takes_the_next_sequence_not_a_smaller_one() =>
        Assert.Equal("003", Sequences(GridCodeAssigner.Assign(Village, [1, 2], TopRow, [Read("POLYGON((0 200, 200 200, 200 300, 0 300, 0 200))")])));

    [Theory]
    [InlineData("1 2 3 4", "005")]
    [InlineData("1 2 3 4 5 7", "008")]
    [InlineData("3 4 5 7", "008")]
    [InlineData("", "001")]
    [InlineData("998", "999")]
    public void The_next_sequence_is_above_the_highest_ever_given_retired_ones_included(string used, string expected) =>
        Assert.Equal(expected, Sequences(GridCodeAssigner.Assign(Village, Parse(used), TopRow, [Read("POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))")])));

    [Fact]
    public void The_first_numbering_of_a_village_reads_like_text()
    {
        var squares = new[] { (1, 0), (0, 1), (1, 1), (0, 0) }
            .Select(c => Read($"POLYGON(({c.Item1 * 100} {c.Item2 * 100}, {c.Item1 * 100 + 100} {c.Item2 * 100}, {c.Item1 * 100 + 100} {c.Item2 * 100 + 100}, {c.Item1 * 100} {c.Item2 * 100 + 100}, {c.Item1 * 100} {c.Item2 * 100}))"))
            .ToArray();
        Assert.Equal("004 001 002 003", Sequences(GridCodeAssigner.Assign(Village, [], [], squares)));
    }

    [Fact]
    public void Passing_999_is_refused()
    {
        Assert.False(GridCodeAssigner.TryAssign(Village, [998], [], [Read("POLYGON((0 0, 1 0, 1 1, 0 0))"), Read("POLYGON((5 0, 6 0, 6 1, 5 0))")], out _, out var error));
        Assert.Contains("999", error);
    }

    [Fact]
    public void An_edit_in_a_full_village_is_refused_and_changes_nothing()
    {
        var full = new GridLayout(FourSquares.Village, FourSquares.Boundary, FourSquares.Grids, retiredSequences: [999]);
        Assert.False(GridEdits.Split(full, Code(4), Line("LINESTRING(150 -10, 150 110)")).Ok);
        Assert.Equal(4, full.Grids.Count);
    }

    [Fact]
    public void A_layout_cannot_hold_a_retired_sequence_as_a_current_grid() =>
        Assert.Throws<ArgumentException>(() => new GridLayout(FourSquares.Village, FourSquares.Boundary, FourSquares.Grids, retiredSequences: [4]));

    private static int[] Parse(string used) => [.. used.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];

    private static string Sequences(IEnumerable<AdminCode> codes) => string.Join(' ', codes.Select(c => c.Value[12..]));
}
