using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace GridMap.MapPortal.Components.Planning;

/// <summary>
/// A village's published version and its edit lock: who holds it until when, and the buttons to take, extend or
/// release it (or discard the draft). Its counter of finished actions lets a script wait for its own click.
/// </summary>
public sealed partial class LockPanel
{
    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [Parameter, EditorRequired] public PlanningVillageDto Village { get; set; } = default!;

    /// <summary>The signed-in planner holds the lock now.</summary>
    [Parameter] public bool HoldsLock { get; set; }

    [Parameter] public bool Busy { get; set; }

    [Parameter] public int ActionsDone { get; set; }

    [Parameter] public EventCallback OnTake { get; set; }

    [Parameter] public EventCallback OnExtend { get; set; }

    [Parameter] public EventCallback OnRelease { get; set; }

    [Parameter] public EventCallback OnDiscard { get; set; }

    /// <summary>Shown inside the panel, after the buttons (the file exchange).</summary>
    [Parameter] public RenderFragment? ChildContent { get; set; }
}
