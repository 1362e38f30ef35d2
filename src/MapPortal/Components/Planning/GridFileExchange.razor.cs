using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Localization;

namespace GridMap.MapPortal.Components.Planning;

/// <summary>
/// A village's grids as files to download (GeoJSON, zipped shapefile, GeoPackage, through the portal's relay) and,
/// while the planner edits, an edited file to upload as the draft; a refused file's problems are listed.
/// </summary>
public sealed partial class GridFileExchange
{
    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Parameter, EditorRequired] public string Village { get; set; } = "";

    /// <summary>Offer the upload (the planner holds the lock and edits a draft).</summary>
    [Parameter] public bool CanImport { get; set; }

    [Parameter] public bool Busy { get; set; }

    /// <summary>What was wrong with the last file uploaded, one line each.</summary>
    [Parameter] public IReadOnlyList<string>? Problems { get; set; }

    [Parameter] public EventCallback<InputFileChangeEventArgs> OnImport { get; set; }
}
