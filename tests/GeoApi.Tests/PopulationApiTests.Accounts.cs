using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Store.Accounts;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// Account security (issue 17): throttling and lockout, password change and policy, administrators' actions, revocation,
/// the TOTP second factor that unmasking needs.
/// </summary>
public sealed partial class PopulationApiTests
{
    private async Task<string> NewAccountAsync(string password)
    {
        var username = "sec-" + Guid.NewGuid().ToString("N")[..10];
        await new AccountStore(api.Population.DataSource).CreateAsync(new NewAccount(username, "安全测试", password, Role.VillageStaff,
            AdminCode.Parse("140428203211")));
        return username;
    }

    private async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> SignInAsync(string username, string password, string? code = null)
    {
        var response = await api.Factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password, code });
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode >= 400)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    // The last wrong password is made older than its delay, as waiting would (tests do not sleep).
    private Task AgeFailuresAsync(string username) =>
        api.Population.ScalarAsync<int>("UPDATE account SET last_failed_at = now() - interval '1 day' WHERE username = $1 RETURNING 1", username);

    private async Task<int> MeAsync(string token)
    {
        var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/auth/me");
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task Wrong_passwords_are_answered_then_slowed_and_ten_in_a_row_lock_the_account_until_an_administrator_unlocks_it()
    {
        const string password = "Right-pass-2024";
        var username = await NewAccountAsync(password);
        for (var i = 0; i < SignInThrottle.FreeFailures; i++)
            Assert.Equal(401, (await SignInAsync(username, "wrong-" + i)).Status);

        // The sixth try within the delay is refused without looking at the password, the right one too.
        var (throttled, problem, response) = await SignInAsync(username, "wrong-again");
        Assert.Equal(429, throttled);
        Assert.InRange(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 5);
        Assert.Equal("Sign-in throttled", problem.GetProperty("title").GetString());
        Assert.Equal(429, (await SignInAsync(username, password)).Status);
        Assert.Equal(SignInThrottle.FreeFailures, await api.Population.ScalarAsync<int>("SELECT failed_sign_ins FROM account WHERE username = $1", username));

        for (var i = SignInThrottle.FreeFailures; i < SignInThrottle.LockAfter - 1; i++)
        {
            await AgeFailuresAsync(username);
            Assert.Equal(401, (await SignInAsync(username, "wrong-" + i)).Status);
        }
        await AgeFailuresAsync(username);
        var (locked, lockProblem, _) = await SignInAsync(username, "wrong-last");
        Assert.Equal(403, locked);
        Assert.Equal("Account locked", lockProblem.GetProperty("title").GetString());
        await AgeFailuresAsync(username);
        Assert.Equal(403, (await SignInAsync(username, password)).Status);
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'account_locked' AND subject = $1", "account:" + username));

        Assert.Equal(403, (await PopulationApiFixture.SendAsync(await api.ClientAsAsync("county"), HttpMethod.Post, $"/api/accounts/{username}/unlock")).Status);
        Assert.Equal(204, (await PopulationApiFixture.SendAsync(await api.ClientAsAsync("admin"), HttpMethod.Post, $"/api/accounts/{username}/unlock")).Status);
        Assert.Equal(200, (await SignInAsync(username, password)).Status);
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'unlock_account' AND subject = $1 AND actor = 'admin'", "account:" + username));
    }

    [Fact]
    public async Task A_password_change_is_checked_against_the_policy_and_the_current_password_and_revokes_every_token_at_once()
    {
        const string password = "Old-pass-2024";
        var username = await NewAccountAsync(password);
        var first = (await SignInAsync(username, password)).Body.GetProperty("accessToken").GetString()!;
        var second = (await SignInAsync(username, password)).Body.GetProperty("accessToken").GetString()!;
        Assert.Equal(200, await MeAsync(second));
        var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", first);

        foreach (var (current, next, field) in new[] { (password, "short", "newPassword"), (password, "alllowercaseletters", "newPassword"),
                     (password, $"{username}-X1", "newPassword"), ("Not-the-pass-1", "New-pass-2025!", "currentPassword") })
        {
            var (status, problem) = await PopulationApiFixture.SendAsync(client, HttpMethod.Post, "/api/auth/password",
                new { currentPassword = current, newPassword = next });
            Assert.Equal(400, status);
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
        Assert.Equal(200, await MeAsync(first));

        Assert.Equal(204, (await PopulationApiFixture.SendAsync(client, HttpMethod.Post, "/api/auth/password",
            new { currentPassword = password, newPassword = "New-pass-2025!" })).Status);
        Assert.Equal(401, await MeAsync(first));
        Assert.Equal(401, await MeAsync(second));
        Assert.Equal(401, (await SignInAsync(username, password)).Status);
        Assert.Equal(200, (await SignInAsync(username, "New-pass-2025!")).Status);
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'change_password' AND subject = $1", "account:" + username));
    }

    [Fact]
    public async Task An_administrator_disables_resets_and_enables_accounts_and_nobody_else_may()
    {
        const string password = "Admin-test-2024";
        var username = await NewAccountAsync(password);
        var token = (await SignInAsync(username, password)).Body.GetProperty("accessToken").GetString()!;
        var admin = await api.ClientAsAsync("admin");
        var province = await api.ClientAsAsync("province");

        Assert.Equal(403, (await PopulationApiFixture.SendAsync(province, HttpMethod.Post, $"/api/accounts/{username}/disable")).Status);
        Assert.Equal(200, await MeAsync(token));
        Assert.Equal(204, (await PopulationApiFixture.SendAsync(admin, HttpMethod.Post, $"/api/accounts/{username}/disable")).Status);
        Assert.Equal(401, await MeAsync(token));
        Assert.Equal(401, (await SignInAsync(username, password)).Status);
        Assert.Equal(404, (await PopulationApiFixture.SendAsync(admin, HttpMethod.Post, "/api/accounts/nobody-here/disable")).Status);

        var (weak, problem) = await PopulationApiFixture.SendAsync(admin, HttpMethod.Post, $"/api/accounts/{username}/password", new { password = "123" });
        Assert.Equal(400, weak);
        Assert.Equal("password", problem.GetProperty("field").GetString());
        Assert.Equal(204, (await PopulationApiFixture.SendAsync(admin, HttpMethod.Post, $"/api/accounts/{username}/password", new { password = "Reset-pass-77" })).Status);
        Assert.Equal(204, (await PopulationApiFixture.SendAsync(admin, HttpMethod.Post, $"/api/accounts/{username}/enable")).Status);
        Assert.Equal(401, (await SignInAsync(username, password)).Status);
        Assert.Equal(200, (await SignInAsync(username, "Reset-pass-77")).Status);
        Assert.Equal(new[] { "disable_account", "enable_account", "reset_password" }, await api.Population.ScalarAsync<string[]>(
            "SELECT array_agg(action ORDER BY action) FROM audit_log WHERE subject = $1 AND actor = 'admin'", "account:" + username));
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers_errors_included()
    {
        var client = api.Factory.CreateClient();
        foreach (var path in new[] { "/api/units/14", "/api/auth/me", "/field/", "/api/buildings/x" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        }
        Assert.Contains("frame-ancestors 'none'", SecurityHeaders.ContentSecurityPolicy);
    }

    private HttpClient Bearer(string token)
    {
        var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task A_grid_manager_unmasks_only_after_enrolling_a_second_factor_and_then_signs_in_with_its_code_each_code_once()
    {
        const string password = "Totp-test-2024";
        var username = "totp-" + Guid.NewGuid().ToString("N")[..10];
        await new AccountStore(api.Population.DataSource).CreateAsync(new NewAccount(username, "动态码测试", password, Role.GridManager,
            AdminCode.Parse(DemoAccounts.GridManagerGrid)));
        var person = api.Population.People["A-spouse"];

        // The password alone: a masked session that says what is missing.
        var first = (await SignInAsync(username, password)).Body;
        Assert.False(first.GetProperty("account").GetProperty("canUnmask").GetBoolean());
        Assert.True(first.GetProperty("account").GetProperty("needsSecondFactor").GetBoolean());
        var session = Bearer(first.GetProperty("accessToken").GetString()!);
        var (refused, why) = await PopulationApiFixture.SendAsync(session, HttpMethod.Post, $"/api/people/{person}/unmask", new { purpose = "核对身份 check" });
        Assert.Equal(403, refused);
        Assert.Equal("second_factor_required", why.GetProperty("code").GetString());
        var (_, state) = await PopulationApiFixture.SendAsync(session, HttpMethod.Get, "/api/auth/totp");
        Assert.False(state.GetProperty("enrolled").GetBoolean());
        Assert.True(state.GetProperty("neededToUnmask").GetBoolean());

        // Enrolment: a secret, shown to its owner until a first code confirms it; a wrong code confirms nothing.
        var (begun, secretBody) = await PopulationApiFixture.SendAsync(session, HttpMethod.Post, "/api/auth/totp");
        Assert.Equal(200, begun);
        var secret = secretBody.GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        Assert.StartsWith($"otpauth://totp/GridMap:{username}?secret={secret}&issuer=GridMap", secretBody.GetProperty("keyUri").GetString());
        Assert.Equal(secret, (await PopulationApiFixture.SendAsync(session, HttpMethod.Get, "/api/auth/totp")).Body.GetProperty("pendingSecret").GetString());
        var (wrong, wrongBody) = await PopulationApiFixture.SendAsync(session, HttpMethod.Post, "/api/auth/totp/confirm",
            new { code = SecondFactor.CodeAt(secret, DateTime.UtcNow.AddMinutes(10)) });
        Assert.Equal(400, wrong);
        Assert.Equal("code", wrongBody.GetProperty("field").GetString());
        Assert.Equal(403, (await PopulationApiFixture.SendAsync(session, HttpMethod.Post, $"/api/people/{person}/unmask", new { purpose = "核对身份 check" })).Status);
        var (confirmed, view) = await PopulationApiFixture.SendAsync(session, HttpMethod.Post, "/api/auth/totp/confirm",
            new { code = SecondFactor.CodeAt(secret, DateTime.UtcNow) });
        Assert.Equal(200, confirmed);
        Assert.True(view.GetProperty("canUnmask").GetBoolean());
        Assert.Equal(200, (await PopulationApiFixture.SendAsync(session, HttpMethod.Post, $"/api/people/{person}/unmask", new { purpose = "核对身份 check" })).Status);
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE actor = $1 AND action = 'enrol_second_factor'", username));

        // Later sessions: with the password alone still masked; with the code a full one; the same code never twice.
        Assert.True((await SignInAsync(username, password)).Body.GetProperty("account").GetProperty("needsSecondFactor").GetBoolean());
        var code = Testing.SecondFactors.NextCode(secret);
        var full = await SignInAsync(username, password, code);
        Assert.Equal(200, full.Status);
        Assert.True(full.Body.GetProperty("account").GetProperty("canUnmask").GetBoolean());
        var replay = await SignInAsync(username, password, code);
        Assert.Equal(401, replay.Status);
        Assert.Equal("wrong_code", replay.Body.GetProperty("code").GetString());
        Assert.Equal(1, await api.Population.ScalarAsync<int>("SELECT failed_sign_ins FROM account WHERE username = $1", username));

        // A lost phone: the administrator removes the factor; every session ends and the account enrols again.
        var fullToken = full.Body.GetProperty("accessToken").GetString()!;
        Assert.Equal(403, (await PopulationApiFixture.SendAsync(await api.ClientAsAsync("county"), HttpMethod.Post, $"/api/accounts/{username}/reset-second-factor")).Status);
        Assert.Equal(204, (await PopulationApiFixture.SendAsync(await api.ClientAsAsync("admin"), HttpMethod.Post, $"/api/accounts/{username}/reset-second-factor")).Status);
        Assert.Equal(401, await MeAsync(fullToken));
        var after = (await SignInAsync(username, password)).Body;
        Assert.False((await PopulationApiFixture.SendAsync(Bearer(after.GetProperty("accessToken").GetString()!), HttpMethod.Get, "/api/auth/totp"))
            .Body.GetProperty("enrolled").GetBoolean());
        Assert.Equal(1L, await api.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE actor = 'admin' AND action = 'reset_second_factor' AND subject = $1", "account:" + username));
    }

    [Fact]
    public async Task Roles_that_never_unmask_are_not_asked_for_a_second_factor()
    {
        var planner = await api.ClientAsAsync("planner");
        var (_, me) = await PopulationApiFixture.SendAsync(planner, HttpMethod.Get, "/api/auth/me");
        Assert.False(me.GetProperty("needsSecondFactor").GetBoolean());
        Assert.False(me.GetProperty("canUnmask").GetBoolean());
        Assert.False((await PopulationApiFixture.SendAsync(planner, HttpMethod.Get, "/api/auth/totp")).Body.GetProperty("neededToUnmask").GetBoolean());
        var (status, problem) = await PopulationApiFixture.SendAsync(planner, HttpMethod.Post, "/api/auth/totp/confirm", new { code = "12" + "3456" });
        Assert.Equal(400, status);
        Assert.Equal("code", problem.GetProperty("field").GetString());
    }
}
