using System.Text.Json;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// The village committee's registers (issue 18, item 3): weddings and funerals checked against the village rules, the
/// collective's contracts with the yearly list and a reminder in the village staff's inbox once, and refusals.
/// </summary>
public sealed class VillagesApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private const string Village = "140428203211";

    private async Task<JsonElement> SendAsync(string user, HttpMethod method, string path, object? body = null, int expect = 200)
    {
        var (status, answer) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), method, path, body);
        Assert.True(status == expect, $"{user} {method} {path}: {status} {answer}");
        return answer;
    }

    [Fact]
    public async Task The_village_records_a_wedding_and_a_funeral_and_an_oversized_banquet_is_flagged_against_the_village_rules()
    {
        var wedding = await SendAsync("village", HttpMethod.Post, $"/api/villages/{Village}/ceremonies",
            new { kind = "wedding", heldOn = "2026-10-02", family = "王某家", tables = 18, service = "红白理事会派员主持，婚车从简" }, 201);
        Assert.True(wedding.GetProperty("withinRules").GetBoolean());
        var funeral = await SendAsync("village", HttpMethod.Post, $"/api/villages/{Village}/ceremonies",
            new { kind = "funeral", heldOn = "2026-11-20", family = "李某家", tables = 30, service = "理事会协助治丧，劝导简办" }, 201);
        Assert.False(funeral.GetProperty("withinRules").GetBoolean());
        Assert.Equal(15, funeral.GetProperty("tableLimit").GetInt32());
        var year = await SendAsync("gridmanager", HttpMethod.Get, $"/api/villages/{Village}/ceremonies?year=2026");
        Assert.Contains(year.EnumerateArray(), c => c.GetProperty("family").GetString() == "李某家");
        await SendAsync("gridmanager", HttpMethod.Post, $"/api/villages/{Village}/ceremonies",
            new { kind = "wedding", heldOn = "2026-10-03", family = "网格员家", tables = 5, service = "自办" }, 403);
        await SendAsync("township", HttpMethod.Get, "/api/villages/140428201209/ceremonies", expect: 404);
    }

    [Fact]
    public async Task A_contract_is_listed_in_the_years_it_runs_and_its_end_reaches_the_village_staff_inbox_once()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var contract = await SendAsync("village", HttpMethod.Post, $"/api/villages/{Village}/contracts", new
        {
            party = "申某（承包户）", subject = "村集体果园承包", startsOn = today.AddYears(-2).ToString("yyyy-MM-dd"), endsOn = today.AddDays(20).ToString("yyyy-MM-dd"),
            amountYuan = 36000.50m, renewal = "tender",
        }, 201);
        Assert.True(contract.GetProperty("endingSoon").GetBoolean());
        var id = contract.GetProperty("id").GetInt64();
        Assert.Contains((await SendAsync("township", HttpMethod.Get, $"/api/villages/{Village}/contracts?year={today.Year - 1}")).EnumerateArray(),
            c => c.GetProperty("id").GetInt64() == id);
        Assert.DoesNotContain((await SendAsync("township", HttpMethod.Get, $"/api/villages/{Village}/contracts?year={today.Year + 2}")).EnumerateArray(),
            c => c.GetProperty("id").GetInt64() == id);

        var store = new Store.Villages.VillageStore(api.Population.DataSource, TimeProvider.System);
        Assert.True(await store.RemindExpiringAsync() >= 1);
        await store.RemindExpiringAsync();
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM inbox_item WHERE username = 'village' AND kind = 'contract' AND text LIKE '%村集体果园承包%到期重新发包%'"));
        Assert.Equal(0L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM inbox_item WHERE username = 'township' AND kind = 'contract'"));
    }

    [Theory]
    [InlineData("""{"party":"甲","subject":"鱼塘","startsOn":"2026-05-01","endsOn":"2026-04-30","amountYuan":100,"renewal":"none"}""", "endsOn")]
    [InlineData("""{"party":"甲","subject":"鱼塘","startsOn":"2026-05-01","endsOn":"2027-04-30","amountYuan":-1,"renewal":"none"}""", "amountYuan")]
    [InlineData("""{"party":"","subject":"鱼塘","startsOn":"2026-05-01","endsOn":"2027-04-30","amountYuan":100,"renewal":"none"}""", "party")]
    [InlineData("""{"party":"甲","subject":"鱼塘","startsOn":"2026-05-01","endsOn":"2027-04-30","amountYuan":100,"renewal":"forever"}""", "renewal")]
    public async Task A_bad_contract_is_refused_naming_the_field_and_nothing_is_written(string json, string field)
    {
        var before = await api.Population.ScalarAsync<long>("SELECT count(*) FROM village_contract");
        using var client = await api.ClientAsAsync("village");
        using var response = await client.PostAsync($"/api/villages/{Village}/contracts", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(field, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        Assert.Equal(before, await api.Population.ScalarAsync<long>("SELECT count(*) FROM village_contract"));
    }
}
