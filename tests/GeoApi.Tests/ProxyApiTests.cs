using System.Text.Json;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Store.Accounts;
using GridMap.Store.Proxy;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// Proxy services through the API (issue 18, item 2): the county catalogue loaded from the sourced file, a resident's
/// 低保 request through the grid manager to the township's civil-affairs desk and closed within its time limit, the
/// public tracker, catalogue versions edited by the county's admin, and bad input that changes nothing.
/// </summary>
public sealed class ProxyApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private const string County = "140428";

    private async Task<JsonElement> SendAsync(string user, HttpMethod method, string path, object? body = null, int expect = 200)
    {
        var (status, answer) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), method, path, body);
        Assert.True(status == expect, $"{user} {method} {path}: {status} {answer}");
        return answer;
    }

    /// <summary>The repository's catalogue file as the county's catalogue (once per fixture), and an account for the named role.</summary>
    private async Task<JsonElement> CatalogueAsync(string county = County)
    {
        await Testing.CatalogueFile.PublishAsync(api.Population.DataSource, county);
        var (_, catalogue) = await PopulationApiFixture.SendAsync(api.Factory.CreateClient(), HttpMethod.Get, $"/api/catalogue/{county}");
        return catalogue;
    }

    private async Task AccountAsync(string username, Role role, string scope, string? department = null)
    {
        var accounts = new AccountStore(api.Population.DataSource);
        if (!(await accounts.ListAsync()).Any(a => a.Username == username))
            await accounts.CreateAsync(new NewAccount(username, username, DemoAccounts.Password, role, AdminCode.Parse(scope), Department: department));
    }

    private static JsonElement Service(JsonElement catalogue, string level, string name) =>
        catalogue.GetProperty("services").EnumerateArray().First(s => s.GetProperty("level").GetString() == level && s.GetProperty("name").GetString() == name);

    [Fact]
    public async Task The_catalogue_is_the_sourced_file_with_every_row_cited()
    {
        var catalogue = await CatalogueAsync();
        var services = catalogue.GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(121, services.Count);
        // Every row names its source; all but the two rows of a Shanxi guide the search tool gave without an address carry the address.
        Assert.All(services, s => Assert.True(s.GetProperty("source").GetString()!.Length >= 10));
        Assert.True(services.Count(s => s.GetProperty("source").GetString()!.Contains("http", StringComparison.Ordinal)) >= services.Count - 2);
        Assert.DoesNotContain(services, s => s.GetProperty("name").GetString()!.Contains("示例", StringComparison.Ordinal));
        var township = services.Where(s => s.GetProperty("level").GetString() == "township").ToList();
        var village = services.Where(s => s.GetProperty("level").GetString() == "village").ToList();
        // The article's shape: 78 services of 26 departments at township level, 43 of 16 at village level.
        Assert.Equal((78, 26), (township.Count, township.Select(s => s.GetProperty("department").GetString()).Distinct().Count()));
        Assert.Equal((43, 16), (village.Count, village.Select(s => s.GetProperty("department").GetString()).Distinct().Count()));
        var lowIncome = Service(catalogue, "township", "城乡居民最低生活保障申请");
        Assert.Equal((30, "county"), (lowIncome.GetProperty("timeLimitDays").GetInt32(), lowIncome.GetProperty("competentLevel").GetString()));
        Assert.Contains("户口本", lowIncome.GetProperty("documents").EnumerateArray().Select(d => d.GetString()));
        var (status, _) = await PopulationApiFixture.SendAsync(api.Factory.CreateClient(), HttpMethod.Get, "/api/catalogue/999999");
        Assert.Equal(404, status);
        (status, var bad) = await PopulationApiFixture.SendAsync(api.Factory.CreateClient(), HttpMethod.Get, "/api/catalogue/14<script>");
        Assert.Equal((400, "county"), (status, bad.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task A_low_income_request_through_the_grid_manager_reaches_the_township_civil_affairs_desk_and_closes_within_its_time_limit()
    {
        var catalogue = await CatalogueAsync();
        await AccountAsync("towncivil", Role.DepartmentOfficer, "140428203", "civil-affairs");
        var lowIncome = Service(catalogue, "township", "城乡居民最低生活保障申请");
        var documents = lowIncome.GetProperty("documents").EnumerateArray().Select(d => d.GetString()!).ToList();
        var resident = await api.Population.ScalarAsync<long>("SELECT min(id) FROM person WHERE grid_code = $1", DemoAccounts.GridManagerGrid);
        var request = await SendAsync("gridmanager", HttpMethod.Post, "/api/proxy", new
        {
            grid = DemoAccounts.GridManagerGrid, serviceKey = lowIncome.GetProperty("key").GetInt32(), personId = resident,
            documents = documents.Skip(1), note = "老人行动不便，网格员上门代办", idempotencyKey = "proxy-low-income-" + Guid.NewGuid().ToString("N")[..8],
        }, 201);
        var id = request.GetProperty("id").GetInt64();
        Assert.Matches("^DB-[0-9A-Z]{4}-[0-9A-Z]{4}$", request.GetProperty("trackingNo").GetString());
        Assert.Equal(("received", "grid"), (request.GetProperty("state").GetString(), request.GetProperty("level").GetString()));
        Assert.Contains("*", request.GetProperty("resident").GetString());
        // One document still missing: the hand-over is refused and nothing changes.
        var (status, problem) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("gridmanager"), HttpMethod.Post, $"/api/proxy/{id}/actions/handOver", new { });
        Assert.Equal((400, "documents"), (status, problem.GetProperty("field").GetString()));
        var handed = await SendAsync("gridmanager", HttpMethod.Post, $"/api/proxy/{id}/actions/handOver", new { documents = documents.Take(1), version = 1 });
        Assert.Equal(("handed", "township", "140428203"), (handed.GetProperty("state").GetString(), handed.GetProperty("level").GetString(), handed.GetProperty("unit").GetString()));
        var due = handed.GetProperty("due").GetDateTimeOffset();
        Assert.True(due > DateTimeOffset.UtcNow.AddDays(30), "30 working days are more than 30 calendar days");

        // The township's civil-affairs desk hears of it, sees it, accepts it and forwards it to the county for approval.
        var inbox = await SendAsync("towncivil", HttpMethod.Get, "/api/inbox");
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), i => i.GetProperty("kind").GetString() == "proxy"
            && i.GetProperty("text").GetString()!.Contains(request.GetProperty("trackingNo").GetString()!, StringComparison.Ordinal));
        var list = await SendAsync("towncivil", HttpMethod.Get, "/api/proxy");
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        Assert.DoesNotContain((await SendAsync("health", HttpMethod.Get, "/api/proxy?area=140428")).EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        Assert.Empty((await SendAsync("planner", HttpMethod.Get, "/api/proxy?area=140428")).EnumerateArray());
        await SendAsync("admin", HttpMethod.Get, $"/api/proxy/{id}", expect: 404);
        await SendAsync("gridmanager2", HttpMethod.Post, $"/api/proxy/{id}/actions/complete", new { result = "越权办结" }, 404);
        await SendAsync("towncivil", HttpMethod.Post, $"/api/proxy/{id}/actions/complete", new { result = "乡镇越级办结" }, 409);
        var forwarded = await SendAsync("towncivil", HttpMethod.Post, $"/api/proxy/{id}/actions/forward", new { note = "入户调查、民主评议完成，初审同意，报县民政局审批" });
        Assert.Equal(("county", due), (forwarded.GetProperty("level").GetString(), forwarded.GetProperty("due").GetDateTimeOffset()));
        var done = await SendAsync("civil", HttpMethod.Post, $"/api/proxy/{id}/actions/complete", new { result = "审批通过，自下月起按月发放低保金" });
        Assert.Equal(("done", true), (done.GetProperty("state").GetString(), done.GetProperty("onTime").GetBoolean()));
        Assert.Equal(["Take", "HandOver", "Forward", "Complete"], done.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));
        var told = await SendAsync("gridmanager", HttpMethod.Get, "/api/inbox");
        Assert.Contains(told.GetProperty("items").EnumerateArray(), i => i.GetProperty("kind").GetString() == "proxy" && i.GetProperty("text").GetString()!.Contains("已办结", StringComparison.Ordinal));

        // The resident follows it by number: the result, no names.
        var (trackStatus, track) = await PopulationApiFixture.SendAsync(api.Factory.CreateClient(), HttpMethod.Get, $"/api/track/services/{request.GetProperty("trackingNo").GetString()!.ToLowerInvariant()}");
        Assert.Equal(200, trackStatus);
        Assert.Equal(("done", "审批通过，自下月起按月发放低保金", "140428203211"),
            (track.GetProperty("state").GetString(), track.GetProperty("result").GetString(), track.GetProperty("village").GetString()));
        var name = await api.Population.ScalarAsync<string>("SELECT name FROM person WHERE id = $1", resident);
        Assert.DoesNotContain(name, track.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("towncivil", track.GetRawText(), StringComparison.Ordinal);
        (trackStatus, _) = await PopulationApiFixture.SendAsync(api.Factory.CreateClient(), HttpMethod.Get, "/api/track/services/DB-0000-0000");
        Assert.Equal(404, trackStatus);
        (trackStatus, _) = await PopulationApiFixture.SendAsync(api.Factory.CreateClient(), HttpMethod.Get, "/api/track/services/GM-7K2P-Q9XD");
        Assert.Equal(400, trackStatus);
    }

    [Fact]
    public async Task Bad_requests_name_the_field_and_write_nothing()
    {
        var catalogue = await CatalogueAsync();
        var service = Service(catalogue, "village", catalogue.GetProperty("services").EnumerateArray()
            .First(s => s.GetProperty("level").GetString() == "village").GetProperty("name").GetString()!);
        var key = service.GetProperty("key").GetInt32();
        var before = await api.Population.ScalarAsync<long>("SELECT count(*) FROM proxy_request");
        async Task Refused(string user, object body, int status, string? field)
        {
            var (got, problem) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), HttpMethod.Post, "/api/proxy", body);
            Assert.True(got == status, $"{JsonSerializer.Serialize(body)}: {got} {problem}");
            if (field is not null)
                Assert.Equal(field, problem.GetProperty("field").GetString());
        }
        await Refused("gridmanager", new { grid = DemoAccounts.GridManagerGrid, serviceKey = 987654, resident = "张三" }, 400, "serviceKey");
        await Refused("gridmanager", new { grid = DemoAccounts.GridManagerGrid, serviceKey = key, catalogueVersion = 999, resident = "张三" }, 400, "catalogueVersion");
        await Refused("gridmanager", new { grid = "1404282032110", serviceKey = key, resident = "张三" }, 400, "grid");
        await Refused("gridmanager", new { grid = DemoAccounts.GridManagerGrid, resident = "张三" }, 400, "serviceKey");
        await Refused("gridmanager", new { grid = DemoAccounts.GridManagerGrid, serviceKey = key }, 400, "resident");
        await Refused("gridmanager", new { grid = DemoAccounts.GridManagerGrid, serviceKey = key, resident = "张三", documents = new[] { "<script>alert(1)</script>" } }, 400, "documents");
        var outsider = await api.Population.ScalarAsync<long>("SELECT min(id) FROM person WHERE grid_code <> $1", DemoAccounts.GridManagerGrid);
        await Refused("gridmanager", new { grid = DemoAccounts.GridManagerGrid, serviceKey = key, personId = outsider }, 400, "personId");
        await Refused("gridmanager", new { grid = DemoAccounts.NeighbourGrid, serviceKey = key, resident = "张三" }, 403, null);
        await Refused("township", new { grid = DemoAccounts.GridManagerGrid, serviceKey = key, resident = "张三" }, 403, null);
        Assert.Equal(before, await api.Population.ScalarAsync<long>("SELECT count(*) FROM proxy_request"));

        // A retried request (same idempotency key) finds the first one instead of making a second.
        var body = new { grid = DemoAccounts.GridManagerGrid, serviceKey = key, resident = "李四", idempotencyKey = "proxy-retry-" + Guid.NewGuid().ToString("N")[..8] };
        var first = await SendAsync("gridmanager", HttpMethod.Post, "/api/proxy", body, 201);
        var again = await SendAsync("gridmanager", HttpMethod.Post, "/api/proxy", body, 200);
        Assert.Equal(first.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());
        Assert.Equal(before + 1, await api.Population.ScalarAsync<long>("SELECT count(*) FROM proxy_request"));
        // A stale version is a conflict and changes nothing.
        await SendAsync("gridmanager", HttpMethod.Post, $"/api/proxy/{first.GetProperty("id").GetInt64()}/actions/withdraw", new { note = "本人撤回", version = 7 }, 409);
        await SendAsync("gridmanager", HttpMethod.Post, $"/api/proxy/{first.GetProperty("id").GetInt64()}/actions/fly", new { }, 404);
    }

    [Fact]
    public async Task The_county_admin_edits_the_catalogue_in_versions_and_a_request_keeps_the_version_it_started_under()
    {
        const string county = "140105";
        var catalogue = await CatalogueAsync(county);
        await AccountAsync("admin140105", Role.Admin, county);
        await AccountAsync("admin140428", Role.Admin, County);
        var version = catalogue.GetProperty("version").GetInt32();
        var service = new
        {
            expectedVersion = version, level = "village", department = "civil-affairs", name = "高龄津贴申领（测试 " + Guid.NewGuid().ToString("N")[..6] + "）",
            kind = "accept", competentLevel = "county", timeLimitDays = 15, documents = new[] { "身份证", "户口本" },
            source = "高龄津贴申领程序是什么? — https://www.qf.gov.cn/qfqrmzf/cjwtwd/pc/content/content_1919967984939749376.html",
            note = (string?)null,
        };
        await SendAsync("admin140428", HttpMethod.Post, $"/api/catalogue/{county}/services", service, 403);
        await SendAsync("county", HttpMethod.Post, $"/api/catalogue/{county}/services", service, 403);
        var (status, problem) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("admin140105"), HttpMethod.Post, $"/api/catalogue/{county}/services",
            service with { source = " " });
        Assert.Equal((400, "source"), (status, problem.GetProperty("field").GetString()));
        (status, problem) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("admin140105"), HttpMethod.Post, $"/api/catalogue/{county}/services",
            service with { level = "county" });
        Assert.Equal((400, "level"), (status, problem.GetProperty("field").GetString()));
        Assert.Equal(version, (await CatalogueAsync(county)).GetProperty("version").GetInt32());

        var added = await SendAsync("admin140105", HttpMethod.Post, $"/api/catalogue/{county}/services", service, 201);
        Assert.Equal(version + 1, added.GetProperty("version").GetInt32());
        var key = Service(added, "village", service.name).GetProperty("key").GetInt32();
        // A second edit on the old version is stale.
        await SendAsync("admin140105", HttpMethod.Post, $"/api/catalogue/{county}/services", service with { name = service.name + "二" }, 409);
        var changed = await SendAsync("admin140105", HttpMethod.Put, $"/api/catalogue/{county}/services/{key}",
            service with { expectedVersion = version + 1, timeLimitDays = 10, note = "承诺时限缩短" }, 201);
        Assert.Equal((version + 2, 10), (changed.GetProperty("version").GetInt32(), Service(changed, "village", service.name).GetProperty("timeLimitDays").GetInt32()));
        var history = await SendAsync("admin140105", HttpMethod.Get, $"/api/catalogue/{county}/versions");
        Assert.Equal(version + 2, history[0].GetProperty("version").GetInt32());
        Assert.Contains("承诺时限缩短", history[0].GetProperty("note").GetString());
        Assert.NotEqual(JsonValueKind.Null, history[1].GetProperty("retiredAt").ValueKind);
        Assert.Equal("admin140105", history[0].GetProperty("createdBy").GetString());
        // The public reads the catalogue and its history without staff usernames.
        var (_, publicHistory) = await PopulationApiFixture.SendAsync(api.Factory.CreateClient(), HttpMethod.Get, $"/api/catalogue/{county}/versions");
        Assert.All(publicHistory.EnumerateArray(), v => Assert.Equal("县管理员", v.GetProperty("createdBy").GetString()));
        var old = await SendAsync("admin140105", HttpMethod.Get, $"/api/catalogue/{county}?version={version + 1}");
        Assert.Equal(15, Service(old, "village", service.name).GetProperty("timeLimitDays").GetInt32());

        // 小店区's grid manager takes a request under this version; the admin then retires the service.
        var grid = DemoAccounts.UrbanGrid;
        var request = await SendAsync("gridmanager3", HttpMethod.Post, "/api/proxy",
            new { grid, serviceKey = key, catalogueVersion = version + 2, resident = "王五", documents = new[] { "身份证", "户口本" } }, 201);
        await SendAsync("admin140105", HttpMethod.Delete, $"/api/catalogue/{county}/services/{key}?expectedVersion={version + 1}", null, 409);
        var retired = await SendAsync("admin140105", HttpMethod.Delete, $"/api/catalogue/{county}/services/{key}?expectedVersion={version + 2}", null, 201);
        Assert.DoesNotContain(retired.GetProperty("services").EnumerateArray(), s => s.GetProperty("key").GetInt32() == key);
        // The request keeps its version and its 10 days; a new one for the retired service, or under the retired version, is refused.
        var kept = await SendAsync("gridmanager3", HttpMethod.Get, $"/api/proxy/{request.GetProperty("id").GetInt64()}");
        Assert.Equal((version + 2, 10), (kept.GetProperty("catalogueVersion").GetInt32(), kept.GetProperty("service").GetProperty("timeLimitDays").GetInt32()));
        var handed = await SendAsync("gridmanager3", HttpMethod.Post, $"/api/proxy/{request.GetProperty("id").GetInt64()}/actions/handOver", new { });
        Assert.Equal("village", handed.GetProperty("level").GetString());
        (status, problem) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("gridmanager3"), HttpMethod.Post, "/api/proxy",
            new { grid, serviceKey = key, resident = "王五" });
        Assert.Equal((400, "serviceKey"), (status, problem.GetProperty("field").GetString()));
        var otherKey = Service(retired, "village", retired.GetProperty("services").EnumerateArray().First(s => s.GetProperty("level").GetString() == "village")
            .GetProperty("name").GetString()!).GetProperty("key").GetInt32();
        (status, problem) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("gridmanager3"), HttpMethod.Post, "/api/proxy",
            new { grid, serviceKey = otherKey, catalogueVersion = version + 2, resident = "王五" });
        Assert.Equal((400, "catalogueVersion"), (status, problem.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task A_request_past_its_time_limit_is_announced_once_to_the_desk_and_the_taker()
    {
        var catalogue = await CatalogueAsync();
        await AccountAsync("towncivil", Role.DepartmentOfficer, "140428203", "civil-affairs");
        var service = Service(catalogue, "township", "临时救助");
        var request = await SendAsync("gridmanager", HttpMethod.Post, "/api/proxy", new
        {
            grid = DemoAccounts.GridManagerGrid, serviceKey = service.GetProperty("key").GetInt32(), resident = "赵六",
            documents = service.GetProperty("documents").EnumerateArray().Select(d => d.GetString()),
        }, 201);
        var id = request.GetProperty("id").GetInt64();
        var number = request.GetProperty("trackingNo").GetString()!;
        await SendAsync("gridmanager", HttpMethod.Post, $"/api/proxy/{id}/actions/handOver", new { });
        await api.Population.ScalarAsync<long>("WITH u AS (UPDATE proxy_request SET due = now() - interval '1 hour' WHERE id = $1 RETURNING id) SELECT count(*) FROM u", id);
        Assert.True((await SendAsync("towncivil", HttpMethod.Get, $"/api/proxy/{id}")).GetProperty("overdue").GetBoolean());

        var store = new ProxyStore(api.Population.DataSource, TimeProvider.System);
        await store.AnnounceOverdueAsync();
        await store.AnnounceOverdueAsync();
        foreach (var user in new[] { "towncivil", "gridmanager" })
        {
            var inbox = await SendAsync(user, HttpMethod.Get, "/api/inbox");
            Assert.Single(inbox.GetProperty("items").EnumerateArray(), i => i.GetProperty("text").GetString()!.Contains($"{number}", StringComparison.Ordinal)
                && i.GetProperty("text").GetString()!.Contains("超过办理时限", StringComparison.Ordinal));
        }
        // The township centre is not told: the department has its desk there.
        var centre = await SendAsync("township", HttpMethod.Get, "/api/inbox");
        Assert.DoesNotContain(centre.GetProperty("items").EnumerateArray(), i => i.GetProperty("text").GetString()!.Contains(number, StringComparison.Ordinal));
    }
}
