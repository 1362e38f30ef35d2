using System.Globalization;
using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace GridMap.MapPortal.Components.Planning;

/// <summary>
/// The live preview: one row per proposed grid with what the draft did to it and who lives there, as GeoApi computed
/// it. A click on a row picks the grid as a click on the map does.
/// </summary>
public sealed partial class DraftPreview
{
    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Parameter, EditorRequired] public IReadOnlyList<DraftGridRow> Rows { get; set; } = [];

    [Parameter] public IReadOnlyList<string> Selection { get; set; } = [];

    /// <summary>A row clicked, with its grid's code.</summary>
    [Parameter] public EventCallback<string> OnToggle { get; set; }

    private static string Hectares(double areaM2) => (areaM2 / 10_000).ToString("0.00", CultureInfo.InvariantCulture);
}
