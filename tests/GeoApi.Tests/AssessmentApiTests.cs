using System.Net;
using System.Text.Json;
using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Store.Accounts;
using GridMap.Store.Kpi;
using MiniExcelLibs;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// Person-level indicators (issue 17, item 4): the grid manager assessment of a village and a township, equal to direct
/// aggregates and to the unit KPIs, exported as CSV and .xlsx with the same figures; a handler's steps, on time, rework
/// and accountability from a played-out event; scoping and bad requests.
/// </summary>
public sealed class AssessmentApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private const string Village = "140428203211";
    private const string Township = "140428203";

    private static readonly DateOnly Today = ChinaTime.DateOf(DateTimeOffset.UtcNow);
    private static readonly string ThisMonth =
        $"from={Today.Year:D4}-{Today.Month:D2}-01&to={Today.Year:D4}-{Today.Month:D2}-{DateTime.DaysInMonth(Today.Year, Today.Month):D2}";

    private async Task<JsonElement> GetAsync(string user, string path, int expect = 200)
    {
        var (status, answer) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), HttpMethod.Get, path);
        Assert.True(status == expect, $"{user} GET {path}: {status} {answer}");
        return answer;
    }

    private async Task<JsonElement> ActAsync(string user, JsonElement card, string action, object? body = null, int expect = 200)
    {
        var (status, answer) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), HttpMethod.Post,
            $"/api/events/{card.GetProperty("id").GetInt64()}/actions/{action}", body ?? new { });
        Assert.True(status == expect, $"{user} {action}: {status} {answer}");
        return answer;
    }

    private async Task<JsonElement> ReportAsync(string description)
    {
        var point = await api.PointInGridAsync(DemoAccounts.GridManagerGrid);
        var (status, card) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("gridmanager"), HttpMethod.Post, "/api/events",
            new { category = "0401", description, lon = point[0], lat = point[1], idempotencyKey = Guid.NewGuid().ToString() });
        Assert.True(status == 201, $"report: {status} {card}");
        return card;
    }

    private static int Int(JsonElement row, string counter) => row.GetProperty("counters").GetProperty(counter).GetInt32();

    [Fact]
    public async Task The_grid_manager_ranking_of_a_village_shows_every_figure_with_its_denominator_equal_to_direct_aggregates_and_the_unit_kpis()
    {
        var accepted = await ReportAsync("网格员上报，考核测试一");
        await ActAsync("township", accepted, "accept");
        await ReportAsync("网格员上报，考核测试二");
        await new KpiStore(api.Population.DataSource).RefreshChangedAsync();

        var report = await GetAsync("county", $"/api/assessment/{Village}/grid-managers?{ThisMonth}");
        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(await api.Population.ScalarAsync<long>("SELECT count(*) FROM grid WHERE village_code = $1", Village), rows.Count);
        var mine = Assert.Single(rows, r => r.GetProperty("grid").GetString() == DemoAccounts.GridManagerGrid);
        Assert.Equal("gridmanager", mine.GetProperty("account").GetString());

        // Reports: made on the grid channel this month, accepted of them; the rate carries both counts.
        var from = ChinaTime.StartOf(new DateOnly(Today.Year, Today.Month, 1)).ToUniversalTime();
        var made = await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM event WHERE channel = 'grid' AND grid_code = $1 AND reported_at >= $2", DemoAccounts.GridManagerGrid, from);
        Assert.True(made >= 2);
        Assert.Equal(made, Int(mine, "reportsMade"));
        var acceptance = mine.GetProperty("rates").GetProperty("reportAcceptance");
        Assert.Equal(made, acceptance.GetProperty("denominator").GetInt32());
        Assert.Equal(await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM event WHERE channel = 'grid' AND grid_code = $1 AND reported_at >= $2 AND accepted_at IS NOT NULL",
            DemoAccounts.GridManagerGrid, from), acceptance.GetProperty("numerator").GetInt32());

        // The register: special-group records and those visited on schedule, households and fresh ones — per grid, as the tables say.
        foreach (var row in rows)
        {
            var grid = row.GetProperty("grid").GetString()!;
            Assert.Equal(await api.Population.ScalarAsync<long>(
                "SELECT count(*) FROM special_group s JOIN person p ON p.id = s.person_id WHERE p.grid_code = $1", grid), Int(row, "visitRecords"));
            Assert.Equal(await api.Population.ScalarAsync<long>(
                "SELECT count(*) FROM special_group s JOIN person p ON p.id = s.person_id WHERE p.grid_code = $1 AND s.next_visit_due >= $2", grid, Today),
                Int(row, "visitsOnSchedule"));
            Assert.Equal(await api.Population.ScalarAsync<long>("SELECT coalesce(sum(households), 0) FROM grid_freshness WHERE grid_code = $1", grid),
                Int(row, "households"));
            Assert.Equal(await api.Population.ScalarAsync<long>("SELECT count(*) FROM building WHERE grid_code = $1", grid), Int(row, "buildings"));
            Assert.Equal(Int(row, "freshHouseholds"), row.GetProperty("rates").GetProperty("freshness").GetProperty("numerator").GetInt32());
        }
        Assert.True(rows.Sum(r => Int(r, "visitRecords")) > 0);

        // Solved in the grid: the very figures of the unit KPIs' grid rows; the totals are the sums of the rows.
        var kpi = await GetAsync("county", $"/api/kpi/{Village}?{ThisMonth}");
        foreach (var child in kpi.GetProperty("children").EnumerateArray())
        {
            var row = Assert.Single(rows, r => r.GetProperty("grid").GetString() == child.GetProperty("code").GetString());
            Assert.Equal(child.GetProperty("counters").GetProperty("closed").GetInt32(), Int(row, "closed"));
            Assert.Equal(child.GetProperty("counters").GetProperty("closedAtGrid").GetInt32(), Int(row, "closedAtGrid"));
        }
        foreach (var counter in new[] { "reportsMade", "visitRecords", "households", "freshHouseholds", "buildings", "closed" })
            Assert.Equal(rows.Sum(r => Int(r, counter)), report.GetProperty("counters").GetProperty(counter).GetInt32());

        // Ranks: competition ranking on the score, best first; in a village the village rank is the rank.
        var scores = rows.Select(r => r.GetProperty("score").GetDecimal()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal(1, rows[0].GetProperty("rank").GetInt32());
        Assert.All(rows, r => Assert.Equal(r.GetProperty("rank").GetInt32(), r.GetProperty("villageRank").GetInt32()));
        Assert.Equal(1.0m, report.GetProperty("weights").EnumerateArray().Sum(w => w.GetProperty("weight").GetDecimal()));
    }

    [Fact]
    public async Task A_township_ranks_its_grids_in_the_township_and_in_each_village_and_sums_its_villages()
    {
        var report = await GetAsync("township", $"/api/assessment/{Township}/grid-managers?{ThisMonth}");
        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(await api.Population.ScalarAsync<long>("SELECT count(*) FROM grid WHERE starts_with(code, $1)", Township), rows.Count);
        var groups = report.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(rows.Select(r => r.GetProperty("village").GetString()).Distinct().Count(), groups.Count);
        foreach (var group in groups)
        {
            var code = group.GetProperty("code").GetString()!;
            var inVillage = rows.Where(r => r.GetProperty("village").GetString() == code).ToList();
            Assert.Equal(inVillage.Count, group.GetProperty("grids").GetInt32());
            Assert.Equal(inVillage.Sum(r => Int(r, "households")), Int(group, "households"));
            Assert.Equal(1, inVillage.Min(r => r.GetProperty("villageRank").GetInt32()));
            Assert.NotEqual(code, group.GetProperty("name").GetString());
        }
        Assert.True(rows.Max(r => r.GetProperty("rank").GetInt32()) > rows.Max(r => r.GetProperty("villageRank").GetInt32()));
    }

    [Fact]
    public async Task The_csv_and_xlsx_exports_carry_the_same_figures_as_the_json()
    {
        var json = await GetAsync("county", $"/api/assessment/{Village}/grid-managers?{ThisMonth}");
        var first = json.GetProperty("rows")[0];
        using var client = await api.ClientAsAsync("county");

        using var csv = await client.GetAsync($"/api/assessment/{Village}/grid-managers?format=csv&{ThisMonth}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("排名,村内排名,网格,网格员,账号,得分,上报事件,受理,受理率%", lines[0]);
        Assert.Equal(json.GetProperty("rows").GetArrayLength() + 1, lines.Length);
        Assert.StartsWith($"1,1,{first.GetProperty("grid").GetString()},", lines[1]);

        using var xlsx = await client.GetAsync($"/api/assessment/{Village}/grid-managers?format=xlsx&{ThisMonth}");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".xlsx", xlsx.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "", StringComparison.Ordinal);
        await using var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var sheet = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(json.GetProperty("rows").GetArrayLength(), sheet.Count);
        Assert.Equal(first.GetProperty("grid").GetString(), sheet[0]["网格"]?.ToString());
        Assert.Equal(Int(first, "households"), Convert.ToInt32(sheet[0]["户数"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Int(first, "visitRecords"), Convert.ToInt32(sheet[0]["应走访对象"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(first.GetProperty("score").GetDecimal(), Convert.ToDecimal(sheet[0]["得分"], System.Globalization.CultureInfo.InvariantCulture));

        using var handlers = await client.GetAsync($"/api/assessment/{Township}/handlers?format=xlsx&{ThisMonth}");
        Assert.Equal(HttpStatusCode.OK, handlers.StatusCode);
    }

    [Theory]
    [InlineData("county", "/api/assessment/140428203211/grid-managers?format=pdf", 400, "format is json")]
    [InlineData("county", "/api/assessment/140428203211/grid-managers?from=2026-01-02", 400, "first day of a month")]
    [InlineData("county", "/api/assessment/'%3B%20DROP%20TABLE%20grid%3B%20--/grid-managers", 400, "not a unit or grid code")]
    [InlineData("township", "/api/assessment/140428201/grid-managers", 404, "in your area")]
    [InlineData("township", "/api/assessment/140428201/handlers", 404, "in your area")]
    [InlineData("gridmanager", "/api/assessment/140428203211/grid-managers", 404, "in your area")]
    public async Task Bad_requests_and_areas_outside_the_callers_are_problems_that_say_why(string user, string path, int status, string hint)
    {
        var answer = await GetAsync(user, path, status);
        Assert.Contains(hint, answer.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_grid_manager_reads_their_own_grid_and_a_department_officer_reads_none()
    {
        var own = await GetAsync("gridmanager", $"/api/assessment/{DemoAccounts.GridManagerGrid}/grid-managers?{ThisMonth}");
        Assert.Equal(DemoAccounts.GridManagerGrid, Assert.Single(own.GetProperty("rows").EnumerateArray()).GetProperty("grid").GetString());
        using var civil = await api.ClientAsAsync("civil");
        Assert.Equal(HttpStatusCode.Forbidden, (await civil.GetAsync($"/api/assessment/{Village}/grid-managers")).StatusCode);
    }

    [Fact]
    public async Task A_handler_s_steps_on_time_rework_and_accountability_follow_the_event_and_equal_a_direct_aggregate()
    {
        await new AccountStore(api.Population.DataSource).CreateAsync(new NewAccount("village-h1", "西沟村服务站 考核", DemoAccounts.Password,
            Role.VillageStaff, AdminCode.Parse(Village)));
        var card = await ReportAsync("低保申请，承办人考核测试");
        card = await ActAsync("township", card, "accept");
        card = await ActAsync("township", card, "register");
        card = await ActAsync("township", card, "dispatch", new { level = "village" });
        card = await ActAsync("village-h1", card, "startHandling");
        // Feedback by the deadline; the grid manager's verification fails, so the work returns to village-h1 as rework.
        card = await ActAsync("village-h1", card, "feedback", new { note = "已入户核实" });
        card = await ActAsync("gridmanager", card, "verify", new { passed = false, note = "未实际办理" });
        Assert.Equal("village-h1", card.GetProperty("holder").GetProperty("username").GetString());
        // The county moves the deadline to two seconds from now; the sweep after it escalates the step, late.
        card = await ActAsync("county", card, "supervise", new { note = "限期办结", newDue = DateTimeOffset.UtcNow.AddSeconds(2) });
        await Task.Delay(TimeSpan.FromSeconds(3));
        await new Store.Events.EventStore(api.Population.DataSource, TimeProvider.System).SweepOverdueAsync();

        var report = await GetAsync("township", $"/api/assessment/{Township}/handlers?{ThisMonth}");
        var h1 = Assert.Single(report.GetProperty("rows").EnumerateArray(), r => r.GetProperty("username").GetString() == "village-h1");
        Assert.Equal(Village, h1.GetProperty("unit").GetString());
        Assert.Equal(2, Int(h1, "stepsFinished"));
        Assert.Equal(2, Int(h1, "stepsWithDeadline"));
        Assert.Equal(1, Int(h1, "stepsOnTime"));
        Assert.Equal(new[] { 1, 2 }, new[] { h1.GetProperty("onTime").GetProperty("numerator").GetInt32(), h1.GetProperty("onTime").GetProperty("denominator").GetInt32() });
        Assert.Equal(1, Int(h1, "feedbackGiven"));
        Assert.Equal(1, Int(h1, "reworked"));
        Assert.Equal(2, Int(h1, "accountability"));
        Assert.Equal(2, Int(h1, "accountabilityOpen"));
        Assert.Equal(0, Int(h1, "holdingNow"));

        // Every handler's finished steps and on-time steps equal an aggregate written the other way round (a window over each event's history).
        await using var command = api.Population.DataSource.CreateCommand("""
            SELECT prev_holder, count(*)::int, (count(*) FILTER (WHERE prev_due IS NOT NULL AND at <= prev_due))::int
            FROM (SELECT at, action, holder, lag(holder) OVER w AS prev_holder, lag(due) OVER w AS prev_due
                  FROM event_history WHERE event_id IN (SELECT event_id FROM event_history WHERE holder IS NOT NULL)
                  WINDOW w AS (PARTITION BY event_id ORDER BY seq)) h
            WHERE prev_holder IS NOT NULL AND holder IS DISTINCT FROM prev_holder AND action <> 'Assign' AND at >= $1
            GROUP BY prev_holder
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<DateTimeOffset> { TypedValue = ChinaTime.StartOf(new DateOnly(Today.Year, Today.Month, 1)).ToUniversalTime() });
        var direct = new Dictionary<string, (int Steps, int OnTime)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                direct[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt32(2));
        var county = await GetAsync("county", $"/api/assessment/140428/handlers?{ThisMonth}");
        var listed = county.GetProperty("rows").EnumerateArray().Where(r => Int(r, "stepsFinished") > 0)
            .ToDictionary(r => r.GetProperty("username").GetString()!, r => (Int(r, "stepsFinished"), Int(r, "stepsOnTime")));
        Assert.NotEmpty(listed);
        Assert.Equal(direct.Where(d => listed.ContainsKey(d.Key)).OrderBy(d => d.Key), listed.OrderBy(d => d.Key));
        Assert.All(direct.Keys, person => Assert.True(listed.ContainsKey(person) || !person.StartsWith("village", StringComparison.Ordinal)));
    }
}
