using Bunit;
using GridMap.Domain.Codes;
using GridMap.MapPortal.Components.Panel;
using GridMap.MapPortal.GeoApi;

namespace GridMap.MapPortal.Tests.Components;

public class BreadcrumbTests : ComponentTest
{
    [Fact]
    public void Every_level_above_the_current_one_is_a_link_keeping_the_view_options()
    {
        var breadcrumb = Context.Render<Breadcrumb>(p => p
            .Add(b => b.Chain, [new UnitRefDto("14", "山西省", AdminLevel.Province), new UnitRefDto("1404", "长治市", AdminLevel.City),
                new UnitRefDto("140428", "长子县", AdminLevel.County)])
            .Add(b => b.Query, "vacancy=1"));

        var links = breadcrumb.FindAll("a");
        Assert.Equal(["/map?vacancy=1", "/map/1404?vacancy=1"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal(["山西省", "长治市"], links.Select(a => a.TextContent));
        Assert.Equal("长子县", breadcrumb.Find("[aria-current=page]").TextContent);
        Assert.Equal(2, breadcrumb.FindAll(".sep").Count);
    }
}
