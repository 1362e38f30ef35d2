using Bunit;
using GridMap.MapPortal.Components.Panel;

namespace GridMap.MapPortal.Tests.Components;

public class SearchBoxTests : ComponentTest
{
    public SearchBoxTests() => FakeGeoApi.Answer("/api/search?q=长子&limit=10", """
        {"query":"长子","results":[
          {"code":"140428","name":"长子县","level":"county","path":"山西省 › 长治市"},
          {"code":"140428400","name":"长子经济技术开发区","level":"township","path":"山西省 › 长治市 › 长子县"}]}
        """);

    [Fact]
    public void Typing_lists_matches_and_the_keyboard_chooses_one()
    {
        string? chosen = null;
        var box = Context.Render<SearchBox>(p => p.Add(s => s.DebounceMilliseconds, 0).Add(s => s.OnChosen, code => chosen = code));

        box.Find("input").Input("长子");
        box.WaitForAssertion(() => Assert.Equal(2, box.FindAll("li[role=option]").Count));
        Assert.Equal("true", box.FindAll("li[role=option]")[0].GetAttribute("aria-selected"));
        Assert.Contains("县（市、区）", box.FindAll("li[role=option]")[0].TextContent);

        box.Find("input").KeyDown("ArrowDown");
        Assert.Equal("true", box.FindAll("li[role=option]")[1].GetAttribute("aria-selected"));
        box.Find("input").KeyDown("Enter");
        Assert.Equal("140428400", chosen);
        Assert.Empty(box.FindAll("li[role=option]"));
    }

    [Fact]
    public void Escape_closes_the_list_and_no_match_says_so()
    {
        var box = Context.Render<SearchBox>(p => p.Add(s => s.DebounceMilliseconds, 0));
        box.Find("input").Input("长子");
        box.WaitForAssertion(() => Assert.NotEmpty(box.FindAll("li[role=option]")));
        box.Find("input").KeyDown("Escape");
        Assert.Empty(box.FindAll("li[role=option]"));

        box.Find("input").Input("不存在的地名");
        box.WaitForAssertion(() => Assert.Contains("没有找到", box.Markup));
    }
}
