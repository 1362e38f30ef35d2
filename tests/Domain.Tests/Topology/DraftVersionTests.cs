using GridMap.Domain.Topology;
using static GridMap.Domain.Tests.Topology.Fixtures;

namespace GridMap.Domain.Tests.Topology;

/// <summary>A draft started from version 3 of <see cref="Fixtures.FourSquares"/> meets what was published meanwhile.</summary>
public class DraftVersionTests
{
    private static readonly GridDraft SplitSouthEast =
        GridDraft.Start(FourSquares, 3).Apply(GridEdits.Split(FourSquares, Code(4), Line("LINESTRING(150 -10, 150 110)")));

    [Fact]
    public void A_draft_on_the_current_version_has_no_conflict() =>
        Assert.Null(DraftVersion.Conflict(SplitSouthEast, current: 3, published: FourSquares));

    [Fact]
    public void A_publish_elsewhere_in_the_village_is_a_conflict_that_says_what_changed()
    {
        var published = GridEdits.Merge(FourSquares, Code(1), Code(2)).Layout!;
        var conflict = DraftVersion.Conflict(SplitSouthEast, current: 4, published)!;
        Assert.Equal(
            "Village 140428100201 was published as version 4 after this draft started from version 3: added 140428100201008; retired 140428100201001, 140428100201002.",
            conflict.Message);
        Assert.Empty(conflict.AlsoEditedInDraft);
    }

    [Fact]
    public void A_publish_that_reshaped_a_grid_the_draft_edits_names_it()
    {
        var published = GridEdits.ReshapeSharedEdge(FourSquares, Code(3), Code(4), Line("LINESTRING(100 0, 130 50, 100 100)")).Layout!;
        var conflict = DraftVersion.Conflict(SplitSouthEast, current: 5, published)!;
        Assert.Equal([Code(3), Code(4)], conflict.ChangedSince.Reshaped);
        Assert.Equal([Code(4)], conflict.AlsoEditedInDraft);
        Assert.EndsWith("Your draft also edits 140428100201004.", conflict.Message);
    }

    [Fact]
    public void A_newer_version_that_changed_no_grid_is_still_a_conflict() =>
        Assert.Equal(
            "Village 140428100201 was published as version 4 after this draft started from version 3.",
            DraftVersion.Conflict(SplitSouthEast, current: 4, published: FourSquares)!.Message);
}
