using System.Net;

namespace GridMap.GeoApi.Tests;

/// <summary>GET /api/kpi: 晋中市's 2013 figures from the template, scoping by area and role, bad periods, CSV.</summary>
public sealed class KpiApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private const string Year2013 = "from=2013-01-01&to=2013-12-31";

    [Fact]
    public async Task The_province_reads_jinzhong_2013_with_rates_and_their_denominators()
    {
        var (status, body) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("province"), HttpMethod.Get, $"/api/kpi/1407?{Year2013}");
        Assert.Equal(200, status);
        Assert.Equal("晋中市", body.GetProperty("unit").GetProperty("name").GetString());
        Assert.Equal(338_000, body.GetProperty("counters").GetProperty("accepted").GetInt32());
        var disposal = body.GetProperty("rates").GetProperty("disposal");
        Assert.Equal(98.5m, disposal.GetProperty("percent").GetDecimal());
        Assert.Equal(body.GetProperty("counters").GetProperty("registered").GetInt32(), disposal.GetProperty("denominator").GetInt32());
        Assert.Equal(body.GetProperty("counters").GetProperty("handled").GetInt32(), disposal.GetProperty("numerator").GetInt32());
        var children = body.GetProperty("children").EnumerateArray().ToList();
        Assert.Equal(11, children.Count);
        Assert.Equal(338_000, children.Sum(c => c.GetProperty("counters").GetProperty("accepted").GetInt32()));
        Assert.NotEmpty(body.GetProperty("departments").EnumerateArray());
        Assert.Equal(["14", "1407"], body.GetProperty("chain").EnumerateArray().Select(u => u.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_unit_outside_the_callers_area_is_not_found_and_roles_without_kpis_are_forbidden()
    {
        var county = await api.ClientAsAsync("county");
        Assert.Equal(404, (await PopulationApiFixture.SendAsync(county, HttpMethod.Get, $"/api/kpi/1407?{Year2013}")).Status);
        Assert.Equal(404, (await PopulationApiFixture.SendAsync(county, HttpMethod.Get, $"/api/kpi/1407/assessment?{Year2013}")).Status);
        var (ownStatus, own) = await PopulationApiFixture.SendAsync(county, HttpMethod.Get, $"/api/kpi/140428?{Year2013}");
        Assert.Equal(200, ownStatus);
        Assert.Equal(0, own.GetProperty("counters").GetProperty("reported").GetInt32());
        Assert.False(own.GetProperty("rates").GetProperty("disposal").TryGetProperty("value", out var value) && value.ValueKind != System.Text.Json.JsonValueKind.Null);

        var gridManager = await api.ClientAsAsync("gridmanager");
        Assert.Equal(200, (await PopulationApiFixture.SendAsync(gridManager, HttpMethod.Get, $"/api/kpi/140428203211006?{Year2013}")).Status);
        Assert.Equal(404, (await PopulationApiFixture.SendAsync(gridManager, HttpMethod.Get, $"/api/kpi/140428203211?{Year2013}")).Status);
        Assert.Equal(200, (await PopulationApiFixture.SendAsync(await api.ClientAsAsync("auditor"), HttpMethod.Get, $"/api/kpi/1407?{Year2013}")).Status);
        Assert.Equal(200, (await PopulationApiFixture.SendAsync(await api.ClientAsAsync("planner"), HttpMethod.Get, $"/api/kpi/140428?{Year2013}")).Status);

        using var admin = await api.ClientAsAsync("admin");
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync($"/api/kpi/14?{Year2013}")).StatusCode);
        using var civil = await api.ClientAsAsync("civil");
        Assert.Equal(HttpStatusCode.Forbidden, (await civil.GetAsync($"/api/kpi/140428?{Year2013}")).StatusCode);
        using var anonymous = api.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/kpi/14?{Year2013}")).StatusCode);
    }

    [Theory]
    [InlineData("/api/kpi/1407?from=2013-01-02&to=2013-12-31", "first day of a month")]
    [InlineData("/api/kpi/1407?from=2013-01-01&to=2013-12-30", "last day of a month")]
    [InlineData("/api/kpi/1407?from=2013-06-01&to=2013-05-31", "before")]
    [InlineData("/api/kpi/1407?from=2013-13-01&to=2013-12-31", "not a date")]
    [InlineData("/api/kpi/1407?from=2000-01-01&to=2013-12-31", "at most")]
    [InlineData("/api/kpi/1407?format=xml", "format")]
    [InlineData("/api/kpi/'%3B%20DROP%20TABLE%20event%3B%20--?from=2013-01-01&to=2013-12-31", "not a unit or grid code")]
    public async Task Bad_periods_and_codes_are_a_400_problem_that_says_what_to_fix(string path, string hint)
    {
        var (status, body) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("province"), HttpMethod.Get, path);
        Assert.Equal(400, status);
        Assert.Contains(hint, body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_csv_export_is_utf8_with_a_bom_for_excel()
    {
        using var client = await api.ClientAsAsync("province");
        foreach (var path in new[] { $"/api/kpi/1407.csv?{Year2013}", $"/api/kpi/1407?format=csv&{Year2013}" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
            var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
            Assert.StartsWith("kind,code,name,reported,accepted,", lines[0]);
            Assert.StartsWith("unit,1407,晋中市,", lines[1]);
            Assert.Contains(",98.5,", lines[1]);
            Assert.Equal(11, lines.Count(l => l.StartsWith("child,", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task The_assessment_ranks_the_children_by_weighted_score()
    {
        var (status, body) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("province"), HttpMethod.Get, $"/api/kpi/1407/assessment?{Year2013}");
        Assert.Equal(200, status);
        var rows = body.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(11, rows.Count);
        Assert.Equal(1, rows[0].GetProperty("rank").GetInt32());
        var scores = rows.Select(r => r.GetProperty("score").GetDecimal()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.InRange(scores[0], 80m, 100m);
        Assert.Equal(1.0m, body.GetProperty("weights").EnumerateArray().Sum(w => w.GetProperty("weight").GetDecimal()));
    }

    [Fact]
    public async Task The_latest_month_with_events_is_where_the_page_opens()
    {
        var (status, latest) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("province"), HttpMethod.Get, "/api/kpi/1407/latest");
        Assert.Equal((200, 2013, 12), (status, latest.GetProperty("year").GetInt32(), latest.GetProperty("month").GetInt32()));
        (status, _) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("county"), HttpMethod.Get, "/api/kpi/1407/latest");
        Assert.Equal(404, status);
        (status, _) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("province"), HttpMethod.Get, "/api/kpi/14x/latest");
        Assert.Equal(400, status);
    }

    [Fact]
    public async Task The_wall_figures_count_open_and_overdue_events_by_day_and_are_scoped_like_the_kpis()
    {
        // Jinzhong's 2013 history left events open at the year's end: all of them overdue today, none reported lately.
        var (status, wall) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync("province"), HttpMethod.Get, "/api/kpi/1407/wall");
        Assert.Equal(200, status);
        var days = wall.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(30, days.Count);
        Assert.Equal(wall.GetProperty("today").GetString(), days[^1].GetProperty("day").GetString());
        Assert.All(days, d => Assert.Equal(0, d.GetProperty("reported").GetInt32()));
        Assert.Equal(0, wall.GetProperty("onTimeClosure").GetProperty("denominator").GetInt32());
        var open = wall.GetProperty("open").GetInt32();
        Assert.True(open > 0);
        Assert.InRange(wall.GetProperty("overdue").GetInt32(), 1, open);
        var overdue = wall.GetProperty("overdueList").EnumerateArray().ToList();
        Assert.InRange(overdue.Count, 1, 8);
        Assert.All(overdue, e => Assert.StartsWith("1407", e.GetProperty("grid").GetString()));
        var children = wall.GetProperty("children").EnumerateArray().ToList();
        Assert.NotEmpty(children);
        Assert.All(children, c => Assert.Matches("^1407[0-9]{2}$", c.GetProperty("code").GetString()!));
        Assert.Equal(open, children.Sum(c => c.GetProperty("open").GetInt32()));

        var county = await api.ClientAsAsync("county");
        Assert.Equal(404, (await PopulationApiFixture.SendAsync(county, HttpMethod.Get, "/api/kpi/1407/wall")).Status);
        Assert.Equal(404, (await PopulationApiFixture.SendAsync(county, HttpMethod.Get, "/api/kpi/140428203211006/wall")).Status);
        Assert.Equal(400, (await PopulationApiFixture.SendAsync(county, HttpMethod.Get, "/api/kpi/14x/wall")).Status);
        Assert.Equal(200, (await PopulationApiFixture.SendAsync(county, HttpMethod.Get, "/api/kpi/140428/wall")).Status);
    }

    [Fact]
    public async Task The_kpi_xlsx_holds_the_unit_the_period_and_each_rate_beside_its_denominator_as_the_json_does()
    {
        var province = await api.ClientAsAsync("province");
        var (_, json) = await PopulationApiFixture.SendAsync(province, HttpMethod.Get, $"/api/kpi/1407?{Year2013}");
        using var xlsx = await province.GetAsync($"/api/kpi/1407?format=xlsx&{Year2013}");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        Assert.Equal("kpi-1407-201301-201312.xlsx", xlsx.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        await using var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var sheet = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(1 + json.GetProperty("children").GetArrayLength() + json.GetProperty("departments").GetArrayLength(), sheet.Count);
        var unit = sheet[0];
        Assert.Equal("晋中市（1407）", unit["统计单位"]?.ToString());
        Assert.Equal("2013-01-01–2013-12-31", unit["统计期间"]?.ToString());
        var counters = json.GetProperty("counters");
        Assert.Equal(counters.GetProperty("registered").GetInt32(), Convert.ToInt32(unit["立案"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(counters.GetProperty("handled").GetInt32(), Convert.ToInt32(unit["处置"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(json.GetProperty("rates").GetProperty("disposal").GetProperty("percent").GetDecimal(),
            Convert.ToDecimal(unit["处置率%（处置/立案）"], System.Globalization.CultureInfo.InvariantCulture));
        var firstChild = json.GetProperty("children")[0];
        Assert.Equal(firstChild.GetProperty("name").GetString(), sheet[1]["名称"]?.ToString());
        Assert.Equal(firstChild.GetProperty("counters").GetProperty("accepted").GetInt32(), Convert.ToInt32(sheet[1]["受理"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(400, (await PopulationApiFixture.SendAsync(province, HttpMethod.Get, $"/api/kpi/1407?format=pdf&{Year2013}")).Status);
    }

    [Fact]
    public async Task The_event_list_downloads_as_xlsx_with_what_it_covers_and_the_same_events_as_the_json()
    {
        var province = await api.ClientAsAsync("province");
        const string query = "/api/events?area=1407&open=true&limit=40";
        var (_, json) = await PopulationApiFixture.SendAsync(province, HttpMethod.Get, query);
        using var xlsx = await province.GetAsync(query + "&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.StartsWith("events-1407-", xlsx.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        await using var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var sheet = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        var events = json.EnumerateArray().ToList();
        Assert.Equal(events.Count, sheet.Count);
        Assert.Equal(events.Select(e => e.GetProperty("trackingNo").GetString()), sheet.Select(r => r["编号"]?.ToString()));
        Assert.All(sheet, r => Assert.Equal("1407 · 在办", r["范围"]?.ToString()));
        Assert.All(sheet, r => Assert.StartsWith("全部（截至 ", r["期间"]?.ToString()));
        Assert.All(sheet, r => Assert.Equal(events.Count, Convert.ToInt32(r["事件数"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(400, (await PopulationApiFixture.SendAsync(province, HttpMethod.Get, query + "&format=csv")).Status);
    }
}
