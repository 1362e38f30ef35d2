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
        var point = await api.PointInGridAsync(DemoAccounts.GridManagerGrid);
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

    [Fact]
    public async Task Centres_above_supervise_and_ask_for_an_answer_a_missed_deadline_makes_an_accountability_record_the_county_closes()
    {
        var point = await api.PointInGridAsync(DemoAccounts.GridManagerGrid);
        var card = await SendAsync("gridmanager", HttpMethod.Post, "/api/events",
            new { category = "0401", description = "低保申请，督办测试", lon = point[0], lat = point[1], idempotencyKey = Guid.NewGuid().ToString() }, 201);
        card = await ActAsync("township", card, "accept");
        card = await ActAsync("township", card, "register");
        card = await ActAsync("township", card, "dispatch", new { level = "village" });
        card = await ActAsync("village", card, "startHandling");
        var id = card.GetProperty("id").GetInt64();

        // 督办 from the city and the province; a grid manager may not.
        await ActAsync("gridmanager", card, "supervise", new { note = "催办" }, 403);
        var newDue = DateTimeOffset.UtcNow.AddDays(3);
        card = await ActAsync("city", card, "supervise", new { note = "群众反映强烈，请限期答复", newDue, answerRequired = true });
        Assert.Equal(newDue.ToUnixTimeSeconds(), card.GetProperty("due").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal(JsonValueKind.String, card.GetProperty("supervisionAnswerDue").ValueKind);
        Assert.Equal("city", card.GetProperty("supervisedBy").GetString());
        await ActAsync("village", card, "answerSupervision", new { }, 400);
        card = await ActAsync("village", card, "answerSupervision", new { note = "已入户核实，三日内办结" });
        Assert.Equal(JsonValueKind.Null, card.GetProperty("supervisionAnswerDue").ValueKind);
        card = await ActAsync("province", card, "supervise", new { note = "省级督办" });
        Assert.Equal(2, card.GetProperty("supervisions").GetInt32());

        // The village misses the deadline: the sweep escalates the step and records it against the person who held it.
        await api.Population.ScalarAsync<int>("UPDATE event SET due = now() - interval '1 hour' WHERE id = $1 RETURNING 1", id);
        await new Store.Events.EventStore(api.Population.DataSource, TimeProvider.System).SweepOverdueAsync();
        var records = await SendAsync("county", HttpMethod.Get, "/api/accountability?area=140428&open=true");
        var record = Assert.Single(records.EnumerateArray(), r => r.GetProperty("eventId").GetInt64() == id);
        Assert.Equal("overdue", record.GetProperty("kind").GetString());
        Assert.Equal("village", record.GetProperty("person").GetString());
        Assert.Equal("140428203211", record.GetProperty("unit").GetString());
        Assert.True(record.GetProperty("mayClose").GetBoolean());
        Assert.Equal(1L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM accountability WHERE event_id = $1", id));

        // The village itself neither reads the county's list as a reviewer nor closes; the county closes it once, audited.
        var recordId = record.GetProperty("id").GetInt64();
        await SendAsync("village", HttpMethod.Post, $"/api/accountability/{recordId}/close", new { outcome = "自己关闭" }, 403);
        await SendAsync("gridmanager", HttpMethod.Get, "/api/accountability", expect: 403);
        await SendAsync("county", HttpMethod.Post, $"/api/accountability/{recordId}/close", new { outcome = " " }, 400);
        var closed = await SendAsync("county", HttpMethod.Post, $"/api/accountability/{recordId}/close", new { outcome = "约谈提醒，记入季度考核" });
        Assert.Equal("county", closed.GetProperty("closedBy").GetString());
        Assert.False(closed.GetProperty("mayClose").GetBoolean());
        await SendAsync("county", HttpMethod.Post, $"/api/accountability/{recordId}/close", new { outcome = "再次关闭" }, 409);
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE actor = 'county' AND action = 'close_accountability' AND subject = $1", $"accountability:{recordId}"));
        var people = await SendAsync("county", HttpMethod.Get, "/api/accountability/people?area=140428");
        var village = Assert.Single(people.EnumerateArray(), p => p.GetProperty("person").GetString() == "village");
        Assert.True(village.GetProperty("records").GetInt32() >= 1);
        Assert.True(village.GetProperty("overdue").GetInt32() >= 1);
        // Records are closed once and never removed.
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() =>
            api.Population.ScalarAsync<int>("DELETE FROM accountability WHERE id = $1 RETURNING 1", recordId));
    }

    [Fact]
    public async Task A_supervision_answer_not_given_in_time_is_held_against_the_holder_once_and_the_request_lapses()
    {
        var point = await api.PointInGridAsync(DemoAccounts.GridManagerGrid);
        var card = await SendAsync("gridmanager", HttpMethod.Post, "/api/events",
            new { category = "0401", description = "低保申请，督办答复超期测试", lon = point[0], lat = point[1], idempotencyKey = Guid.NewGuid().ToString() }, 201);
        card = await ActAsync("township", card, "accept");
        card = await ActAsync("township", card, "register");
        card = await ActAsync("township", card, "dispatch", new { level = "village" });
        card = await ActAsync("village", card, "startHandling");
        card = await ActAsync("county", card, "supervise", new { note = "请说明进展", answerRequired = true });
        var id = card.GetProperty("id").GetInt64();

        await api.Population.ScalarAsync<int>("UPDATE event SET supervision_answer_due = now() - interval '1 minute' WHERE id = $1 RETURNING 1", id);
        var sweeper = new Store.Events.EventStore(api.Population.DataSource, TimeProvider.System);
        await sweeper.SweepOverdueAsync();
        await sweeper.SweepOverdueAsync();

        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM accountability WHERE event_id = $1 AND kind = 'overdue' AND person = 'village' AND reason LIKE 'supervision answer overdue since%'", id));
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM inbox_item WHERE event_id = $1 AND username = 'village' AND kind = 'overdue' AND text LIKE '%督办要求的答复已超期%'", id));
        var after = await SendAsync("village", HttpMethod.Get, $"/api/events/{id}");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("supervisionAnswerDue").ValueKind);
        Assert.Equal("Handling", after.GetProperty("state").GetString());
        var late = await ActAsync("village", after, "answerSupervision", new { note = "迟到的答复" }, 422);
        Assert.Contains("No supervision is waiting", late.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_assignment_reaches_the_inbox_survives_a_GeoApi_restart_and_its_text_message_goes_out_once()
    {
        var point = await api.PointInGridAsync(DemoAccounts.GridManagerGrid);
        var card = await SendAsync("gridmanager", HttpMethod.Post, "/api/events",
            new { category = "0401", description = "低保申请，收件箱测试", lon = point[0], lat = point[1], idempotencyKey = Guid.NewGuid().ToString() }, 201);
        card = await ActAsync("township", card, "accept");
        card = await ActAsync("township", card, "register");
        card = await ActAsync("township", card, "dispatch", new { level = "village" });
        card = await ActAsync("township", card, "assign", new { person = "village" });
        var id = card.GetProperty("id").GetInt64();
        var trackingNo = card.GetProperty("trackingNo").GetString()!;

        var inbox = await SendAsync("village", HttpMethod.Get, "/api/inbox");
        var item = Assert.Single(inbox.GetProperty("items").EnumerateArray(), i => i.GetProperty("eventId").GetInt64() == id);
        Assert.Equal("assigned", item.GetProperty("kind").GetString());
        Assert.Contains(trackingNo, item.GetProperty("text").GetString());
        Assert.Contains("township 将此事件指派给你办理", item.GetProperty("text").GetString());
        Assert.DoesNotContain((await SendAsync("township", HttpMethod.Get, "/api/inbox")).GetProperty("items").EnumerateArray(),
            i => i.GetProperty("eventId").GetInt64() == id);

        // Another GeoApi process (a restart) serves the same stored inbox to the same token.
        var village = await api.ClientAsAsync("village");
        await using (var restarted = new Testing.HostFactory<GeoApiHost>(api.Population.ConnectionString))
        {
            var client = restarted.CreateClient();
            client.DefaultRequestHeaders.Authorization = village.DefaultRequestHeaders.Authorization;
            var (status, again) = await PopulationApiFixture.SendAsync(client, HttpMethod.Get, "/api/inbox?unread=true");
            Assert.Equal(200, status);
            var unread = again.GetProperty("unread").GetInt32();
            var itemId = Assert.Single(again.GetProperty("items").EnumerateArray(), i => i.GetProperty("eventId").GetInt64() == id).GetProperty("id").GetInt64();
            Assert.Equal(204, (await PopulationApiFixture.SendAsync(client, HttpMethod.Post, $"/api/inbox/{itemId}/read")).Status);
            Assert.Equal(404, (await PopulationApiFixture.SendAsync(await api.ClientAsAsync("township"), HttpMethod.Post, $"/api/inbox/{itemId}/read")).Status);
            Assert.Equal(unread - 1, (await PopulationApiFixture.SendAsync(client, HttpMethod.Get, "/api/inbox")).Body.GetProperty("unread").GetInt32());
        }

        // The text message to the village's phone waits in the outbox until a sender's gateway takes it — once.
        Assert.Equal(1L, await api.Population.ScalarAsync<long>("""
            SELECT count(*) FROM sms_outbox o JOIN inbox_item i ON i.id = o.inbox_item_id JOIN account a ON a.username = 'village'
            WHERE i.event_id = $1 AND o.phone = a.phone
            """, id));
        var sent = new List<Store.Inbox.OutgoingSms>();
        var store = new Store.Inbox.InboxStore(api.Population.DataSource, TimeProvider.System);
        await store.DrainOutboxAsync((sms, _) => { sent.Add(sms); return Task.CompletedTask; }, limit: 5000);
        await store.DrainOutboxAsync((sms, _) => { sent.Add(sms); return Task.CompletedTask; }, limit: 5000);
        Assert.Equal(1L, await api.Population.ScalarAsync<long>("""
            SELECT count(*) FROM sms_outbox o JOIN inbox_item i ON i.id = o.inbox_item_id WHERE i.event_id = $1 AND o.sent_at IS NOT NULL
            """, id));
        Assert.True(sent.Count(s => s.Text.Contains(trackingNo)) <= 1, "a message was sent twice");
    }
}
