using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace GridMap.MapPortal.Components.Planning;

/// <summary>
/// How the last publish ended: refused as stale (what moved on since the draft's base; the draft is kept), or done
/// (codes added and retired, what was re-linked, which grid managers were carried over or need reassigning).
/// </summary>
public sealed partial class PublishOutcome
{
    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Parameter] public PublishConflict? Conflict { get; set; }

    [Parameter] public PublishResultDto? Published { get; set; }
}
