using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Store.Accounts;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// The API flows the field and desk pages rely on: the closed loop with re-dispatch to a department, the caller's
/// action list at each step, a repeated idempotency key, a stale version, and the photo list.
/// </summary>
public sealed class EventFlowTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private async Task<JsonElement> ReportAsync(string key, string grid = DemoAccounts.GridManagerGrid, string category = "0401")
    {
        var point = await api.PointInGridAsync(grid);
        var (status, card) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("gridmanager"), HttpMethod.Post, "/api/events",
            new { category, description = "低保申请，测试 flow", lon = point[0], lat = point[1], idempotencyKey = key });
        Assert.Equal(201, status);
        return card;
    }

    private async Task<JsonElement> ActAsync(string user, JsonElement card, string action, object? extra = null, int expect = 200)
    {
        var body = new Dictionary<string, object?> { ["version"] = card.GetProperty("version").GetInt32() };
        if (extra is not null)
            foreach (var p in extra.GetType().GetProperties())
                body[char.ToLowerInvariant(p.Name[0]) + p.Name[1..]] = p.GetValue(extra);
        var (status, next) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), HttpMethod.Post,
            $"/api/events/{card.GetProperty("id").GetInt64()}/actions/{action}", body);
        Assert.True(status == expect, $"{user} {action}: {status} {next}");
        return next;
    }

    private static List<string?> Actions(JsonElement card) => [.. card.GetProperty("actions").EnumerateArray().Select(a => a.GetString())];

    private async Task<List<string?>> ActionsOfAsync(string user, long id)
    {
        var (status, card) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), HttpMethod.Get, $"/api/events/{id}");
        return status == 200 ? Actions(card) : [];
    }

    [Fact]
    public async Task A_report_goes_round_the_loop_through_a_village_escalation_and_a_department()
    {
        var card = await ReportAsync(Guid.NewGuid().ToString());
        var id = card.GetProperty("id").GetInt64();
        Assert.Equal("Reported", card.GetProperty("state").GetString());
        Assert.Equal("civil-affairs", card.GetProperty("routing").GetProperty("department").GetString());
        Assert.DoesNotContain("Accept", Actions(card));
        Assert.Contains("Accept", await ActionsOfAsync("village", id));

        card = await ActAsync("village", card, "accept");
        card = await ActAsync("village", card, "register");
        card = await ActAsync("village", card, "dispatch", new { Level = "village" });
        Assert.Equal("140428203211", card.GetProperty("owner").GetProperty("unit").GetString());
        Assert.Contains("StartHandling", Actions(card));
        card = await ActAsync("village", card, "startHandling");
        card = await ActAsync("village", card, "escalate", new { Reason = "需乡镇协调" });
        Assert.Equal("Dispatched", card.GetProperty("state").GetString());
        Assert.Equal("140428203", card.GetProperty("owner").GetProperty("unit").GetString());
        Assert.DoesNotContain("Dispatch", await ActionsOfAsync("village", id));

        var township = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("township"), HttpMethod.Get, $"/api/events/{id}");
        Assert.Contains("Dispatch", Actions(township.Body));
        card = await ActAsync("township", township.Body, "dispatch", new { Department = "civil-affairs" });
        Assert.Equal("civil-affairs", card.GetProperty("owner").GetProperty("department").GetString());
        Assert.Contains("StartHandling", await ActionsOfAsync("civil", id));
        Assert.DoesNotContain("StartHandling", await ActionsOfAsync("health", id));

        var civil = (await PopulationApiFixture.SendAsync(await api.ClientAsAsync("civil"), HttpMethod.Get, $"/api/events/{id}")).Body;
        card = await ActAsync("civil", civil, "startHandling");
        card = await ActAsync("civil", card, "feedback", new { Note = "已入户核实并受理低保申请" });
        Assert.Equal("FeedbackGiven", card.GetProperty("state").GetString());
        Assert.Equal(["Verify"], await ActionsOfAsync("gridmanager", id));
        Assert.Empty(await ActionsOfAsync("gridmanager2", id));

        card = await ActAsync("gridmanager", card, "verify", new { Passed = true, Note = "现场核实" });
        Assert.Contains("Close", await ActionsOfAsync("township", id));
        card = await ActAsync("township", card, "close");
        Assert.Equal("Closed", card.GetProperty("state").GetString());

        var steps = card.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
        Assert.Equal(["Report", "Accept", "Register", "Dispatch", "StartHandling", "Escalate", "Dispatch", "StartHandling", "Feedback", "Verify", "Close"],
            steps.Select(s => char.ToUpperInvariant(s![0]) + s[1..]));
        Assert.True(card.GetProperty("chainIntact").GetBoolean());
        var (_, chain) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("township"), HttpMethod.Get, $"/api/events/{id}/chain");
        Assert.True(chain.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_event_with_200()
    {
        var key = Guid.NewGuid().ToString();
        var first = await ReportAsync(key);
        var point = await api.PointInGridAsync(DemoAccounts.GridManagerGrid);
        var (status, again) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("gridmanager"), HttpMethod.Post, "/api/events",
            new { category = "0401", description = "重发 resend", lon = point[0], lat = point[1], idempotencyKey = key });
        Assert.Equal(200, status);
        Assert.Equal(first.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());
        Assert.Equal(1L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM event WHERE idempotency_key = $1", key));
    }

    [Fact]
    public async Task A_stale_version_is_409_with_the_current_version_and_changes_nothing()
    {
        var card = await ReportAsync(Guid.NewGuid().ToString());
        var accepted = await ActAsync("village", card, "accept");
        var (status, problem) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("township"), HttpMethod.Post,
            $"/api/events/{card.GetProperty("id").GetInt64()}/actions/reject", new { version = card.GetProperty("version").GetInt32(), reason = "invalid" });
        Assert.Equal(409, status);
        Assert.Equal(accepted.GetProperty("version").GetInt32(), problem.GetProperty("currentVersion").GetInt32());
        var (_, now) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("township"), HttpMethod.Get, $"/api/events/{card.GetProperty("id").GetInt64()}");
        Assert.Equal("Accepted", now.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Photos_are_listed_for_those_who_see_the_event_only()
    {
        var card = await ReportAsync(Guid.NewGuid().ToString());
        var id = card.GetProperty("id").GetInt64();
        var client = await api.ClientAsAsync("gridmanager");
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D];
        using (var upload = await client.PostAsync($"/api/events/{id}/photos",
                   new ByteArrayContent(png) { Headers = { ContentType = new("image/png") } }))
            Assert.Equal(201, (int)upload.StatusCode);
        var photos = await client.GetFromJsonAsync<long[]>($"/api/events/{id}/photos");
        Assert.Single(photos!);
        var (status, _) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("gridmanager2"), HttpMethod.Get, $"/api/events/{id}/photos");
        Assert.Equal(404, status);
    }
}
