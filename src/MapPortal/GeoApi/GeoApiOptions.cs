using System.ComponentModel.DataAnnotations;

namespace GridMap.MapPortal.GeoApi;

/// <summary>Where the portal finds GeoApi (server side) and the tiling service (the browser reads tiles itself).</summary>
public sealed class GeoApiOptions
{
    public const string SectionName = "GeoApi";

    /// <summary>Base URL of GeoApi as the portal server reaches it, e.g. http://127.0.0.1:8081/.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>Base URL of the tiling service as the browser reaches it, e.g. http://127.0.0.1:8082/.</summary>
    [Required, Url]
    public string TilesUrl { get; set; } = "";
}
