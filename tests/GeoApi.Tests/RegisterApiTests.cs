using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Domain.People;
using GridMap.Store.Accounts;
using GridMap.Testing;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// The register's write path over the known test population (issue 15): who may write where, row versions, moves
/// between grids, deaths, reconciliation, the audit chain, freshness and the refusals of bad input. Each test makes
/// the households it changes, so the tests do not depend on each other's order.
/// </summary>
public sealed class RegisterApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private static int nextPerson;

    private static DateOnly Today => Domain.ChinaTime.DateOf(DateTimeOffset.UtcNow);

    private string GridA => DemoAccounts.GridManagerGrid;
    private string GridB => DemoAccounts.NeighbourGrid;

    private static object NewPerson(DateOnly? born = null, string name = "测试新人")
    {
        var n = Interlocked.Increment(ref nextPerson);
        var birth = born ?? new DateOnly(1902, 1, 1).AddDays(n);
        var id = IdNumber.Create("140428", birth, 100 + n * 2 + 1);
        return new { idNumber = id.Value, name, sex = "M", birthDate = birth.ToString("yyyy-MM-dd"), politicalStatus = "masses", registerType = "registered" };
    }

    private static Task<(int Status, JsonElement Body)> Send(HttpClient client, HttpMethod method, string path, object? body = null) =>
        PopulationApiFixture.SendAsync(client, method, path, body);

    private async Task<JsonElement> CardAsync(HttpClient client, string place)
    {
        var (status, card) = await Send(client, HttpMethod.Get, $"/api/buildings/{api.Population.Buildings[place]}");
        Assert.Equal(200, status);
        return card;
    }

    /// <summary>A fresh house in the place's building with a new household of one head: (household id, person id, house id).</summary>
    private async Task<(long Household, long Person, long House)> NewHouseholdAsync(HttpClient client, string place)
    {
        var building = api.Population.Buildings[place];
        var room = $"R{Interlocked.Increment(ref nextPerson)}";
        var (added, addedBody) = await Send(client, HttpMethod.Post, $"/api/register/buildings/{building}/houses",
            new { houses = new[] { new { unit = 1, room } }, reason = "新建住房登记" });
        Assert.True(added == 200, addedBody.ToString());
        var houseId = addedBody.GetProperty("houseId").GetInt64();
        var (started, body) = await Send(client, HttpMethod.Post, $"/api/register/houses/{houseId}/households",
            new { type = "registered", head = NewPerson(), rowVersion = 1, reason = "新立户" });
        Assert.True(started == 200, body.ToString());
        return (body.GetProperty("householdId").GetInt64(), body.GetProperty("personId").GetInt64(), houseId);
    }

    /// <summary>Puts the person on a department's list (a special-group record), as that department's import would.</summary>
    private Task<long> ListAsync(long person, string group, string department) =>
        api.Population.ScalarAsync<long>("""
            INSERT INTO special_group (person_id, group_code, department, risk_level, registered_on, visit_cadence_days, next_visit_due, source)
            VALUES ($1, $2, $3, 1, '2020-01-01', 90, '2027-01-01', 'test') RETURNING id
            """, person, group, department);

    /// <summary>The household the population fixture made in the place's building (register number GMTEST + place).</summary>
    private Task<long> FixtureHouseholdAsync(string place) =>
        api.Population.ScalarAsync<long>("SELECT id FROM household WHERE register_number = $1", "GMTEST" + place);

    private Task<long> VersionOfHousehold(long id) =>
        api.Population.ScalarAsync<long>("SELECT row_version::bigint FROM household WHERE id = $1", id);

    private async Task<(int Households, int Fresh)> FreshnessAsync(HttpClient client, string code)
    {
        var (status, body) = await Send(client, HttpMethod.Get, $"/api/register/freshness/{code}");
        Assert.True(status == 200, body.ToString());
        return (body.GetProperty("households").GetInt32(), body.GetProperty("fresh").GetInt32());
    }

    [Fact]
    public async Task Every_write_is_checked_for_role_and_area_before_its_row_version()
    {
        // Every allowed call is made to fail after the role and area checks — a stale row version (0), a house that
        // exists, a point outside the grid — so the matrix changes nothing: 409/400 read "allowed here", 404 "outside
        // your area" and 403 "your role does not write".
        var gm = await api.ClientAsAsync("gridmanager");
        var households = new Dictionary<string, long>();
        var houses = new Dictionary<string, long>();
        var people = new Dictionary<string, long>();
        foreach (var place in new[] { "A", "B", "D" })
        {
            households[place] = await FixtureHouseholdAsync(place);
            houses[place] = await api.Population.ScalarAsync<long>("SELECT house_id FROM household WHERE id = $1", households[place]);
            people[place] = api.Population.People[$"{place}-head"];
        }
        var writes = new (string Name, int Allowed, Func<string, (HttpMethod, string, object)> Request)[]
        {
            ("add person", 409, p => (HttpMethod.Post, $"/api/register/households/{households[p]}/members", new { person = NewPerson(), relation = "other", rowVersion = 0, reason = "矩阵" })),
            ("birth", 409, p => (HttpMethod.Post, $"/api/register/households/{households[p]}/births",
                new { person = NewPerson(Today.AddDays(-3 - Interlocked.Increment(ref nextPerson) % 300)), rowVersion = 0, reason = "矩阵" })),
            ("move", 409, p => (HttpMethod.Post, $"/api/register/households/{households[p]}/moves", new { away = true, rowVersion = 0, reason = "矩阵" })),
            ("verify", 409, p => (HttpMethod.Post, $"/api/register/households/{households[p]}/verifications", new { rowVersion = 0, reason = "矩阵" })),
            ("start household", 409, p => (HttpMethod.Post, $"/api/register/houses/{houses[p]}/households", new { head = NewPerson(), rowVersion = 0, reason = "矩阵" })),
            ("mark house", 409, p => (HttpMethod.Post, $"/api/register/houses/{houses[p]}/vacancy", new { vacant = true, rowVersion = 0, reason = "矩阵" })),
            ("death", 409, p => (HttpMethod.Post, $"/api/register/people/{people[p]}/death", new { deathDate = "2020-01-01", rowVersion = 0, reason = "矩阵" })),
            ("update", 409, p => (HttpMethod.Patch, $"/api/register/people/{people[p]}", new { politicalStatus = "masses", rowVersion = 0, reason = "矩阵" })),
            ("change building", 409, p => (HttpMethod.Patch, $"/api/register/buildings/{api.Population.Buildings[p]}", new { floors = 2, rowVersion = 0, reason = "矩阵" })),
            ("add houses", 409, p => (HttpMethod.Post, $"/api/register/buildings/{api.Population.Buildings[p]}/houses",
                new { houses = new[] { new { unit = 1, room = "院" } }, reason = "矩阵" })),
            ("add building", 400, p => (HttpMethod.Post, "/api/register/buildings",
                new { grid = api.Population.Buildings[p][..15], lon = 100.0, lat = 30.0, road = "矩阵路", houseNumber = "1", reason = "矩阵" })),
        };
        var expected = new (string Account, string Place, int Status)[]
        {
            ("gridmanager", "A", 0), ("gridmanager", "B", 404), ("gridmanager", "D", 404),
            ("gridmanager2", "A", 404), ("gridmanager2", "B", 0),
            ("village", "A", 0), ("village", "B", 0), ("village", "D", 404),
            ("township", "B", 0), ("county", "A", 0), ("county", "D", 404), ("gridmanager3", "A", 404),
            ("civil", "A", 403), ("health", "A", 403), ("planner", "A", 403), ("auditor", "A", 403), ("admin", "A", 403),
            ("city", "A", 403), ("province", "A", 403),
        };
        var before = await api.Population.ScalarAsync<long>("SELECT count(*) FROM register_change");
        foreach (var (account, place, status) in expected)
        {
            var client = await api.ClientAsAsync(account);
            foreach (var (name, allowed, request) in writes)
            {
                var (method, path, body) = request(place);
                var (got, problem) = await Send(client, method, path, body);
                var want = status == 0 ? allowed : status;
                Assert.True(got == want, $"{account} {name} in {place}: expected {want}, got {got}: {problem}");
            }
            // Corrections: village and township staff only.
            var correction = await Send(client, HttpMethod.Post, $"/api/register/people/{people[place]}/corrections", new { name = "改名", rowVersion = 0, reason = "矩阵" });
            var mayCorrect = account is "village" or "township";
            Assert.True(correction.Status == (status != 0 ? status : mayCorrect ? 409 : 403) || (!mayCorrect && correction.Status == 403),
                $"{account} correction in {place}: got {correction.Status}");
        }
        Assert.Equal(before, await api.Population.ScalarAsync<long>("SELECT count(*) FROM register_change"));
        var (lon, lat) = (100.0, 30.0);
        Assert.Equal(400, (await Send(gm, HttpMethod.Post, "/api/register/buildings", new { grid = GridA, lon, lat, road = "矩阵路", houseNumber = "1" })).Status);
    }

    [Fact]
    public async Task Two_sessions_editing_one_household_one_wins_and_the_other_gets_409_with_the_current_record()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var village = await api.ClientAsAsync("village");
        var (household, _, _) = await NewHouseholdAsync(gm, "A");
        var version = await VersionOfHousehold(household);
        var first = Send(gm, HttpMethod.Post, $"/api/register/households/{household}/births",
            new { person = NewPerson(Today.AddDays(-10)), rowVersion = version, reason = "新生儿登记" });
        var second = Send(village, HttpMethod.Post, $"/api/register/households/{household}/verifications",
            new { rowVersion = version, reason = "电话核实" });
        var results = await Task.WhenAll(first, second);
        Assert.Equal([200, 409], results.Select(r => r.Status).Order());
        var conflict = results.Single(r => r.Status == 409).Body;
        Assert.Equal(version + 1, conflict.GetProperty("currentVersion").GetInt32());
        Assert.Equal(household, conflict.GetProperty("current").GetProperty("id").GetInt64());
        Assert.Equal(version + 1, await VersionOfHousehold(household));
    }

    [Fact]
    public async Task A_move_into_another_grid_waits_for_that_grid_and_is_accepted_or_refused()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var gm2 = await api.ClientAsAsync("gridmanager2");
        var (household, person, _) = await NewHouseholdAsync(gm2, "B");
        var (targetHousehold, _, targetHouse) = await NewHouseholdAsync(gm, "A");
        var freshA = await FreshnessAsync(gm, GridA);

        var (status, pending) = await Send(gm2, HttpMethod.Post, $"/api/register/households/{household}/moves",
            new { toGrid = GridA, rowVersion = await VersionOfHousehold(household), reason = "全户迁往 006 网格" });
        Assert.True(status == 202, pending.ToString());
        var request = pending.GetProperty("moveRequestId").GetInt64();
        Assert.Equal("pending", pending.GetProperty("outcome").GetString());
        // The deciding grid's manager has it in the inbox; the asking side does not.
        var (_, inbox) = await Send(gm, HttpMethod.Get, "/api/inbox");
        var notice = Assert.Single(inbox.GetProperty("items").EnumerateArray(), i => i.GetProperty("text").GetString()!.Contains($"迁移申请 {request}"));
        Assert.Equal("move", notice.GetProperty("kind").GetString());
        Assert.Equal(0L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM inbox_item WHERE username = 'gridmanager2' AND kind = 'move' AND text LIKE $1", $"%迁移申请 {request}%"));
        // Both managers see it; the asking side cannot decide it; until it is decided the people stay where they are.
        foreach (var client in new[] { gm, gm2 })
        {
            var (_, moves) = await Send(client, HttpMethod.Get, "/api/register/moves");
            var row = moves.EnumerateArray().Single(m => m.GetProperty("id").GetInt64() == request);
            Assert.Equal(GridA, row.GetProperty("awaitingGrid").GetString());
        }
        Assert.Equal(403, (await Send(gm2, HttpMethod.Post, $"/api/register/moves/{request}/accept", new { toHouseId = targetHouse, reason = "自己接收" })).Status);
        Assert.Equal(GridB, await api.Population.ScalarAsync<string>("SELECT grid_code FROM person WHERE id = $1", person));
        Assert.Equal(409, (await Send(gm2, HttpMethod.Post, $"/api/register/households/{household}/moves",
            new { away = true, rowVersion = await VersionOfHousehold(household), reason = "重复迁出" })).Status);

        var (accepted, done) = await Send(gm, HttpMethod.Post, $"/api/register/moves/{request}/accept", new { toHouseId = targetHouse, reason = "已到户核实，同意迁入" });
        Assert.True(accepted == 200, done.ToString());
        Assert.Equal(GridA, await api.Population.ScalarAsync<string>("SELECT grid_code FROM household WHERE id = $1", household));
        Assert.Equal(GridA, await api.Population.ScalarAsync<string>("SELECT grid_code FROM person WHERE id = $1", person));
        Assert.Equal(409, (await Send(gm, HttpMethod.Post, $"/api/register/moves/{request}/accept", new { toHouseId = targetHouse, reason = "再次接收" })).Status);
        var after = await FreshnessAsync(gm, GridA);
        Assert.Equal((freshA.Households + 1, freshA.Fresh + 1), after);
        Assert.True(targetHousehold > 0);

        // A refused request changes nothing but its own status.
        var (other, otherPerson, _) = await NewHouseholdAsync(gm2, "B");
        var (_, second) = await Send(gm2, HttpMethod.Post, $"/api/register/households/{other}/moves",
            new { toGrid = GridA, rowVersion = await VersionOfHousehold(other), reason = "迁往 006" });
        var secondId = second.GetProperty("moveRequestId").GetInt64();
        var (refused, _) = await Send(gm, HttpMethod.Post, $"/api/register/moves/{secondId}/refuse", new { reason = "查无此人来本网格居住" });
        Assert.Equal(200, refused);
        Assert.Equal(GridB, await api.Population.ScalarAsync<string>("SELECT grid_code FROM person WHERE id = $1", otherPerson));
        Assert.Equal("refused", await api.Population.ScalarAsync<string>("SELECT status FROM move_request WHERE id = $1", secondId));
    }

    [Fact]
    public async Task After_a_death_no_later_change_of_the_person_applies_and_the_department_hears_of_it()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var (household, person, _) = await NewHouseholdAsync(gm, "A");
        // The person is on the civil-affairs list (低保), as the department's import would have put them.
        await ListAsync(person, "low_income", "civil-affairs");
        var version = await api.Population.ScalarAsync<int>("SELECT row_version FROM person WHERE id = $1", person);
        var (status, died) = await Send(gm, HttpMethod.Post, $"/api/register/people/{person}/death",
            new { deathDate = Today.ToString("yyyy-MM-dd"), rowVersion = version, reason = "家属报告病故" });
        Assert.True(status == 200, died.ToString());
        var item = died.GetProperty("reconciliationIds")[0].GetInt64();
        Assert.NotNull(await api.Population.ScalarAsync<string>("SELECT dissolved_on::text FROM household WHERE id = $1", household));

        var current = await api.Population.ScalarAsync<int>("SELECT row_version FROM person WHERE id = $1", person);
        var (update, refused) = await Send(gm, HttpMethod.Patch, $"/api/register/people/{person}", new { phone = "13912345678", rowVersion = current, reason = "更新电话" });
        Assert.Equal(409, update);
        Assert.Contains("deceased", refused.GetProperty("detail").GetString());
        Assert.Equal(409, (await Send(gm, HttpMethod.Post, $"/api/register/people/{person}/death",
            new { deathDate = Today.ToString("yyyy-MM-dd"), rowVersion = current, reason = "重复登记" })).Status);

        // The item reaches civil affairs and the township, not the grid manager or another department; resolving it closes it.
        // Civil affairs is told in its inbox (and by text message); health is not.
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM inbox_item i JOIN sms_outbox s ON s.inbox_item_id = i.id WHERE i.username = 'civil' AND i.kind = 'reconciliation' AND i.created_at >= now() - interval '5 minutes' AND i.text LIKE '待核对：%'"));
        Assert.Equal(0L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM inbox_item WHERE username = 'health' AND kind = 'reconciliation'"));
        Assert.Contains(item, await ItemIdsAsync("civil"));
        Assert.Contains(item, await ItemIdsAsync("township"));
        Assert.DoesNotContain(item, await ItemIdsAsync("health"));
        Assert.Equal(403, (await Send(gm, HttpMethod.Get, "/api/register/reconciliation")).Status);
        var (resolved, body) = await Send(await api.ClientAsAsync("civil"), HttpMethod.Post, $"/api/register/reconciliation/{item}/resolve",
            new { resolution = "已停发低保并注销记录" });
        Assert.True(resolved == 200, body.ToString());
        Assert.DoesNotContain(item, await ItemIdsAsync("civil"));

        // Village staff may revoke a death recorded by mistake, with a reason; history keeps both.
        var (corrected, correction) = await Send(await api.ClientAsAsync("village"), HttpMethod.Post, $"/api/register/people/{person}/corrections",
            new { revokeDeath = true, corrects = died.GetProperty("changeIds")[0].GetInt64(), rowVersion = current, reason = "误报死亡，经核实仍健在" });
        Assert.True(corrected == 200, correction.ToString());
        var (_, history) = await Send(await api.ClientAsAsync("village"), HttpMethod.Get, $"/api/register/history?subject=person:{person}");
        Assert.Equal(["death", "correct_person"], history.EnumerateArray().Select(c => c.GetProperty("kind").GetString()));
        Assert.Equal(died.GetProperty("changeIds")[0].GetInt64(), history[1].GetProperty("corrects").GetInt64());
    }

    private async Task<List<long>> ItemIdsAsync(string account)
    {
        var (status, items) = await Send(await api.ClientAsAsync(account), HttpMethod.Get, "/api/register/reconciliation");
        Assert.Equal(200, status);
        return items.EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
    }

    [Fact]
    public async Task A_special_group_member_moving_out_of_the_county_raises_an_item_for_the_department()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var (household, person, _) = await NewHouseholdAsync(gm, "A");
        await ListAsync(person, "community_correction", "justice");
        var gridD = api.Population.Buildings["D"][..15];
        Assert.NotEqual("140428", gridD[..6]);
        await new AccountStore(api.Population.DataSource).CreateAsync(new NewAccount("gm-other-county", "网格员 外县", DemoAccounts.Password,
            Domain.Access.Role.GridManager, Domain.Codes.AdminCode.Parse(gridD)));
        var gmD = await api.ClientAsAsync("gm-other-county");
        var (status, pending) = await Send(gm, HttpMethod.Post, $"/api/register/households/{household}/moves",
            new { toGrid = gridD, rowVersion = await VersionOfHousehold(household), reason = "迁往外县务工" });
        Assert.Equal(202, status);
        var houseD = await api.Population.ScalarAsync<long>(
            "SELECT h.id FROM house h JOIN building b ON b.id = h.building_id WHERE b.code = $1", api.Population.Buildings["D"]);
        var request = pending.GetProperty("moveRequestId").GetInt64();
        Assert.Equal(403, (await Send(await api.ClientAsAsync("city"), HttpMethod.Post, $"/api/register/moves/{request}/accept",
            new { toHouseId = houseD, reason = "市级代接收" })).Status);
        var (accepted, done) = await Send(gmD, HttpMethod.Post, $"/api/register/moves/{request}/accept", new { toHouseId = houseD, reason = "迁入登记" });
        Assert.True(accepted == 200, done.ToString());
        Assert.Equal(gridD, await api.Population.ScalarAsync<string>("SELECT grid_code FROM person WHERE id = $1", person));
        var item = Assert.Single(done.GetProperty("reconciliationIds").EnumerateArray()).GetInt64();
        Assert.Contains(item, await ItemIdsAsync("justice"));
        Assert.Contains(item, await ItemIdsAsync("township"));
        Assert.DoesNotContain(item, await ItemIdsAsync("civil"));
        // The person now lives outside 长子县: its grid manager no longer reaches them.
        Assert.Equal(404, (await Send(gm, HttpMethod.Get, $"/api/people/{person}")).Status);
    }

    [Fact]
    public async Task A_death_the_health_list_reports_raises_items_and_so_does_moving_that_person()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var (household, person, _) = await NewHouseholdAsync(gm, "A");
        var (target, _, _) = await NewHouseholdAsync(gm, "A");
        var id = await api.Population.ScalarAsync<string>("SELECT id_number FROM person WHERE id = $1", person);
        var name = await api.Population.ScalarAsync<string>("SELECT name FROM person WHERE id = $1", person);
        var died = Today.AddDays(-20).ToString("yyyy-MM-dd");
        var health = await api.ClientAsAsync("health");
        using var content = new StringContent($"身份证号,姓名,类别,风险等级,登记日期,备注\n{id},{name},死亡登记,,{died},医院死亡证明\n", System.Text.Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        using (var response = await health.PostAsync("/api/imports/health?fileName=deaths.csv", content))
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        // The list does not change the register: the person still lives there, and an item asks the township to check.
        Assert.Equal("resident", await api.Population.ScalarAsync<string>("SELECT status FROM person WHERE id = $1", person));
        var (_, items) = await Send(health, HttpMethod.Get, "/api/register/reconciliation");
        var reported = items.EnumerateArray().Single(i => i.GetProperty("personId").GetInt64() == person);
        Assert.Equal("reported_deceased_resident", reported.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Number, reported.GetProperty("importId").ValueKind);
        Assert.Contains(reported.GetProperty("id").GetInt64(), await ItemIdsAsync("township"));

        // The grid manager moves that person into another household: the change is kept, and another item goes out.
        var (status, moved) = await Send(gm, HttpMethod.Post, $"/api/register/households/{household}/moves",
            new { toHouseholdId = target, relation = "other", rowVersion = await VersionOfHousehold(household), reason = "投靠亲属" });
        Assert.True(status == 200, moved.ToString());
        Assert.Equal(target, await api.Population.ScalarAsync<long>(
            "SELECT household_id FROM household_member WHERE person_id = $1 AND moved_out IS NULL", person));
        var item = Assert.Single(moved.GetProperty("reconciliationIds").EnumerateArray()).GetInt64();
        var (_, after) = await Send(health, HttpMethod.Get, "/api/register/reconciliation");
        Assert.Equal("reported_deceased_moved", after.EnumerateArray().Single(i => i.GetProperty("id").GetInt64() == item).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_changes_nothing()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var (household, person, house) = await NewHouseholdAsync(gm, "A");
        var version = await VersionOfHousehold(household);
        var changes = await api.Population.ScalarAsync<long>("SELECT count(*) FROM register_change");
        var tomorrow = Today.AddDays(1).ToString("yyyy-MM-dd");
        var badId = new { idNumber = "140428196001010011", name = "错号", sex = "M", birthDate = "1960-01-01" };
        var existingHead = await api.Population.ScalarAsync<string>("SELECT id_number FROM person WHERE id = $1", api.Population.People["A-head"]);
        var cases = new (string Name, HttpMethod Method, string Path, object Body, int Status, string Field)[]
        {
            ("bad ID number", HttpMethod.Post, $"/api/register/households/{household}/members", new { person = badId, relation = "other", rowVersion = version, reason = "登记" }, 400, "idNumber"),
            ("future birth", HttpMethod.Post, $"/api/register/households/{household}/births",
                new { person = new { idNumber = "140428209901010011", name = "未来", sex = "M", birthDate = tomorrow }, rowVersion = version, reason = "登记" }, 400, "birthDate"),
            ("already in a household", HttpMethod.Post, $"/api/register/households/{household}/members",
                new { person = new { idNumber = existingHead, name = "重复", birthDate = (string?)null }, relation = "other", rowVersion = version, reason = "登记" }, 409, "idNumber"),
            ("unknown house", HttpMethod.Post, $"/api/register/households/{household}/moves", new { toHouseId = 999_999_999L, rowVersion = version, reason = "迁移" }, 400, "toHouseId"),
            ("house of another grid", HttpMethod.Post, $"/api/register/households/{household}/moves",
                new { toHouseId = await api.Population.ScalarAsync<long>("SELECT h.id FROM house h JOIN building b ON b.id = h.building_id WHERE b.code = $1", api.Population.Buildings["B"]),
                      rowVersion = version, reason = "迁移" }, 400, "toHouseId"),
            ("unknown grid", HttpMethod.Post, $"/api/register/households/{household}/moves", new { toGrid = "140428203211999", rowVersion = version, reason = "迁移" }, 400, "toGrid"),
            ("no reason", HttpMethod.Post, $"/api/register/households/{household}/verifications", new { rowVersion = version, lon = 0.0, lat = (double?)null }, 400, "position"),
            ("missing reason", HttpMethod.Post, $"/api/register/households/{household}/moves", new { away = true, rowVersion = version }, 400, "reason"),
            ("stale version", HttpMethod.Post, $"/api/register/households/{household}/moves", new { away = true, rowVersion = version - 1, reason = "迁出" }, 409, "rowVersion"),
            ("no version", HttpMethod.Post, $"/api/register/households/{household}/moves", new { away = true, reason = "迁出" }, 400, "rowVersion"),
            ("building outside the grid", HttpMethod.Post, "/api/register/buildings",
                new { grid = GridA, lon = 112.5, lat = 37.8, road = "测试路", houseNumber = "1", reason = "新建" }, 400, "footprint"),
            ("invalid footprint", HttpMethod.Post, "/api/register/buildings",
                new { grid = GridA, footprint = new { type = "Polygon", coordinates = new[] { new[] { new[] { 112.0, 36.0 }, new[] { 112.001, 36.001 }, new[] { 112.001, 36.0 }, new[] { 112.0, 36.001 }, new[] { 112.0, 36.0 } } } },
                      road = "测试路", houseNumber = "1", reason = "新建" }, 400, "footprint"),
            ("hostile room", HttpMethod.Post, $"/api/register/buildings/{api.Population.Buildings["A"]}/houses",
                new { houses = new[] { new { unit = 1, room = "<script>\u0000" } }, reason = "新增" }, 400, "houses"),
            ("death before birth", HttpMethod.Post, $"/api/register/people/{person}/death", new { deathDate = "1900-01-01", rowVersion = 1, reason = "死亡" }, 400, "deathDate"),
        };
        foreach (var (name, method, path, body, status, field) in cases)
        {
            var (got, problem) = await Send(gm, method, path, body);
            Assert.True(got == status, $"{name}: expected {status}, got {got}: {problem}");
            Assert.True(problem.TryGetProperty("field", out var named) && named.GetString() == field, $"{name}: field {field} expected in {problem}");
        }
        Assert.Equal(version, await VersionOfHousehold(household));
        Assert.Equal(changes, await api.Population.ScalarAsync<long>("SELECT count(*) FROM register_change"));
        Assert.True(house > 0);
    }

    [Fact]
    public async Task A_building_added_by_point_gets_the_next_code_its_houses_and_a_versioned_use()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var (lon, lat) = await LabelPointAsync(GridA);
        var expectedSeq = await api.Population.ScalarAsync<int>("SELECT coalesce(max(seq), 0) + 1 FROM building WHERE grid_code = $1", GridA);
        var (status, added) = await Send(gm, HttpMethod.Post, "/api/register/buildings", new
        {
            grid = GridA, lon, lat, road = "新建巷", houseNumber = "8", use = "residential", floors = 2,
            houses = new[] { new { unit = 1, room = "101", areaM2 = 80f }, new { unit = 1, room = "201", areaM2 = 80f } },
            reason = "新建住宅登记", idempotencyKey = "add-building-test-1",
        });
        Assert.True(status == 200, added.ToString());
        var code = added.GetProperty("buildingCode").GetString()!;
        Assert.Equal(GridA + expectedSeq.ToString("D5"), code);
        var (again, replay) = await Send(gm, HttpMethod.Post, "/api/register/buildings", new
        {
            grid = GridA, lon, lat, road = "新建巷", houseNumber = "8", reason = "新建住宅登记", idempotencyKey = "add-building-test-1",
        });
        Assert.Equal(200, again);
        Assert.Equal(code, replay.GetProperty("buildingCode").GetString());
        Assert.Equal(1, await api.Population.ScalarAsync<long>("SELECT count(*) FROM building WHERE grid_code = $1 AND road = '新建巷'", GridA));

        var (_, card) = await Send(gm, HttpMethod.Get, $"/api/buildings/{code}");
        Assert.Equal(2, card.GetProperty("houses").GetArrayLength());
        Assert.Equal(1, card.GetProperty("rowVersion").GetInt32());
        Assert.Equal(200, (await Send(gm, HttpMethod.Patch, $"/api/register/buildings/{code}", new { use = "mixed", rowVersion = 1, reason = "一层改为商铺" })).Status);
        Assert.Equal(409, (await Send(gm, HttpMethod.Patch, $"/api/register/buildings/{code}", new { floors = 3, rowVersion = 1, reason = "加层" })).Status);
        var house = card.GetProperty("houses")[1];
        Assert.Equal(200, (await Send(gm, HttpMethod.Post, $"/api/register/houses/{house.GetProperty("id").GetInt64()}/vacancy",
            new { vacant = true, rowVersion = house.GetProperty("rowVersion").GetInt32(), reason = "无人居住" })).Status);
    }

    private async Task<(double Lon, double Lat)> LabelPointAsync(string grid) =>
        (await api.Population.ScalarAsync<double>("SELECT ST_X(label_point) FROM grid WHERE code = $1", grid),
         await api.Population.ScalarAsync<double>("SELECT ST_Y(label_point) FROM grid WHERE code = $1", grid));

    [Fact]
    public async Task Verification_on_the_spot_makes_a_household_fresh_and_every_level_shows_the_same_sums()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var household = await FixtureHouseholdAsync("A");
        var levels = new[] { GridA, GridA[..12], GridA[..9], GridA[..6] };
        var (_, stale) = await Send(gm, HttpMethod.Get, "/api/register/stale-households");
        var wasStale = stale.EnumerateArray().Any(h => h.GetProperty("householdId").GetInt64() == household);
        var county = await api.ClientAsAsync("county");
        var before = new List<(int, int)>();
        foreach (var code in levels)
            before.Add(await FreshnessAsync(county, code));

        var (lon, lat) = await api.Population.ScalarAsync<string>(
            "SELECT ST_X(ST_Centroid(geom)) || ',' || ST_Y(ST_Centroid(geom)) FROM building WHERE code = $1", api.Population.Buildings["A"]) is { } point
            ? (double.Parse(point.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(point.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture))
            : default;
        var version = await VersionOfHousehold(household);
        var (far, farProblem) = await Send(gm, HttpMethod.Post, $"/api/register/households/{household}/verifications",
            new { rowVersion = version, lon = lon + 0.01, lat });
        Assert.Equal(400, far);
        Assert.Equal("reason", farProblem.GetProperty("field").GetString());
        var (status, verified) = await Send(gm, HttpMethod.Post, $"/api/register/households/{household}/verifications", new { rowVersion = version, lon, lat });
        Assert.True(status == 200, verified.ToString());

        var gain = wasStale ? 1 : 0;
        for (var i = 0; i < levels.Length; i++)
        {
            var after = await FreshnessAsync(county, levels[i]);
            Assert.Equal((before[i].Item1, before[i].Item2 + gain), after);
        }
        // Every level is the sum of its children.
        foreach (var code in levels.Skip(1))
        {
            var (_, view) = await Send(county, HttpMethod.Get, $"/api/register/freshness/{code}");
            Assert.Equal(view.GetProperty("fresh").GetInt32(), view.GetProperty("children").EnumerateArray().Sum(c => c.GetProperty("fresh").GetInt32()));
            Assert.Equal(view.GetProperty("households").GetInt32(), view.GetProperty("children").EnumerateArray().Sum(c => c.GetProperty("households").GetInt32()));
        }
        var (_, staleAfter) = await Send(gm, HttpMethod.Get, "/api/register/stale-households");
        Assert.DoesNotContain(staleAfter.EnumerateArray(), h => h.GetProperty("householdId").GetInt64() == household);
        Assert.Equal(404, (await Send(gm, HttpMethod.Get, $"/api/register/freshness/{GridB}")).Status);
    }

    [Fact]
    public async Task The_audit_chain_holds_every_change_with_its_reason()
    {
        var gm = await api.ClientAsAsync("gridmanager");
        var (household, _, _) = await NewHouseholdAsync(gm, "A");
        var (status, birth) = await Send(gm, HttpMethod.Post, $"/api/register/households/{household}/births",
            new { person = NewPerson(Today.AddDays(-2)), rowVersion = await VersionOfHousehold(household), reason = "新生儿随母落户" });
        Assert.True(status == 200, birth.ToString());
        var personId = birth.GetProperty("personId").GetInt64();
        var auditor = await api.ClientAsAsync("auditor");
        var (_, entries) = await Send(auditor, HttpMethod.Get, $"/api/audit?subject=person:{personId}");
        var entry = Assert.Single(entries.GetProperty("entries").EnumerateArray());
        Assert.Equal("register_birth", entry.GetProperty("action").GetString());
        Assert.Equal("新生儿随母落户", entry.GetProperty("purpose").GetString());
        Assert.Equal("gridmanager", entry.GetProperty("actor").GetString());
        var changes = await api.Population.ScalarAsync<long>("SELECT count(*) FROM register_change");
        var audited = await api.Population.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action LIKE 'register\\_%' AND action <> 'register_reconcile'");
        Assert.Equal(changes, audited);
        var (_, verify) = await Send(auditor, HttpMethod.Get, "/api/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
    }

    [Fact]
    public async Task With_one_change_at_a_time_refusals_and_collisions_give_up_their_turn_and_concurrent_changes_all_commit()
    {
        await using var gated = new HostFactory<GeoApiHost>(api.Population.ConnectionString,
            new Dictionary<string, string?> { ["Register:ConcurrentWrites"] = "1" });
        var gm = gated.CreateClient();
        using (var signIn = await gm.PostAsJsonAsync("/api/auth/token", new { username = "gridmanager", password = DemoAccounts.Password }))
            gm.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        var building = api.Population.Buildings["A"];
        var room = $"G{Interlocked.Increment(ref nextPerson)}";
        object Houses(string r) => new { houses = new[] { new { unit = 9, room = r } }, reason = "新建住房登记" };

        var (first, firstBody) = await Send(gm, HttpMethod.Post, $"/api/register/buildings/{building}/houses", Houses(room));
        Assert.True(first == 200, firstBody.ToString());
        // The same unit and room again: the unique index refuses it inside the change's transaction.
        var (again, againBody) = await Send(gm, HttpMethod.Post, $"/api/register/buildings/{building}/houses", Houses(room));
        Assert.Equal(409, again);
        Assert.Equal("house_building_id_unit_no_room_key", againBody.GetProperty("constraint").GetString());
        // An old row version: refused by the change itself.
        var (household, _, _) = await NewHouseholdAsync(gm, "A");
        var (stale, _) = await Send(gm, HttpMethod.Post, $"/api/register/households/{household}/verifications",
            new { rowVersion = 0, reason = "电话核实" });
        Assert.Equal(409, stale);

        var before = await api.Population.ScalarAsync<long>("SELECT count(*) FROM register_change");
        var concurrent = await Task.WhenAll(Enumerable.Range(1, 6)
            .Select(i => Send(gm, HttpMethod.Post, $"/api/register/buildings/{building}/houses", Houses($"{room}-{i}"))))
            .WaitAsync(TimeSpan.FromMinutes(1));
        Assert.All(concurrent, r => Assert.True(r.Status == 200, r.Body.ToString()));
        Assert.Equal(before + 6, await api.Population.ScalarAsync<long>("SELECT count(*) FROM register_change"));
        var (_, verify) = await Send(await api.ClientAsAsync("auditor"), HttpMethod.Get, "/api/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
    }
}
