using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Store.Accounts;

namespace GridMap.GeoApi.Tests;

/// <summary>Staffing (issue 17, item 5): appoint, replace and vacate a grid's manager with its post account; vacancy figures follow.</summary>
public sealed class StaffingApiTests(PopulationApiFixture api) : IClassFixture<PopulationApiFixture>
{
    private const string Grid = DemoAccounts.GridManagerGrid, Village = "140428203211";

    private async Task<JsonElement> SendAsync(string user, HttpMethod method, string path, object? body = null, int expect = 200)
    {
        var (status, answer) = await PopulationApiFixture.SendAsync(await api.ClientAsAsync(user), method, path, body);
        Assert.True(status == expect, $"{user} {method} {path}: {status} {answer}");
        return answer;
    }

    private async Task<int> VacantAsync(string unit) =>
        (await SendAsync("township", HttpMethod.Get, $"/api/units/{unit}")).GetProperty("vacantCount").GetInt32();

    private async Task<(int Status, JsonElement Body)> SignInAsync(string username, string password)
    {
        using var response = await api.Factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password });
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task A_township_vacates_appoints_and_replaces_a_grid_manager_and_the_post_account_and_vacancies_follow()
    {
        var before = await SendAsync("township", HttpMethod.Get, $"/api/staffing/grids/{Grid}");
        Assert.Equal("gm" + Grid, before.GetProperty("username").GetString());
        var villageVacant = await VacantAsync(Village);
        var countyVacant = await VacantAsync("140428");
        var staffed = before.GetProperty("name").ValueKind == JsonValueKind.String;

        // Refusals change nothing.
        await SendAsync("village", HttpMethod.Post, $"/api/staffing/grids/{Grid}/manager", new { name = "李四", phone = "13912345678" }, 403);
        await SendAsync("gridmanager", HttpMethod.Post, $"/api/staffing/grids/{Grid}/manager", new { name = "李四", phone = "13912345678" }, 403);
        var bad = await SendAsync("township", HttpMethod.Post, $"/api/staffing/grids/{Grid}/manager", new { name = "李四", phone = "12345" }, 400);
        Assert.Equal("phone", bad.GetProperty("field").GetString());
        await SendAsync("township", HttpMethod.Post, "/api/staffing/grids/140105001001001/manager", new { name = "李四", phone = "13912345678" }, 404);
        await SendAsync("township", HttpMethod.Post, $"/api/staffing/grids/{Grid}/vacate", new { }, 400);
        Assert.Equal(villageVacant, await VacantAsync(Village));

        if (staffed)
        {
            var vacated = await SendAsync("township", HttpMethod.Post, $"/api/staffing/grids/{Grid}/vacate", new { reason = "原网格员调离" });
            Assert.Equal(JsonValueKind.Null, vacated.GetProperty("name").ValueKind);
            Assert.Equal(villageVacant + 1, await VacantAsync(Village));
            Assert.Equal(countyVacant + 1, await VacantAsync("140428"));
            await SendAsync("township", HttpMethod.Post, $"/api/staffing/grids/{Grid}/vacate", new { reason = "again" }, 409);
        }

        // An appointment issues the post account with a one-time password; the vacancy closes at every level.
        var first = await SendAsync("township", HttpMethod.Post, $"/api/staffing/grids/{Grid}/manager", new { name = "王五", phone = "13912345678" });
        Assert.Equal(staffed ? villageVacant : villageVacant - 1, await VacantAsync(Village));
        var password = first.GetProperty("temporaryPassword").GetString()!;
        Assert.Null(GridMap.Domain.Access.PasswordPolicy.Check("gm" + Grid, password));
        var (signedIn, token) = await SignInAsync("gm" + Grid, password);
        Assert.Equal(200, signedIn);
        Assert.Equal("grid_manager", token.GetProperty("account").GetProperty("role").GetString());
        Assert.Equal(Grid, token.GetProperty("account").GetProperty("scope").GetString());
        var firstToken = token.GetProperty("accessToken").GetString()!;

        // A replacement re-issues the same post to the new manager: the old password and the old sessions stop working.
        var second = await SendAsync("township", HttpMethod.Post, $"/api/staffing/grids/{Grid}/manager", new { name = "赵六", phone = "13987654321" });
        Assert.Equal("王五", second.GetProperty("replaced").GetString());
        Assert.Equal(401, (await SignInAsync("gm" + Grid, password)).Status);
        var old = api.Factory.CreateClient();
        old.DefaultRequestHeaders.Authorization = new("Bearer", firstToken);
        Assert.Equal(401, (int)(await old.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(200, (await SignInAsync("gm" + Grid, second.GetProperty("temporaryPassword").GetString()!)).Status);
        Assert.Equal("赵六", (await SendAsync("township", HttpMethod.Get, $"/api/staffing/grids/{Grid}")).GetProperty("name").GetString());
        Assert.Equal(new[] { "appoint_grid_manager", "replace_grid_manager" }.Concat(staffed ? ["vacate_grid"] : []).Order(),
            (await api.Population.ScalarAsync<string[]>("SELECT array_agg(action ORDER BY action) FROM audit_log WHERE subject = $1 AND actor = 'township'", "grid:" + Grid)).Order());
    }

    [Fact]
    public async Task The_demo_gives_every_staffed_grid_its_post_account_once()
    {
        var staffing = new StaffingStore(api.Population.DataSource, TimeProvider.System);
        var staffed = await api.Population.ScalarAsync<long>("SELECT count(*) FROM grid_manager WHERE starts_with(grid_code, $1)", Village);
        var created = await staffing.EnsurePostAccountsAsync(Village, DemoAccounts.Password);
        Assert.InRange(created, 1, (int)staffed);
        Assert.Equal(0, await staffing.EnsurePostAccountsAsync(Village, DemoAccounts.Password));
        var grid = await api.Population.ScalarAsync<string>(
            "SELECT grid_code FROM grid_manager WHERE starts_with(grid_code, $1) AND grid_code <> $2 ORDER BY grid_code LIMIT 1", Village, Grid);
        var (status, token) = await SignInAsync("gm" + grid, DemoAccounts.Password);
        Assert.Equal(200, status);
        Assert.Equal(grid, token.GetProperty("account").GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Flags_a_publish_left_are_resolved_by_appointing_the_manager_or_moving_the_account_to_a_new_grid_once()
    {
        const string Retired = "140428203211099", NewGrid = "140428203211004", AccountGrid = "140428203211003";
        await new AccountStore(api.Population.DataSource).CreateAsync(new NewAccount("gm-flagged", "网格员 旧账号", DemoAccounts.Password,
            GridMap.Domain.Access.Role.GridManager, GridMap.Domain.Codes.AdminCode.Parse("140428203211002")));
        var managerFlag = await api.Population.ScalarAsync<long>("""
            INSERT INTO grid_manager_flag (village_code, version, grid_code, name, phone, reason, flagged_at)
            VALUES ($1, 2, $2, '李调整', '13900000009', 'manager', now()) RETURNING id
            """, Village, Retired);
        var accountFlag = await api.Population.ScalarAsync<long>("""
            INSERT INTO grid_manager_flag (village_code, version, grid_code, name, username, reason, flagged_at)
            VALUES ($1, 2, $2, '网格员 旧账号', 'gm-flagged', 'account', now()) RETURNING id
            """, Village, Retired);

        var open = await SendAsync("township", HttpMethod.Get, "/api/staffing/flags");
        Assert.Contains(open.EnumerateArray(), f => f.GetProperty("id").GetInt64() == managerFlag && f.GetProperty("reason").GetString() == "manager");
        await SendAsync("gridmanager", HttpMethod.Get, "/api/staffing/flags", expect: 403);
        await SendAsync("township", HttpMethod.Get, "/api/staffing/flags?area=140428201", expect: 404);

        // Refusals change nothing: no note, a malformed grid, a grid outside the township.
        await SendAsync("township", HttpMethod.Post, $"/api/staffing/flags/{managerFlag}/resolve", new { grid = NewGrid }, 400);
        var bad = await SendAsync("township", HttpMethod.Post, $"/api/staffing/flags/{managerFlag}/resolve", new { grid = "14042820321100x", note = "调整" }, 400);
        Assert.Equal("grid", bad.GetProperty("field").GetString());
        await SendAsync("township", HttpMethod.Post, $"/api/staffing/flags/{managerFlag}/resolve", new { grid = "140428201209001", note = "调整" }, 400);
        await SendAsync("gridmanager", HttpMethod.Post, $"/api/staffing/flags/{managerFlag}/resolve", new { note = "调整" }, 404);
        Assert.Equal(0L, await api.Population.ScalarAsync<long>("SELECT count(*) FROM grid_manager_flag WHERE id = $1 AND resolved_at IS NOT NULL", managerFlag));

        // The manager is appointed to the new grid with a post account and a one-time password; the flag closes once.
        var resolved = await SendAsync("township", HttpMethod.Post, $"/api/staffing/flags/{managerFlag}/resolve", new { grid = NewGrid, note = "调整到004网格" });
        Assert.Equal(NewGrid, resolved.GetProperty("flag").GetProperty("resolvedGrid").GetString());
        var appointment = resolved.GetProperty("appointment");
        Assert.Equal("gm" + NewGrid, appointment.GetProperty("username").GetString());
        Assert.Equal("李调整", await api.Population.ScalarAsync<string>("SELECT name FROM grid_manager WHERE grid_code = $1", NewGrid));
        Assert.Equal(200, (await SignInAsync("gm" + NewGrid, appointment.GetProperty("temporaryPassword").GetString()!)).Status);
        await SendAsync("township", HttpMethod.Post, $"/api/staffing/flags/{managerFlag}/resolve", new { grid = NewGrid, note = "再来一次" }, 409);

        // The account is moved to its new grid; both resolutions are audited and no longer listed as open.
        await SendAsync("township", HttpMethod.Post, $"/api/staffing/flags/{accountFlag}/resolve", new { grid = AccountGrid, note = "账号改到003网格" });
        Assert.Equal(AccountGrid, await api.Population.ScalarAsync<string>("SELECT scope_code FROM account WHERE username = 'gm-flagged'"));
        Assert.Equal(2L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE actor = 'township' AND action = 'resolve_staffing_flag' AND subject = $1", "grid:" + Retired));
        var still = await SendAsync("township", HttpMethod.Get, "/api/staffing/flags");
        Assert.DoesNotContain(still.EnumerateArray(), f => f.GetProperty("id").GetInt64() == managerFlag || f.GetProperty("id").GetInt64() == accountFlag);
        var all = await SendAsync("township", HttpMethod.Get, "/api/staffing/flags?open=false");
        Assert.Contains(all.EnumerateArray(), f => f.GetProperty("id").GetInt64() == accountFlag && f.GetProperty("resolvedBy").GetString() == "township");
    }
}
