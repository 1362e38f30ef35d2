using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// The administrator's accounts (issue 17, item 5): open an account with a one-time password, find it, move it to
/// another role and area (its tokens revoked, what it sees changed), every change audited; refusals change nothing.
/// </summary>
public sealed class AccountsAdminApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private async Task<JsonElement> SendAsync(string user, HttpMethod method, string path, object? body = null, int expect = 200)
    {
        var (status, answer) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), method, path, body);
        Assert.True(status == expect, $"{user} {method} {path}: {status} {answer}");
        return answer;
    }

    private async Task<(HttpClient Client, JsonElement Account)> SignInAsync(string username, string password)
    {
        var client = api.Factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password });
        Assert.True(response.IsSuccessStatusCode, $"sign-in {username}: {(int)response.StatusCode}");
        var issued = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.GetProperty("accessToken").GetString());
        return (client, issued.GetProperty("account"));
    }

    [Fact]
    public async Task An_administrator_opens_an_account_whose_holder_signs_in_once_with_the_one_time_password_and_moves_it_to_another_area()
    {
        var opened = await SendAsync("admin", HttpMethod.Post, "/api/accounts",
            new { username = "nanchen-clerk2", displayName = "南陈乡综治中心 王某", role = "township_staff", scope = "140428203", phone = "13900000001" }, 201);
        Assert.Equal("township_staff", opened.GetProperty("account").GetProperty("role").GetString());
        var password = opened.GetProperty("temporaryPassword").GetString()!;
        Assert.Equal(12, password.Length);
        var (clerk, account) = await SignInAsync("nanchen-clerk2", password);
        Assert.Equal("140428203", account.GetProperty("scope").GetString());
        Assert.Equal(200, (int)(await clerk.GetAsync("/api/kpi/140428203")).StatusCode);

        // Found by part of the name, by role and area.
        var found = await SendAsync("admin", HttpMethod.Get, $"/api/accounts?q={Uri.EscapeDataString("王某")}&role=township_staff&area=140428");
        Assert.Equal("nanchen-clerk2", Assert.Single(found.EnumerateArray()).GetProperty("username").GetString());

        // Moved to a village of another township: the old token stops at once; the new one sees the new area only.
        var moved = await SendAsync("admin", HttpMethod.Post, "/api/accounts/nanchen-clerk2/role", new { role = "village_staff", scope = "140428201209" });
        Assert.Equal("140428201209", moved.GetProperty("scope").GetString());
        Assert.Equal(401, (int)(await clerk.GetAsync("/api/auth/me")).StatusCode);
        var (again, _) = await SignInAsync("nanchen-clerk2", password);
        Assert.Equal(404, (int)(await again.GetAsync("/api/kpi/140428203")).StatusCode);
        Assert.Equal(200, (int)(await again.GetAsync("/api/kpi/140428201209")).StatusCode);

        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE actor = 'admin' AND action = 'open_account' AND subject = 'account:nanchen-clerk2'"));
        var change = await api.Population.ScalarAsync<string>(
            "SELECT detail::text FROM audit_log WHERE actor = 'admin' AND action = 'change_account_role' AND subject = 'account:nanchen-clerk2'");
        Assert.Contains("140428203", change);
        Assert.Contains("140428201209", change);
    }

    [Theory]
    [InlineData("""{"username":"x","displayName":"短名","role":"township_staff","scope":"140428203"}""", 400, "username")]
    [InlineData("""{"username":"clerk-bad-scope","displayName":"错层级","role":"township_staff","scope":"140428"}""", 400, "scope")]
    [InlineData("""{"username":"clerk-bad-role","displayName":"错角色","role":"king","scope":"140428"}""", 400, "role")]
    [InlineData("""{"username":"officer-nodept","displayName":"无部门","role":"department_officer","scope":"140428"}""", 400, "department")]
    [InlineData("""{"username":"clerk-bad-phone","displayName":"坏号码","role":"county_staff","scope":"140428","phone":"12345"}""", 400, "phone")]
    [InlineData("""{"username":"county","displayName":"重名","role":"county_staff","scope":"140428"}""", 409, null)]
    public async Task A_bad_or_duplicate_account_is_refused_with_the_field_and_nothing_is_written(string json, int status, string? field)
    {
        var before = await api.Population.ScalarAsync<long>("SELECT count(*) FROM account");
        var client = await api.ClientAsAsync("admin");
        using var response = await client.PostAsync("/api/accounts", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
            Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(before, await api.Population.ScalarAsync<long>("SELECT count(*) FROM account"));
        Assert.Equal("长子县综治中心 演示", await api.Population.ScalarAsync<string>("SELECT display_name FROM account WHERE username = 'county'"));
    }

    [Fact]
    public async Task Only_administrators_list_open_or_move_accounts_and_hostile_text_is_only_text()
    {
        await SendAsync("county", HttpMethod.Get, "/api/accounts", expect: 403);
        await SendAsync("county", HttpMethod.Post, "/api/accounts", new { username = "sneaky", displayName = "x", role = "admin", scope = "14" }, 403);
        await SendAsync("province", HttpMethod.Post, "/api/accounts/county/role", new { role = "admin", scope = "14" }, 403);
        Assert.Equal("county_staff", await api.Population.ScalarAsync<string>("SELECT role FROM account WHERE username = 'county'"));
        await SendAsync("admin", HttpMethod.Post, "/api/accounts/nobody-here/role", new { role = "county_staff", scope = "140428" }, 404);
        var none = await SendAsync("admin", HttpMethod.Get, $"/api/accounts?q={Uri.EscapeDataString("' OR 1=1 --")}");
        Assert.Empty(none.EnumerateArray());
        await SendAsync("admin", HttpMethod.Get, "/api/accounts?limit=100000", expect: 400);
        var all = await SendAsync("admin", HttpMethod.Get, "/api/accounts?area=140428&limit=200");
        Assert.Contains(all.EnumerateArray(), a => a.GetProperty("username").GetString() == "gridmanager");
        Assert.DoesNotContain(all.EnumerateArray(), a => a.GetProperty("username").GetString() == "gridmanager3");
    }
}
