using GridMap.Domain.Geometry;
using NetTopologySuite.IO;

namespace GridMap.Domain.Tests;

/// <summary>West→east, then north→south: WKT in, sequence numbers out.</summary>
public class GridNumberingTests
{
    private static readonly WKTReader Reader = new();

    private static int[] Number(params string[] wkts) =>
        GridNumbering.Assign([.. wkts.Select(w => Reader.Read(w))]);

    [Fact]
    public void Three_by_three_squares_given_in_random_order_read_like_text()
    {
        // (column, row) with row 0 in the north.
        (int Col, int Row)[] cells = [(2, 1), (0, 0), (1, 2), (2, 0), (0, 2), (1, 0), (0, 1), (2, 2), (1, 1)];
        var wkts = cells.Select(c => Square(c.Col, -c.Row)).ToArray();
        var sequence = Number(wkts);
        for (var i = 0; i < cells.Length; i++)
            Assert.Equal(cells[i].Row * 3 + cells[i].Col + 1, sequence[i]);
    }

    [Fact]
    public void A_row_is_read_west_to_east_even_when_it_wobbles_north_and_south()
    {
        var sequence = Number(
            "POLYGON((2 0.2, 3 0.2, 3 1.2, 2 1.2, 2 0.2))",
            "POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))",
            "POLYGON((1 -0.2, 2 -0.2, 2 0.8, 1 0.8, 1 -0.2))");
        Assert.Equal([3, 1, 2], sequence);
    }

    [Fact]
    public void The_northern_row_comes_first_even_when_it_lies_further_east()
    {
        var sequence = Number(
            "POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))",
            "POLYGON((5 1, 6 1, 6 2, 5 2, 5 1))");
        Assert.Equal([2, 1], sequence);
    }

    [Fact]
    public void An_L_shaped_grid_is_placed_by_a_point_inside_it()
    {
        // The L's centroid (0.68, 0.68) lies in the square it wraps; its label point is in its western arm
        // (0.25, 1), so it is read before the square (label 1.25, 1.25) in the same row.
        var sequence = Number(
            "POLYGON((0.5 0.5, 2 0.5, 2 2, 0.5 2, 0.5 0.5))",
            "POLYGON((0 0, 2 0, 2 0.5, 0.5 0.5, 0.5 2, 0 2, 0 0))");
        Assert.Equal([2, 1], sequence);
    }

    [Fact]
    public void One_grid_is_number_one_and_none_is_nothing()
    {
        Assert.Equal([1], Number("POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))"));
        Assert.Empty(Number());
    }

    private static string Square(int x, int y) =>
        $"POLYGON(({x} {y}, {x + 1} {y}, {x + 1} {y + 1}, {x} {y + 1}, {x} {y}))";
}
