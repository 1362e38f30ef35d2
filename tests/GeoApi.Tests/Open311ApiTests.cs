using System.Globalization;
using System.Text.Json;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Store.Accounts;
using GridMap.Store.Events;

namespace GridMap.GeoApi.Tests;

/// <summary>Open311 GeoReport v2: services, creating requests with an API key, reading them back, the spec's errors.</summary>
public sealed class Open311ApiTests(IntakeApiFixture api) : IClassFixture<IntakeApiFixture>
{
    /// <summary>GeoReport v2 service request fields and the JSON kinds each may take.</summary>
    private static readonly Dictionary<string, JsonValueKind[]> RequestFields = new()
    {
        ["service_request_id"] = [JsonValueKind.String],
        ["status"] = [JsonValueKind.String],
        ["status_notes"] = [JsonValueKind.String, JsonValueKind.Null],
        ["service_name"] = [JsonValueKind.String],
        ["service_code"] = [JsonValueKind.String],
        ["description"] = [JsonValueKind.String, JsonValueKind.Null],
        ["agency_responsible"] = [JsonValueKind.String, JsonValueKind.Null],
        ["service_notice"] = [JsonValueKind.String, JsonValueKind.Null],
        ["requested_datetime"] = [JsonValueKind.String],
        ["updated_datetime"] = [JsonValueKind.String, JsonValueKind.Null],
        ["expected_datetime"] = [JsonValueKind.String, JsonValueKind.Null],
        ["address"] = [JsonValueKind.String, JsonValueKind.Null],
        ["address_id"] = [JsonValueKind.String, JsonValueKind.Null],
        ["zipcode"] = [JsonValueKind.String, JsonValueKind.Null],
        ["lat"] = [JsonValueKind.Number],
        ["long"] = [JsonValueKind.Number],
        ["media_url"] = [JsonValueKind.String, JsonValueKind.Null],
    };

