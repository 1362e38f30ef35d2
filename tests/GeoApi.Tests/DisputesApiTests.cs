using System.Text.Json;
using GridMap.Store.Accounts;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// Disputes through the API (issue 18, item 1): a grid manager records one and the village committee mediates it to an
/// agreement; another escalates to the township and settles there; the containment figure counts both, equal at every
/// level; the sweep moves an overdue dispute up; bad input and wrong areas change nothing.
/// </summary>
public sealed class DisputesApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private const string Township = "140428203";

    private async Task<JsonElement> SendAsync(string user, HttpMethod method, string path, object? body = null, int expect = 200)
    {
        var (status, answer) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), method, path, body);
        Assert.True(status == expect, $"{user} {method} {path}: {status} {answer}");
        return answer;
    }

    private Task<JsonElement> ActAsync(string user, JsonElement dispute, string action, object? body = null, int expect = 200) =>
        SendAsync(user, HttpMethod.Post, $"/api/disputes/{dispute.GetProperty("id").GetInt64()}/actions/{action}", body ?? new { }, expect);

    private Task<long> ResidentAsync(string grid) =>
        api.Population.ScalarAsync<long>("SELECT min(id) FROM person WHERE grid_code = $1", grid);

    private static readonly string ThisYear = $"from={DateTime.UtcNow.Year}-01-01&to={DateTime.UtcNow.Year}-12-31";

    [Fact]
    public async Task A_grid_manager_records_a_dispute_the_village_committee_settles_it_and_another_settles_at_the_township()
    {
        var before = await SendAsync("county", HttpMethod.Get, $"/api/disputes/containment/{Township}?{ThisYear}");
        var resident = await ResidentAsync(DemoAccounts.GridManagerGrid);
        var first = await SendAsync("gridmanager", HttpMethod.Post, "/api/disputes", new
        {
            grid = DemoAccounts.GridManagerGrid, severity = "general", kind = "邻里纠纷", summary = "宅基地边界争执，巡查中发现", source = "patrol",
            parties = new object[] { new { personId = resident }, new { name = "外村 李某" } },
        }, 201);
        Assert.Equal(("grid", "open"), (first.GetProperty("level").GetString(), first.GetProperty("state").GetString()));
        var party = first.GetProperty("parties")[0];
        Assert.True(party.GetProperty("resident").GetBoolean());
        var realName = await api.Population.ScalarAsync<string>("SELECT name FROM person WHERE id = $1", resident);
        Assert.NotEqual(realName, party.GetProperty("name").GetString());
        Assert.EndsWith("*", party.GetProperty("name").GetString());
        Assert.Equal("外村 李某", first.GetProperty("parties")[1].GetProperty("name").GetString());

        // The grid manager hands it to the village committee, whose director mediates it to an agreement.
        first = await ActAsync("gridmanager", first, "escalate", new { note = "双方情绪激动，请村调委会调解" });
        Assert.Equal("village", first.GetProperty("level").GetString());
        // The village's mediators are told in their inbox; the township's are not.
        var notice = $"矛盾纠纷 {first.GetProperty("id").GetInt64()}（%";
        Assert.Equal(1L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM inbox_item WHERE username = 'village' AND kind = 'dispute' AND text LIKE $1", notice));
        Assert.Equal(0L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM inbox_item WHERE username = 'township' AND kind = 'dispute' AND text LIKE $1", notice));
        await ActAsync("gridmanager", first, "takeUp", expect: 403);
        first = await ActAsync("village", first, "takeUp");
        Assert.Contains("Settle", first.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        first = await ActAsync("village", first, "session", new { note = "双方到场陈述，查看界桩" });
        await ActAsync("village", first, "settle", new { terms = "以原界桩为准", version = 1 }, 409);
        first = await ActAsync("village", first, "settle", new { terms = "以原界桩为准，张某拆除越界围墙 0.5 米，李某承担一半费用" });
        Assert.Equal(("settled", "village"), (first.GetProperty("state").GetString(), first.GetProperty("settledLevel").GetString()));
        first = await ActAsync("gridmanager", first, "followUp", new { note = "回访：围墙已拆，双方无异议" });
        first = await ActAsync("gridmanager", first, "close");
        Assert.Equal("closed", first.GetProperty("state").GetString());
        Assert.Equal(["Record", "Escalate", "TakeUp", "Session", "Settle", "FollowUp", "Close"],
            first.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));

        // A second, recorded by the village, goes up to the township's mediator and settles there.
        var second = await SendAsync("village", HttpMethod.Post, "/api/disputes", new
        {
            grid = DemoAccounts.GridManagerGrid, severity = "general", kind = "土地承包纠纷", summary = "承包地流转费用争议",
            parties = new object[] { new { name = "王某" }, new { name = "赵某" } },
        }, 201);
        second = await ActAsync("village", second, "takeUp");
        second = await ActAsync("village", second, "escalate", new { note = "村级调解未果" });
        second = await ActAsync("township", second, "takeUp");
        second = await ActAsync("township", second, "settle", new { terms = "流转费按每亩 600 元结算" });
        Assert.Equal("township", second.GetProperty("settledLevel").GetString());

        // The containment figure: both finished this year; the general one in the village is within the rule, the other not.
        var after = await SendAsync("county", HttpMethod.Get, $"/api/disputes/containment/{Township}?{ThisYear}");
        JsonElement General(JsonElement report) => report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("severity").GetString() == "general");
        int Count(JsonElement report, string bucket) => General(report).GetProperty("counts").GetProperty(bucket).GetInt32();
        Assert.Equal(Count(before, "village") + 1, Count(after, "village"));
        Assert.Equal(Count(before, "township") + 1, Count(after, "township"));
        var within = General(after).GetProperty("withinRule");
        Assert.Equal(Count(after, "village"), within.GetProperty("numerator").GetInt32());
        Assert.Equal(General(after).GetProperty("counts").GetProperty("finished").GetInt32(), within.GetProperty("denominator").GetInt32());
        Assert.Equal("village", General(after).GetProperty("ruleLevel").GetString());

        // Equal at every level: the county's figure is the sum of its townships', the township's of its villages'.
        foreach (var unit in new[] { "140428", Township })
        {
            var report = await SendAsync("county", HttpMethod.Get, $"/api/disputes/containment/{unit}?{ThisYear}");
            foreach (var bucket in new[] { "village", "township", "county", "beyond" })
                Assert.Equal(Count(report, bucket), report.GetProperty("children").EnumerateArray()
                    .Sum(c => c.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("severity").GetString() == "general")
                        .GetProperty("counts").GetProperty(bucket).GetInt32()));
        }
    }

    [Fact]
    public async Task A_dispute_past_its_level_s_time_is_moved_up_by_the_sweep()
    {
        var dispute = await SendAsync("gridmanager", HttpMethod.Post, "/api/disputes", new
        {
            grid = DemoAccounts.GridManagerGrid, severity = "large", kind = "婚姻家庭纠纷", summary = "分家析产争议", source = "resident",
            parties = new object[] { new { name = "甲" }, new { name = "乙" } },
        }, 201);
        var id = dispute.GetProperty("id").GetInt64();
        await api.Population.ScalarAsync<int>("UPDATE dispute SET due = now() - interval '1 minute' WHERE id = $1 RETURNING 1", id);
        Assert.True(await new Store.Disputes.DisputeStore(api.Population.DataSource, TimeProvider.System).SweepOverdueAsync() >= 1);
        var moved = await SendAsync("village", HttpMethod.Get, $"/api/disputes/{id}");
        Assert.Equal(("village", "open"), (moved.GetProperty("level").GetString(), moved.GetProperty("state").GetString()));
        Assert.Equal("system", moved.GetProperty("history").EnumerateArray().Last().GetProperty("actor").GetString());
        Assert.Contains((await SendAsync("village", HttpMethod.Get, "/api/disputes")).EnumerateArray(), d => d.GetProperty("id").GetInt64() == id);
    }

    [Theory]
    [InlineData("gridmanager", """{"grid":"140428203211006","severity":"general","kind":"邻里纠纷","summary":"争执","parties":[]}""", 400, "parties")]
    [InlineData("gridmanager", """{"grid":"140428203211006","severity":"huge","kind":"邻里纠纷","summary":"争执","parties":[{"name":"甲"}]}""", 400, "severity")]
    [InlineData("gridmanager", """{"grid":"1404282032","severity":"general","kind":"邻里纠纷","summary":"争执","parties":[{"name":"甲"}]}""", 400, "grid")]
    [InlineData("gridmanager", """{"grid":"140428203211006","severity":"general","kind":"邻里纠纷","summary":"争执","parties":[{"personId":1}]}""", 400, "parties")]
    [InlineData("gridmanager", """{"grid":"140428203211005","severity":"general","kind":"邻里纠纷","summary":"争执","parties":[{"name":"甲"}]}""", 403, null)]
    [InlineData("health", """{"grid":"140428203211006","severity":"general","kind":"邻里纠纷","summary":"争执","parties":[{"name":"甲"}]}""", 403, null)]
    public async Task A_bad_dispute_or_one_outside_the_callers_area_or_role_is_refused_and_nothing_is_written(string user, string json, int status, string? field)
    {
        // personId 1 lives outside 长子县's demo grid (or nowhere the grid manager covers).
        var before = await api.Population.ScalarAsync<long>("SELECT count(*) FROM dispute");
        using var client = await api.ClientAsAsync(user);
        using var response = await client.PostAsync("/api/disputes", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
            Assert.Equal(field, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        Assert.Equal(before, await api.Population.ScalarAsync<long>("SELECT count(*) FROM dispute"));
    }
}
