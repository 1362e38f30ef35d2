using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace GridMap.MapPortal.Components.Planning;

/// <summary>The village's published versions, newest first; a click shows that version's changes on the map.</summary>
public sealed partial class VersionList
{
    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Parameter, EditorRequired] public IReadOnlyList<PlanVersionDto> Versions { get; set; } = [];

    /// <summary>The version whose changes the map shows, null when none.</summary>
    [Parameter] public int? DiffVersion { get; set; }

    /// <summary>A version picked to show; 0 closes the one shown.</summary>
    [Parameter] public EventCallback<int> OnShow { get; set; }
}