    private Dictionary<string, string> Fields(Action<Dictionary<string, string>>? change = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["api_key"] = api.ApiKey,
            ["service_code"] = "0302",
            ["lat"] = api.InGrid.Lat.ToString("R", CultureInfo.InvariantCulture),
            ["long"] = api.InGrid.Lon.ToString("R", CultureInfo.InvariantCulture),
            ["description"] = "车辆堵住消防通道 a car blocks the fire lane",
            ["address_string"] = "西沟村委会门口",
            ["first_name"] = "Ming",
            ["last_name"] = "Li",
            ["email"] = "li.ming@example.org",
            ["phone"] = "13812345678",
            ["device_id"] = "device-1",
        };
        change?.Invoke(fields);
        return fields;
    }

    private async Task<string> CreateAsync(Action<Dictionary<string, string>>? change = null)
    {
        var (status, text, _, json) = await IntakeApiFixture.SendAsync(api.Factory.CreateClient(), IntakeApiFixture.Form("/open311/v2/requests.json", Fields(change)));
        Assert.True(status == 201, text);
        return json[0].GetProperty("service_request_id").GetString()!;
    }

    private static void AssertSpecError(int expected, (int Status, string Text, string? MediaType, JsonElement Json) answer)
    {
        Assert.True(expected == answer.Status, $"expected {expected}: {answer.Status} {answer.Text}");
        Assert.Equal("application/json", answer.MediaType);
        var error = Assert.Single(answer.Json.EnumerateArray());
        Assert.Equal(expected, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("description").GetString()));
    }

    private async Task<(int Status, string Text, string? MediaType, JsonElement Json)> GetAsync(string path) =>
        await IntakeApiFixture.SendAsync(api.Factory.CreateClient(), new HttpRequestMessage(HttpMethod.Get, path));

    [Fact]
    public async Task Services_are_the_event_categories_with_every_GeoReport_field()
    {
        var (status, _, _, services) = await GetAsync("/open311/v2/services.json");
        Assert.Equal(200, status);
        var categories = new List<(string Code, string Name, string Major)>();
        await using (var command = api.DataSource.CreateCommand("SELECT code, name, major_name FROM event_category WHERE active ORDER BY code"))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                categories.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        Assert.Equal(categories.Select(c => c.Code), services.EnumerateArray().Select(s => s.GetProperty("service_code").GetString()));
        foreach (var (service, category) in services.EnumerateArray().Zip(categories))
        {
            Assert.Equal(["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
                service.EnumerateObject().Select(p => p.Name));
            Assert.Equal(category.Name, service.GetProperty("service_name").GetString());
            Assert.Equal(category.Major, service.GetProperty("group").GetString());
            Assert.Equal(JsonValueKind.False, service.GetProperty("metadata").ValueKind);
            Assert.Equal("realtime", service.GetProperty("type").GetString());
            Assert.Equal(JsonValueKind.String, service.GetProperty("description").ValueKind);
            Assert.Equal(JsonValueKind.String, service.GetProperty("keywords").ValueKind);
        }
    }

    [Fact]
    public async Task A_service_definition_has_no_attributes_and_an_unknown_service_is_404()
    {
        var (status, _, _, definition) = await GetAsync("/open311/v2/services/0601.json");
        Assert.Equal(200, status);
        Assert.Equal("0601", definition.GetProperty("service_code").GetString());
        Assert.Equal(0, definition.GetProperty("attributes").GetArrayLength());
        AssertSpecError(404, await GetAsync("/open311/v2/services/9999.json"));
        AssertSpecError(404, await GetAsync("/open311/v2/nothing-here"));
    }

    [Fact]
    public async Task Xml_is_refused_with_400_in_the_spec_error_format()
    {
        AssertSpecError(400, await GetAsync("/open311/v2/services.xml"));
        AssertSpecError(400, await GetAsync("/open311/v2/services/0601.xml"));
        AssertSpecError(400, await GetAsync("/open311/v2/requests.xml"));
        AssertSpecError(400, await GetAsync("/open311/v2/requests/GM-2345-6789.xml"));
        AssertSpecError(400, await IntakeApiFixture.SendAsync(api.Factory.CreateClient(), IntakeApiFixture.Form("/open311/v2/requests.xml", Fields())));
    }

    [Fact]
    public async Task Creating_needs_a_known_api_key_and_writes_nothing_without_one()
    {
        var before = await api.EventCountAsync();
        var client = api.Factory.CreateClient();
        AssertSpecError(403, await IntakeApiFixture.SendAsync(client, IntakeApiFixture.Form("/open311/v2/requests.json", Fields(f => f.Remove("api_key")))));
        AssertSpecError(403, await IntakeApiFixture.SendAsync(client, IntakeApiFixture.Form("/open311/v2/requests.json", Fields(f => f["api_key"] = "o311_not-a-key-we-issued"))));
        Assert.Equal(before, await api.EventCountAsync());

        var (status, text, media, receipt) = await IntakeApiFixture.SendAsync(client, IntakeApiFixture.Form("/open311/v2/requests.json", Fields()));
        Assert.True(status == 201, text);
        Assert.Equal("application/json", media);
        var only = Assert.Single(receipt.EnumerateArray());
        Assert.Equal(["service_request_id", "service_notice", "account_id"], only.EnumerateObject().Select(p => p.Name));
        Assert.Matches("^GM-[0-9A-Z]{4}-[0-9A-Z]{4}$", only.GetProperty("service_request_id").GetString());
        Assert.Equal(JsonValueKind.String, only.GetProperty("service_notice").ValueKind);
        Assert.Equal(JsonValueKind.Null, only.GetProperty("account_id").ValueKind);
        Assert.Equal(before + 1, await api.EventCountAsync());
        Assert.Equal("open311:test-client", await api.ScalarAsync<string>("SELECT reporter FROM event WHERE tracking_no = $1",
            only.GetProperty("service_request_id").GetString()!));
    }

    [Fact]
    public async Task Bad_requests_are_400_with_a_reason_and_write_nothing()
    {
        var before = await api.EventCountAsync();
        var client = api.Factory.CreateClient();
        foreach (var change in new Action<Dictionary<string, string>>[]
                 {
                     f => f.Remove("lat"),
                     f => f["long"] = "east",
                     f => f["lat"] = "52.5",
                     f => f["service_code"] = "9999",
                     f => f["service_code"] = "rubbish",
                     f => f.Remove("description"),
                     f => f["description"] = new string('长', 2001),
                     f => f["phone"] = "call me maybe",
                     f => f["email"] = "nobody",
                     f => (f["lat"], f["long"]) = ("34.1", "110.1"),
                 })
            AssertSpecError(400, await IntakeApiFixture.SendAsync(client, IntakeApiFixture.Form("/open311/v2/requests.json", Fields(change))));
        var (json, _, _, _) = await IntakeApiFixture.SendAsync(client, IntakeApiFixture.Json("/open311/v2/requests.json", Fields()));
        Assert.Equal(400, json);
        Assert.Equal(before, await api.EventCountAsync());
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_same_request()
    {
        var client = api.Factory.CreateClient();
        var key = Guid.NewGuid().ToString();
        var first = await IntakeApiFixture.SendAsync(client, IntakeApiFixture.Form("/open311/v2/requests.json", Fields(), key));
        var second = await IntakeApiFixture.SendAsync(client, IntakeApiFixture.Form("/open311/v2/requests.json", Fields(), key));
        Assert.Equal(201, first.Status);
        Assert.Equal(200, second.Status);
        var id = first.Json[0].GetProperty("service_request_id").GetString()!;
        Assert.Equal(id, second.Json[0].GetProperty("service_request_id").GetString());
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM event WHERE idempotency_key LIKE '%' || $1", key));
    }

    [Fact]
    public async Task A_request_without_a_point_is_placed_by_its_village_code_GridMaps_or_2023s()
    {
        static void NoPoint(Dictionary<string, string> f, string addressId, string? address)
        {
            f.Remove("lat");
            f.Remove("long");
            f["address_id"] = addressId;
            if (address is null)
                f.Remove("address_string");
            else
                f["address_string"] = address;
        }
        Task<string> VillageOf(string id) => api.ScalarAsync<string>("SELECT left(grid_code, 12) FROM event WHERE tracking_no = $1", id);

        // 2023's 南陈镇西沟村 (140428108211) is GridMap's 南陈乡西沟村 alone; a GridMap code places directly.
        Assert.Equal("140428203211", await VillageOf(await CreateAsync(f => NoPoint(f, "140428108211", null))));
        Assert.Equal("140428203211", await VillageOf(await CreateAsync(f => NoPoint(f, "140428203211", null))));

        // 2023's 庄乐村 merged three 2016 villages: the address names one, or the request is refused with the candidates.
        var before = await api.EventCountAsync();
        var client = api.Factory.CreateClient();
        var refused = await IntakeApiFixture.SendAsync(client, IntakeApiFixture.Form("/open311/v2/requests.json", Fields(f => NoPoint(f, "140428102208", "村口"))));
        AssertSpecError(400, refused);
        Assert.Contains("140428102204 上三庄村委会", refused.Text);
        AssertSpecError(400, await IntakeApiFixture.SendAsync(client, IntakeApiFixture.Form("/open311/v2/requests.json", Fields(f => NoPoint(f, "140428999201", null)))));
        AssertSpecError(400, await IntakeApiFixture.SendAsync(client, IntakeApiFixture.Form("/open311/v2/requests.json", Fields(f => NoPoint(f, "x' OR 1=1", null)))));
        Assert.Equal(before, await api.EventCountAsync());
        Assert.Equal("140428102205", await VillageOf(await CreateAsync(f => NoPoint(f, "140428102208", "红星庄村南头"))));
    }

    [Fact]
    public async Task A_request_carries_every_GeoReport_field_and_no_personal_data()
    {
        var id = await CreateAsync();
        var (status, text, _, requests) = await GetAsync($"/open311/v2/requests/{id}.json");
        Assert.Equal(200, status);
        var request = Assert.Single(requests.EnumerateArray());
        Assert.Equal(RequestFields.Keys.Order(), request.EnumerateObject().Select(p => p.Name).Order());
        foreach (var (name, kinds) in RequestFields)
            Assert.True(kinds.Contains(request.GetProperty(name).ValueKind), $"{name} is {request.GetProperty(name).ValueKind}");
        Assert.Equal(id, request.GetProperty("service_request_id").GetString());
        Assert.Equal("open", request.GetProperty("status").GetString());
        Assert.Equal("0302", request.GetProperty("service_code").GetString());
        Assert.Equal("车辆堵住消防通道 a car blocks the fire lane", request.GetProperty("description").GetString());
        Assert.Equal("西沟村委会门口", request.GetProperty("address").GetString());
        Assert.Equal(api.InGrid.Lat, request.GetProperty("lat").GetDouble(), 6);
        Assert.EndsWith("+08:00", request.GetProperty("requested_datetime").GetString());
        foreach (var personal in new[] { "Ming", "Li ", "li.ming", "13812345678", "device-1" })
            Assert.DoesNotContain(personal, text);

        AssertSpecError(404, await GetAsync("/open311/v2/requests/GM-2222-2222.json"));
        AssertSpecError(400, await GetAsync("/open311/v2/requests/'%3B%20DROP%20TABLE%20event.json"));
    }

    [Fact]
    public async Task Requests_filter_by_id_service_status_and_dates()
    {
        var rubbish = await CreateAsync(f => f["service_code"] = "0601");
        var parking = await CreateAsync(f => f["service_code"] = "0302");
        var events = new EventStore(api.DataSource, TimeProvider.System);
        var gridManager = new Caller("gridmanager", Role.GridManager, AdminCode.Parse(DemoAccounts.GridManagerGrid),
            new HashSet<DataCategory>(), false, null);
        var staff = (await events.IntakeAsync(gridManager, "gridmanager", new NewReport("0601", "网格员上报：内部描述 internal note", api.InGrid.Lon, api.InGrid.Lat,
            EventChannels.Grid, Address: "内部地址"))).Value!;
        var special = (await events.IntakeAsync(gridManager, "gridmanager", new NewReport("0502", "精神障碍患者异常 sensitive", api.InGrid.Lon, api.InGrid.Lat,
            EventChannels.Grid))).Value!;

        var (_, _, _, byId) = await GetAsync($"/open311/v2/requests.json?service_request_id={rubbish},{parking},{special.TrackingNo}");
        Assert.Equal([parking, rubbish], byId.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()));

        var (_, _, _, rubbishOnly) = await GetAsync("/open311/v2/requests.json?service_code=0601");
        var ids = rubbishOnly.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()).ToList();
        Assert.Contains(rubbish, ids);
        Assert.Contains(staff.TrackingNo, ids);
        Assert.DoesNotContain(parking, ids);
        Assert.All(rubbishOnly.EnumerateArray(), r => Assert.Equal("0601", r.GetProperty("service_code").GetString()));

        var fromStaff = rubbishOnly.EnumerateArray().Single(r => r.GetProperty("service_request_id").GetString() == staff.TrackingNo);
        Assert.Equal(JsonValueKind.Null, fromStaff.GetProperty("description").ValueKind);
        Assert.Equal(JsonValueKind.Null, fromStaff.GetProperty("address").ValueKind);
        Assert.Equal(Math.Round(api.InGrid.Lat, 3), fromStaff.GetProperty("lat").GetDouble());

        var (_, all, _, _) = await GetAsync("/open311/v2/requests.json");
        Assert.DoesNotContain(special.TrackingNo, all);
        Assert.DoesNotContain("sensitive", all);
        var (_, _, _, open) = await GetAsync("/open311/v2/requests.json?status=open");
        Assert.Contains(rubbish, open.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()));
        var (_, _, _, closed) = await GetAsync("/open311/v2/requests.json?status=closed");
        Assert.DoesNotContain(rubbish, closed.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()));
        var (_, _, _, future) = await GetAsync($"/open311/v2/requests.json?start_date={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}");
        Assert.Equal(0, future.GetArrayLength());
        var (_, _, _, past) = await GetAsync("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z");
        Assert.Equal(0, past.GetArrayLength());

        AssertSpecError(400, await GetAsync("/open311/v2/requests.json?status=pending"));
        AssertSpecError(400, await GetAsync("/open311/v2/requests.json?start_date=yesterday"));
        AssertSpecError(400, await GetAsync("/open311/v2/requests.json?service_code=0601,'x'"));
        AssertSpecError(400, await GetAsync("/open311/v2/requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z"));
        AssertSpecError(400, await GetAsync("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"));
    }
}
