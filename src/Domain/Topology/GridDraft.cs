using System.Collections.Immutable;
using GridMap.Domain.Codes;

namespace GridMap.Domain.Topology;

/// <summary>
/// An edit session's work: the published layout it started from (and that version's number), the layout
/// as edited so far, and the lineage of every edit in order.
/// </summary>
public sealed record GridDraft(GridLayout Base, long BaseVersion, GridLayout Layout, ImmutableList<Lineage> Edits)
{
    public static GridDraft Start(GridLayout published, long version) => new(published, version, published, []);

    /// <summary>The draft after an accepted edit; a refused edit leaves nothing to apply.</summary>
    public GridDraft Apply(EditResult edit) =>
        edit is { Layout: { } layout, Lineage: { } lineage }
            ? this with { Layout = layout, Edits = Edits.Add(lineage) }
            : throw new InvalidOperationException($"A refused edit cannot be applied: {edit.Refusal}");

    /// <summary>Codes of the base layout this draft retires or reshapes: the grids a concurrent publish must not have touched.</summary>
    public IReadOnlySet<AdminCode> Touched => GridChanges.Between(Base, Layout).All.Where(Base.Grids.ContainsKey).ToHashSet();
}

/// <summary>How one layout of a village differs from another, grid by grid.</summary>
public sealed record GridChanges(IReadOnlyList<AdminCode> Added, IReadOnlyList<AdminCode> Retired, IReadOnlyList<AdminCode> Reshaped)
{
    public IEnumerable<AdminCode> All => Added.Concat(Retired).Concat(Reshaped);

    public bool IsEmpty => Added.Count == 0 && Retired.Count == 0 && Reshaped.Count == 0;

    public static GridChanges Between(GridLayout before, GridLayout after) => new(
        [.. after.Grids.Keys.Where(c => !before.Grids.ContainsKey(c))],
        [.. before.Grids.Keys.Where(c => !after.Grids.ContainsKey(c))],
        [.. before.Grids.Where(g => after.Grids.TryGetValue(g.Key, out var now) && !now.EqualsTopologically(g.Value)).Select(g => g.Key)]);
}

/// <summary>
/// Optimistic concurrency for drafts: a draft records the published version it started from, and may be
/// published only while that is still the current version. Otherwise the caller answers 409 with this.
/// </summary>
public sealed record VersionConflict(AdminCode Village, long DraftBase, long Current, GridChanges ChangedSince, IReadOnlyList<AdminCode> AlsoEditedInDraft)
{
    public string Message =>
        $"Village {Village} was published as version {Current} after this draft started from version {DraftBase}" +
        (ChangedSince.IsEmpty ? "." : $": {Describe(ChangedSince)}.") +
        (AlsoEditedInDraft.Count > 0 ? $" Your draft also edits {string.Join(", ", AlsoEditedInDraft)}." : "");

    private static string Describe(GridChanges c) => string.Join("; ", new[]
    {
        c.Added.Count > 0 ? "added " + string.Join(", ", c.Added) : null,
        c.Retired.Count > 0 ? "retired " + string.Join(", ", c.Retired) : null,
        c.Reshaped.Count > 0 ? "reshaped " + string.Join(", ", c.Reshaped) : null,
    }.OfType<string>());
}

public static class DraftVersion
{
    /// <summary>Null when the draft is based on the current version; otherwise what changed since, and which of those grids the draft edits too.</summary>
    public static VersionConflict? Conflict(AdminCode village, long draftBase, long current, GridChanges changedSince, IEnumerable<AdminCode> touchedByDraft)
    {
        if (draftBase == current)
            return null;
        var changed = changedSince.All.ToHashSet();
        return new VersionConflict(village, draftBase, current, changedSince,
            [.. touchedByDraft.Where(changed.Contains).Order(GridLayout.CodeOrder)]);
    }

    /// <summary>The same check, given the draft and the layout published now.</summary>
    public static VersionConflict? Conflict(GridDraft draft, long current, GridLayout published) =>
        draft.BaseVersion == current
            ? null
            : Conflict(draft.Layout.Village, draft.BaseVersion, current, GridChanges.Between(draft.Base, published), draft.Touched);
}
