using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace GridMap.MapPortal.Components.Planning;

/// <summary>
/// The draft's edit buttons over the grids picked (on the map or in the preview). Merge and dissolve go out at once;
/// split, reshape, carve and vertex moves start a tool and wait for the drawing on the map.
/// </summary>
public sealed partial class EditTools
{
    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Parameter, EditorRequired] public DraftViewDto Draft { get; set; } = default!;

    /// <summary>The picked grids' codes, oldest pick first (at most two).</summary>
    [Parameter] public IReadOnlyList<string> Selection { get; set; } = [];

    /// <summary>The map's tool ("line", "polygon", "vertex"), null while picking.</summary>
    [Parameter] public string? Tool { get; set; }

    /// <summary>The edit waiting for its drawing, null when none.</summary>
    [Parameter] public string? PendingEdit { get; set; }

    [Parameter] public bool Busy { get; set; }

    /// <summary>An edit that needs a drawing: "split", "reshapeEdge", "carve" or "moveVertex".</summary>
    [Parameter] public EventCallback<string> OnStart { get; set; }

    /// <summary>An edit complete as it is (merge, dissolve).</summary>
    [Parameter] public EventCallback<DraftEdit> OnEdit { get; set; }

    [Parameter] public EventCallback OnClearSelection { get; set; }

    [Parameter] public EventCallback OnCancelTool { get; set; }
}
