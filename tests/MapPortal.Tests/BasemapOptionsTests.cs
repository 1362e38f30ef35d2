using System.ComponentModel.DataAnnotations;
using GridMap.MapPortal.Components.Map;

namespace GridMap.MapPortal.Tests;

/// <summary>The operator's basemap setting: refused at start-up with the reason when it could not draw or would hide whose imagery it is.</summary>
public sealed class BasemapOptionsTests
{
    private static List<string> Problems(BasemapOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage!)];
    }

    [Fact]
    public void The_default_is_the_plain_background_and_needs_nothing_else() =>
        Assert.Empty(Problems(new BasemapOptions()));

    [Fact]
    public void A_tianditu_style_xyz_template_with_its_attribution_passes() =>
        Assert.Empty(Problems(new BasemapOptions
        {
            Kind = "xyz", Url = "http://t0.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=KEY", Attribution = "© 天地图",
        }));

    [Theory]
    [InlineData("tms", "http://a/{z}/{x}/{y}.png", "© a", "Kind")]
    [InlineData("xyz", "ftp://a/{z}/{x}/{y}.png", "© a", "http(s)")]
    [InlineData("xyz", "http://a/tiles.png", "© a", "{z}")]
    [InlineData("xyz", "http://a/{z}/{x}/{y}.png", "", "Attribution")]
    [InlineData("wmts", "http://a/wmts", "© a", "Layer")]
    public void A_basemap_that_could_not_draw_or_hides_its_owner_is_refused_with_the_reason(string kind, string url, string attribution, string reason) =>
        Assert.Contains(Problems(new BasemapOptions { Kind = kind, Url = url, Attribution = attribution }), p => p.Contains(reason, StringComparison.Ordinal));
}
