using Bunit;
using GridMap.Domain.Codes;
using GridMap.MapPortal.Components.Panel;
using GridMap.MapPortal.GeoApi;

namespace GridMap.MapPortal.Tests.Components;

public class UnitPanelTests : ComponentTest
{
    private static readonly UnitDto City = new("1404", "长治市", AdminLevel.City, [new("14", "山西省", AdminLevel.Province), new("1404", "长治市", AdminLevel.City)],
        3, 600, 590, 10, 1.4e10, 1_000_000, false, "union", [112, 35, 114, 37], [113, 36]);

    private static readonly ChildrenDto Counties = new("1404", 3,
    [
        new("140402", "城区", AdminLevel.County, 100, 100, 0, 5.7e7, 90_000, false, null, [113.1, 36.2]),
        new("140428", "长子县", AdminLevel.County, 350, 350, 0, 1.0e9, 100_000, false, null, [112.8, 36.1]),
        new("140431", "沁源县", AdminLevel.County, 150, 140, 10, 2.5e9, 40_000, false, null, [112.3, 36.5]),
    ]);

    private static List<string> Names(IRenderedComponent<UnitPanel> panel) =>
        [.. panel.FindAll("table.children tbody tr td:first-child a").Select(a => a.TextContent)];

    [Fact]
    public void Shows_the_figures_and_children_in_code_order()
    {
        var panel = Context.Render<UnitPanel>(p => p.Add(x => x.Unit, City).Add(x => x.Children, Counties));
        Assert.Equal("长治市", panel.Find("[data-testid=unit-name]").TextContent);
        Assert.Equal("600", panel.Find("[data-testid=grid-count]").TextContent);
        Assert.Equal("10", panel.Find("[data-testid=vacant-count]").TextContent);
        Assert.Equal(["城区", "长子县", "沁源县"], Names(panel));
        Assert.Equal("/map/140428", panel.Find("a[data-code='140428']").GetAttribute("href"));
    }

    [Fact]
    public void A_column_header_sorts_and_a_second_click_reverses()
    {
        var panel = Context.Render<UnitPanel>(p => p.Add(x => x.Unit, City).Add(x => x.Children, Counties));
        panel.Find("button[data-sort=grids]").Click();
        Assert.Equal(["长子县", "沁源县", "城区"], Names(panel));
        panel.Find("button[data-sort=grids]").Click();
        Assert.Equal(["城区", "沁源县", "长子县"], Names(panel));
        Assert.Equal("ascending", panel.Find("th:has(button[data-sort=grids])").GetAttribute("aria-sort"));
    }

    [Fact]
    public void The_vacancy_view_puts_vacant_grids_first_and_marks_them()
    {
        var panel = Context.Render<UnitPanel>(p => p.Add(x => x.Unit, City).Add(x => x.Children, Counties).Add(x => x.Vacancy, true));
        Assert.Equal("沁源县", Names(panel)[0]);
        Assert.Single(panel.FindAll("tr.has-vacancy"));
    }
}
