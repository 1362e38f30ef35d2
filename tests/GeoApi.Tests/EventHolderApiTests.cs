using System.Text.Json;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Store.Accounts;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// Named handlers through the API (issue 17, item 1): the step's holder on the card, the people it may be assigned to,
/// claiming, assigning and handing over, the holder's own list, and the public tracker naming a role, never a person.
/// </summary>
public sealed class EventHolderApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private async Task<JsonElement> SendAsync(string user, HttpMethod method, string path, object? body = null, int expect = 200)
    {
        var (status, answer) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), method, path, body);
        Assert.True(status == expect, $"{user} {method} {path}: {status} {answer}");
        return answer;
    }

    private Task<JsonElement> ActAsync(string user, JsonElement card, string action, object? body = null, int expect = 200) =>
        SendAsync(user, HttpMethod.Post, $"/api/events/{card.GetProperty("id").GetInt64()}/actions/{action}", body ?? new { }, expect);

    private static string? Holder(JsonElement card) =>
        card.GetProperty("holder").ValueKind == JsonValueKind.Null ? null : card.GetProperty("holder").GetProperty("username").GetString();

    [Fact]
    public async Task A_step_names_its_holder_who_is_claimed_assigned_or_handed_over_and_the_public_sees_only_a_role()
    {
        await new AccountStore(api.Population.DataSource).CreateAsync(new NewAccount("village-b", "西沟村服务站 乙", DemoAccounts.Password,
            Role.VillageStaff, AdminCode.Parse("140428203211")));
        var wkt = await api.Population.ScalarAsync<string>("SELECT ST_AsText(ST_PointOnSurface(geom)) FROM grid WHERE code = $1", DemoAccounts.GridManagerGrid);
        var point = wkt["POINT(".Length..^1].Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var card = await SendAsync("gridmanager", HttpMethod.Post, "/api/events",
            new { category = "0401", description = "低保申请，承办人测试", lon = point[0], lat = point[1], idempotencyKey = Guid.NewGuid().ToString() }, 201);
        Assert.Null(Holder(card));

        // The township centre (the intake owner) takes the step by acting on it; the village acting on it does not —
        // it is not the owner; a dispatch to the village starts a new, unheld step.
        Assert.Equal("140428203", card.GetProperty("owner").GetProperty("unit").GetString());
        card = await ActAsync("township", card, "accept");
        Assert.Equal("township", Holder(card));
        Assert.Equal("南陈乡综治中心 演示", card.GetProperty("holder").GetProperty("displayName").GetString());
        card = await ActAsync("village", card, "register");
        Assert.Equal("township", Holder(card));
        card = await ActAsync("township", card, "dispatch", new { level = "village" });
        Assert.Null(Holder(card));
        var id = card.GetProperty("id").GetInt64();

        // The township above assigns it; only members of the owning village are offered, and only they are accepted.
        var asTownship = await SendAsync("township", HttpMethod.Get, $"/api/events/{id}");
        Assert.Equal(["village", "village-b"], asTownship.GetProperty("assignees").EnumerateArray().Select(p => p.GetProperty("username").GetString()).Order());
        var outsider = await ActAsync("township", asTownship, "assign", new { person = "gridmanager" }, 422);
        Assert.Contains("not a member of the step's owner", outsider.GetProperty("detail").GetString());
        await ActAsync("township", asTownship, "assign", new { person = "no-such-account" }, 422);
        await ActAsync("township", asTownship, "assign", new { }, 400);
        card = await ActAsync("township", asTownship, "assign", new { person = "village" });
        Assert.Equal("village", Holder(card));
        Assert.Equal("→ village", card.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString());

        // The holder hands it to a colleague, who then alone acts on it; it shows on the colleague's own list.
        card = await ActAsync("village", card, "assign", new { person = "village-b" });
        Assert.Equal("village-b", Holder(card));
        var refused = await ActAsync("village", card, "startHandling", new { }, 403);
        Assert.Contains("village-b holds this step", refused.GetProperty("detail").GetString());
        Assert.DoesNotContain("StartHandling", (await SendAsync("village", HttpMethod.Get, $"/api/events/{id}")).GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        var mine = await SendAsync("village-b", HttpMethod.Get, "/api/events?area=140428203211&holder=me");
        var listed = Assert.Single(mine.EnumerateArray(), e => e.GetProperty("id").GetInt64() == id);
        Assert.Equal("village-b", listed.GetProperty("holder").GetString());
        Assert.DoesNotContain((await SendAsync("village", HttpMethod.Get, "/api/events?area=140428203211&holder=me")).EnumerateArray(),
            e => e.GetProperty("id").GetInt64() == id);
        card = await ActAsync("village-b", await SendAsync("village-b", HttpMethod.Get, $"/api/events/{id}"), "startHandling");
        Assert.Equal("village-b", Holder(card));

        // The public tracker says a village clerk holds it, and names nobody.
        var trackingNo = card.GetProperty("trackingNo").GetString();
        using var anonymous = api.Factory.CreateClient();
        var tracked = await anonymous.GetStringAsync($"/api/track/{trackingNo}");
        Assert.Equal("village_staff", JsonDocument.Parse(tracked).RootElement.GetProperty("heldByRole").GetString());
        Assert.DoesNotContain("village-b", tracked);
        Assert.DoesNotContain("乙", tracked);
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM event_history WHERE event_id = $1 AND action = 'Assign' AND holder = 'village-b'", id));
    }
}
