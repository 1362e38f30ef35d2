using GridMap.MapPortal.GeoApi;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace GridMap.MapPortal.Components.Planning;

/// <summary>
/// What the draft's edits did, step by step (old codes → new codes), and the publish button, which needs a reason
/// and a draft without broken rules.
/// </summary>
public sealed partial class PublishPanel
{
    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Parameter, EditorRequired] public DraftViewDto Draft { get; set; } = default!;

    /// <summary>Why the boundaries change, as the planner types it (bind with <c>@bind-Reason</c>).</summary>
    [Parameter] public string Reason { get; set; } = "";

    [Parameter] public EventCallback<string> ReasonChanged { get; set; }

    [Parameter] public bool Busy { get; set; }

    [Parameter] public EventCallback OnPublish { get; set; }

    private Task ReasonTypedAsync(ChangeEventArgs e) => ReasonChanged.InvokeAsync(e.Value as string ?? "");
}
