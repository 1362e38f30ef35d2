using System.ComponentModel.DataAnnotations;

namespace GridMap.MapPortal.Components.Map;

/// <summary>
/// The background under the grids, chosen by the operator (section <c>Basemap</c>, e.g. <c>Basemap__Kind=xyz</c>): none
/// (the plain background, the default — no imagery is reachable from every network), an XYZ template such as 天地图's
/// <c>http://t0.tianditu.gov.cn/DataServer?T=vec_w&amp;x={x}&amp;y={y}&amp;l={z}&amp;tk=KEY</c> or a county's own imagery
/// server, or a WMTS layer in Web Mercator. The attribution is shown on every map, the wall display and prints.
/// </summary>
public sealed class BasemapOptions : IValidatableObject
{
    public const string SectionName = "Basemap";

    /// <summary>none, xyz or wmts.</summary>
    public string Kind { get; set; } = "none";

    /// <summary>The XYZ template ({z} {x} {y}) or the WMTS endpoint (KVP), with the operator's key if it needs one.</summary>
    public string? Url { get; set; }

    /// <summary>Who the imagery belongs to, as its licence asks (e.g. "© 天地图 GS(2024)0568号").</summary>
    public string? Attribution { get; set; }

    [Range(1, 22)]
    public int MaxZoom { get; set; } = 18;

    /// <summary>WMTS: the layer, its tile matrix set (Web Mercator, matrices named 0, 1, 2 …), format and style.</summary>
    public string? Layer { get; set; }
    public string MatrixSet { get; set; } = "w";
    public string Format { get; set; } = "tiles";
    public string Style { get; set; } = "default";

    public bool Enabled => Kind is "xyz" or "wmts";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Kind is not ("none" or "xyz" or "wmts"))
            yield return new ValidationResult("Basemap:Kind is none, xyz or wmts.", [nameof(Kind)]);
        if (!Enabled)
            yield break;
        if (!Uri.TryCreate(Url?.Replace("{", "").Replace("}", ""), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            yield return new ValidationResult("Basemap:Url is an http(s) address.", [nameof(Url)]);
        else if (Kind == "xyz" && !(Url!.Contains("{z}") && Url.Contains("{x}") && (Url.Contains("{y}") || Url.Contains("{-y}"))))
            yield return new ValidationResult("Basemap:Url of an xyz basemap holds {z}, {x} and {y}.", [nameof(Url)]);
        if (Kind == "wmts" && string.IsNullOrWhiteSpace(Layer))
            yield return new ValidationResult("Basemap:Layer names the WMTS layer.", [nameof(Layer)]);
        if (string.IsNullOrWhiteSpace(Attribution))
            yield return new ValidationResult("Basemap:Attribution says whose imagery it is (its licence asks for it).", [nameof(Attribution)]);
    }
}
