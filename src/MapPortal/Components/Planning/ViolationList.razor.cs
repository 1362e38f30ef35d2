using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace GridMap.MapPortal.Components.Planning;

/// <summary>The topology rules a draft (or a refused edit or publish) breaks; a click flies the map to the place.</summary>
public sealed partial class ViolationList
{
    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Parameter, EditorRequired] public IReadOnlyList<DraftViolationDto> Violations { get; set; } = [];

    [Parameter] public EventCallback<DraftViolationDto> OnZoomTo { get; set; }
}
