using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using GridMap.Domain;
using GridMap.Store.Accounts;

namespace GridMap.GeoApi.Tests;

/// <summary>Building cards, masking, unmasking, category narrowing, visits, the audit trail and sign-in.</summary>
public sealed partial class PopulationApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    [GeneratedRegex(@"^\d{6}\*{8}\d{3}[\dX]$")]
    private static partial Regex MaskedId();

    [GeneratedRegex(@"^1\d{2}\*{4}\d{4}$")]
    private static partial Regex MaskedPhone();

    private string BuildingA => api.Population.Buildings["A"];

    [Fact]
    public async Task A_grid_manager_sees_the_households_of_a_building_with_masked_ids()
    {
        var client = await api.ClientAsAsync("gridmanager");
        var (status, card) = await PopulationApiFixture.SendAsync(client, HttpMethod.Get, $"/api/buildings/{BuildingA}");
        Assert.Equal(200, status);
        Assert.True(card.GetProperty("residentsShown").GetBoolean());
        var residents = card.GetProperty("houses")[0].GetProperty("households")[0].GetProperty("residents").EnumerateArray().ToList();
        Assert.Equal(["head", "spouse", "grandparent", "child"], residents.Select(r => r.GetProperty("relation").GetString()));
        Assert.All(residents, r => Assert.Matches(MaskedId(), r.GetProperty("idNumber").GetString()));
        Assert.All(residents, r => Assert.Matches(MaskedPhone(), r.GetProperty("phone").GetString()));
        Assert.Equal(["low_income"], residents[0].GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("Polygon", card.GetProperty("geometry").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_department_officer_sees_only_the_people_of_its_own_groups()
    {
        var (_, civil) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("civil"), HttpMethod.Get, $"/api/buildings/{BuildingA}");
        var (_, justice) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("justice"), HttpMethod.Get, $"/api/buildings/{BuildingA}");
        Assert.Equal(["head"], Residents(civil).Select(r => r.GetProperty("relation").GetString()));
        Assert.Equal(["child"], Residents(justice).Select(r => r.GetProperty("relation").GetString()));
        Assert.Equal(["community_correction"], Residents(justice)[0].GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        var (planner, plannerCard) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("planner"), HttpMethod.Get, $"/api/buildings/{BuildingA}");
        Assert.Equal(200, planner);
        Assert.False(plannerCard.GetProperty("residentsShown").GetBoolean());
        Assert.Empty(Residents(plannerCard));
        Assert.Equal(4, plannerCard.GetProperty("residents").GetInt32());

        var (health, person) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("health"), HttpMethod.Get, $"/api/people/{api.Population.People["A-spouse"]}");
        Assert.Equal(200, health);
        Assert.Equal(["mental_health"], person.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()));
    }

    [Fact]
    public async Task Search_finds_a_building_by_address_code_name_and_exact_id_number()
    {
        var client = await api.ClientAsAsync("gridmanager");
        var unmasked = await UnmaskAsync(client, api.Population.People["A-spouse"], "核对身份 check identity");
        foreach (var (q, matched) in new[] { ("测试巷A九", "address"), ("巷A", "address"), (BuildingA, "building_code"), ("测试Aspouse", "name"), (unmasked.GetProperty("idNumber").GetString()!, "id_number") })
        {
            var (status, hits) = await PopulationApiFixture.SendAsync(client, HttpMethod.Get, $"/api/buildings/search?q={Uri.EscapeDataString(q)}");
            Assert.Equal(200, status);
            var hit = Assert.Single(hits.EnumerateArray(), h => h.GetProperty("code").GetString() == BuildingA);
            Assert.Equal(matched, hit.GetProperty("matched").GetString());
        }
        // A planner reads buildings but not people: a resident's name finds nothing.
        var (_, plannerHits) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("planner"), HttpMethod.Get, $"/api/buildings/search?q={Uri.EscapeDataString("测试Aspouse")}");
        Assert.Empty(plannerHits.EnumerateArray());
    }

    [Fact]
    public async Task Unmasking_needs_a_purpose_and_is_audited_with_it()
    {
        var client = await api.ClientAsAsync("village");
        var person = api.Population.People["A-grandparent"];
        var (missing, problem) = await PopulationApiFixture.SendAsync(client, HttpMethod.Post, $"/api/people/{person}/unmask", new { purpose = " " });
        Assert.Equal(400, missing);
        Assert.Contains("purpose", problem.GetProperty("detail").GetString());
        var unmasked = await UnmaskAsync(client, person, "办理高龄补贴 old-age allowance");
        Assert.Matches(@"^\d{17}[\dX]$", unmasked.GetProperty("idNumber").GetString());
        Assert.Matches(@"^1\d{10}$", unmasked.GetProperty("phone").GetString());

        var entries = await AuditEntriesAsync($"person:{person}");
        var entry = Assert.Single(entries, e => e.GetProperty("action").GetString() == "unmask");
        Assert.Equal("village", entry.GetProperty("actor").GetString());
        Assert.Equal("办理高龄补贴 old-age allowance", entry.GetProperty("purpose").GetString());
    }

    [Fact]
    public async Task Reading_special_group_records_is_audited_and_the_chain_verifies()
    {
        var client = await api.ClientAsAsync("township");
        var spouse = api.Population.People["A-spouse"];
        var (status, _) = await PopulationApiFixture.SendAsync(client, HttpMethod.Get, $"/api/people/{spouse}?purpose={Uri.EscapeDataString("月度随访 monthly follow-up")}");
        Assert.Equal(200, status);
        var read = Assert.Single(await AuditEntriesAsync($"person:{spouse}"), e => e.GetProperty("actor").GetString() == "township");
        Assert.Equal("read_special_group", read.GetProperty("action").GetString());
        Assert.Equal("月度随访 monthly follow-up", read.GetProperty("purpose").GetString());
        Assert.Contains(api.Population.Records["A-spouse/mental_health"].ToString(System.Globalization.CultureInfo.InvariantCulture), read.GetProperty("detail").GetString());

        // The grandparent is in no special group: reading that card writes nothing.
        var grandparent = api.Population.People["A-grandparent"];
        await PopulationApiFixture.SendAsync(client, HttpMethod.Get, $"/api/people/{grandparent}");
        Assert.DoesNotContain(await AuditEntriesAsync($"person:{grandparent}"), e => e.GetProperty("action").GetString() == "read_special_group");

        var (_, verify) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("auditor"), HttpMethod.Get, "/api/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean());
        Assert.True(verify.GetProperty("entries").GetInt64() >= 1);
    }

    [Fact]
    public async Task A_visit_moves_the_due_date_and_is_audited_in_the_same_transaction()
    {
        var client = await api.ClientAsAsync("gridmanager");
        var record = api.Population.Records["A-spouse/mental_health"];
        var (status, updated) = await PopulationApiFixture.SendAsync(client, HttpMethod.Post, $"/api/special-groups/{record}/visits", new { note = "按时服药，情绪稳定" });
        Assert.Equal(200, status);
        var today = ChinaTime.DateOf(DateTimeOffset.UtcNow);
        Assert.Equal(today.AddDays(30).ToString("yyyy-MM-dd"), updated.GetProperty("nextVisitDue").GetString());
        Assert.Equal(today.ToString("yyyy-MM-dd"), updated.GetProperty("lastVisit").GetString());
        Assert.Contains(await AuditEntriesAsync($"special_group:{record}"), e => e.GetProperty("action").GetString() == "record_visit");

        var (bad, _) = await PopulationApiFixture.SendAsync(client, HttpMethod.Post, $"/api/special-groups/{record}/visits", new { note = "x" });
        Assert.Equal(400, bad);
        var (future, _) = await PopulationApiFixture.SendAsync(client, HttpMethod.Post, $"/api/special-groups/{record}/visits", new { note = "未来的走访", visitedOn = today.AddDays(3) });
        Assert.Equal(400, future);
        Assert.Equal(1L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM visit WHERE special_group_id = $1", record));
    }

    [Fact]
    public async Task A_visit_sent_twice_with_one_idempotency_key_is_recorded_once()
    {
        var client = await api.ClientAsAsync("gridmanager");
        var record = api.Population.Records["A-head/low_income"];
        var key = Guid.NewGuid().ToString("N");
        var before = await api.Population.ScalarAsync<long>("SELECT count(*) FROM visit WHERE special_group_id = $1", record);
        var answers = new List<(int Status, string? Due)>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/special-groups/{record}/visits")
            {
                Content = JsonContent.Create(new { note = "手机离线记录的走访", visitedOn = ChinaTime.DateOf(DateTimeOffset.UtcNow).AddDays(-3) }),
            };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            answers.Add(((int)response.StatusCode, body.GetProperty("nextVisitDue").GetString()));
        }
        Assert.Equal([(200, answers[0].Due), (200, answers[0].Due)], answers);
        Assert.Equal(ChinaTime.DateOf(DateTimeOffset.UtcNow).AddDays(-3 + 90).ToString("yyyy-MM-dd"), answers[0].Due);
        Assert.Equal(before + 1, await api.Population.ScalarAsync<long>("SELECT count(*) FROM visit WHERE special_group_id = $1", record));

        using var bad = new HttpRequestMessage(HttpMethod.Post, $"/api/special-groups/{record}/visits") { Content = JsonContent.Create(new { note = "走访" }) };
        bad.Headers.Add("Idempotency-Key", "short");
        using var refused = await client.SendAsync(bad);
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Equal(before + 1, await api.Population.ScalarAsync<long>("SELECT count(*) FROM visit WHERE special_group_id = $1", record));
    }

    [Theory]
    [InlineData("/api/buildings/12345", 400)]
    [InlineData("/api/buildings/1404282032110069000x", 400)]
    [InlineData("/api/buildings/search?q=a", 400)]
    [InlineData("/api/buildings/search?q=%27%29%3B%20DROP%20TABLE%20person%3B%20--", 200)]
    [InlineData("/api/buildings/search?q=%25%25%25", 200)]
    [InlineData("/api/buildings/search?q=abc&limit=500", 400)]
    [InlineData("/api/special-groups?group=nonsense", 400)]
    [InlineData("/api/special-groups?area=14x", 400)]
    [InlineData("/api/people/99999999999", 404)]
    public async Task Bad_input_is_a_problem_and_hostile_text_is_only_data(string path, int expected)
    {
        var client = await api.ClientAsAsync("county");
        var (status, body) = await PopulationApiFixture.SendAsync(client, HttpMethod.Get, path);
        Assert.Equal(expected, status);
        if (status == 200)
            Assert.Empty(body.EnumerateArray());
        Assert.True(await api.Population.ScalarAsync<long>("SELECT count(*) FROM person") > 0);
    }

    [Fact]
    public async Task Tokens_are_refused_when_wrong_and_stop_working_after_logout()
    {
        var anonymous = api.Factory.CreateClient();
        using (var wrong = await anonymous.PostAsJsonAsync("/api/auth/token", new { username = "gridmanager", password = "not-the-password" }))
        {
            Assert.Equal(401, (int)wrong.StatusCode);
            Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        }
        using (var malformed = await anonymous.PostAsync("/api/auth/token", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(400, (int)malformed.StatusCode);

        using var form = await anonymous.PostAsync("/api/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = "gridmanager2", ["password"] = DemoAccounts.Password,
        }));
        var token = (await form.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var (me, account) = await PopulationApiFixture.SendAsync(client, HttpMethod.Get, "/api/auth/me");
        Assert.Equal(200, me);
        Assert.Equal(DemoAccounts.NeighbourGrid, account.GetProperty("scope").GetString());
        Assert.Equal("grid_manager", account.GetProperty("role").GetString());
        var (logout, _) = await PopulationApiFixture.SendAsync(client, HttpMethod.Post, "/api/auth/logout");
        Assert.Equal(204, logout);
        // The 15-second token memory is per process; a fresh host sees the revocation at once.
        await using var other = new Testing.HostFactory<GeoApiHost>(api.Population.ConnectionString);
        var again = other.CreateClient();
        again.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var (after, _) = await PopulationApiFixture.SendAsync(again, HttpMethod.Get, "/api/auth/me");
        Assert.Equal(401, after);
    }

    [Fact]
    public async Task The_grid_card_counts_buildings_households_and_people()
    {
        var (status, grid) = await PopulationApiFixture.SendAsync(api.Factory.CreateClient(), HttpMethod.Get, $"/api/grids/{DemoAccounts.GridManagerGrid}");
        Assert.Equal(200, status);
        var population = grid.GetProperty("properties").GetProperty("population");
        var expected = await api.Population.ScalarAsync<long>("SELECT count(*) FROM person WHERE grid_code = $1", DemoAccounts.GridManagerGrid);
        Assert.Equal(expected, population.GetProperty("people").GetInt32());
        Assert.True(population.GetProperty("buildings").GetInt32() >= 1);
    }

    private static List<JsonElement> Residents(JsonElement card) =>
        card.GetProperty("houses").EnumerateArray().SelectMany(h => h.GetProperty("households").EnumerateArray())
            .SelectMany(h => h.GetProperty("residents").EnumerateArray()).ToList();

    private static async Task<JsonElement> UnmaskAsync(HttpClient client, long person, string purpose)
    {
        var (status, body) = await PopulationApiFixture.SendAsync(client, HttpMethod.Post, $"/api/people/{person}/unmask", new { purpose });
        Assert.Equal(200, status);
        return body;
    }

    private async Task<List<JsonElement>> AuditEntriesAsync(string subject)
    {
        var (status, page) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("auditor"), HttpMethod.Get, $"/api/audit?subject={Uri.EscapeDataString(subject)}");
        Assert.Equal(200, status);
        return page.GetProperty("entries").EnumerateArray().ToList();
    }
}

public sealed class OversizedBodyTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    [Fact]
    public async Task An_oversized_body_is_refused_with_413_and_changes_nothing()
    {
        var client = await api.ClientAsAsync("gridmanager");
        var before = await api.Population.ScalarAsync<long>("SELECT count(*) FROM visit");
        var note = new string('走', 100_000);
        var (status, _) = await PopulationApiFixture.SendAsync(client, HttpMethod.Post,
            $"/api/special-groups/{api.Population.Records["A-head/low_income"]}/visits", new { note });
        Assert.Equal(413, status);
        using var token = await api.Factory.CreateClient().PostAsync("/api/auth/token",
            new StringContent("{\"username\":\"" + new string('a', 200_000) + "\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(413, (int)token.StatusCode);
        Assert.Equal(before, await api.Population.ScalarAsync<long>("SELECT count(*) FROM visit"));
    }
}
