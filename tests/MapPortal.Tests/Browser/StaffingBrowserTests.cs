using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>
/// Staffing and accounts in the portal (issue 17, item 5): the township appoints a grid's manager and resolves a flag a
/// boundary publish left; the administrator opens an account, sees its one-time password once, and disables it.
/// </summary>
public sealed class StaffingBrowserTests(PeopleStack stack) : IClassFixture<PeopleStack>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 30_000 };
    private static readonly PageWaitForURLOptions Navigated = new() { Timeout = 30_000, WaitUntil = WaitUntilState.Commit };

    [Fact]
    public async Task The_township_appoints_a_grid_manager_and_resolves_a_flag_left_by_a_boundary_change()
    {
        const string Grid = "140428203211004";
        var flag = await stack.Population.ScalarAsync<long>("""
            INSERT INTO grid_manager_flag (village_code, version, grid_code, name, phone, reason, flagged_at)
            VALUES ('140428203211', 2, '140428203211098', '赵待岗', '13900000008', 'manager', now()) RETURNING id
            """);
        var path = $"/staffing?grid={Grid}";
        var page = await stack.OpenAsync(path, waitForMap: false);
        await page.SubmitSignInAsync("township");
        await page.Page.WaitForURLAsync(url => new Uri(url).PathAndQuery == path, Navigated);

        await Assertions.Expect(page.Page.GetByTestId("staff-post")).ToBeVisibleAsync(Visible);
        await page.Page.GetByTestId("staff-name").FillAsync("钱新任");
        await page.Page.GetByTestId("staff-phone").FillAsync("13900000007");
        await page.Page.GetByTestId("staff-appoint-submit").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("staff-password")).ToHaveTextAsync(new Regex("^.{12}$"), new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("staff-manager")).ToContainTextAsync("钱新任", new() { Timeout = 30_000 });
        Assert.Equal("钱新任", await stack.Population.ScalarAsync<string>("SELECT name FROM grid_manager WHERE grid_code = $1", Grid));

        var row = page.Page.Locator($"[data-testid=staff-flag][data-id='{flag}']");
        await Assertions.Expect(row).ToBeVisibleAsync(Visible);
        await row.GetByTestId("flag-grid").FillAsync("140428203211005");
        await row.GetByTestId("flag-note").FillAsync("调整到005网格");
        await row.GetByTestId("flag-resolve").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("staff-issued")).ToContainTextAsync("赵待岗", new() { Timeout = 30_000 });
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Assert.Equal("赵待岗", await stack.Population.ScalarAsync<string>("SELECT name FROM grid_manager WHERE grid_code = '140428203211005'"));
        await page.ScreenshotAsync("staffing-township");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task The_administrator_opens_an_account_sees_its_password_once_and_disables_it()
    {
        var page = await stack.OpenAsync("/admin/accounts", waitForMap: false);
        await page.SubmitSignInAsync("admin");
        await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/admin/accounts", Navigated);
        await Assertions.Expect(page.Page.GetByTestId("adm-account").First).ToBeVisibleAsync(Visible);

        await page.Page.Locator("[data-testid=adm-open] summary").ClickAsync();
        await page.Page.GetByTestId("adm-new-username").FillAsync("nanchen-new");
        await page.Page.GetByTestId("adm-new-name").FillAsync("南陈乡综治中心 新人");
        await page.Page.GetByTestId("adm-new-role").SelectOptionAsync("township_staff");
        await page.Page.GetByTestId("adm-new-scope").FillAsync("140428203");
        await page.Page.GetByTestId("adm-new-submit").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("adm-password")).ToHaveTextAsync(new Regex("^.{12}$"), new() { Timeout = 30_000 });
        var account = page.Page.Locator("[data-testid=adm-account][data-username='nanchen-new']");
        await Assertions.Expect(account).ToBeVisibleAsync(Visible);
        await page.ScreenshotAsync("accounts-admin");

        await account.GetByTestId("adm-disable").ClickAsync();
        await Assertions.Expect(account.GetByTestId("adm-state")).ToContainTextAsync("已停用", new() { Timeout = 30_000 });
        Assert.False(await stack.Population.ScalarAsync<bool>("SELECT active FROM account WHERE username = 'nanchen-new'"));
        Assert.Equal(2L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE actor = 'admin' AND subject = 'account:nanchen-new' AND action IN ('open_account', 'disable_account')"));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task The_village_records_a_funeral_over_the_rules_and_a_contract_about_to_end_on_its_affairs_page()
    {
        var page = await stack.OpenAsync("/village-affairs", 390, 844, null, waitForMap: false);
        await page.SubmitSignInAsync("village");
        await page.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/village-affairs", Navigated);
        await Assertions.Expect(page.Page.GetByTestId("va-page")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.GetByTestId("va-village")).ToHaveValueAsync("140428203211");

        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        await page.Page.Locator("[data-testid=va-ceremony-new] summary").ClickAsync();
        await page.Page.GetByTestId("va-ceremony-kind").SelectOptionAsync("funeral");
        await page.Page.GetByTestId("va-ceremony-family").FillAsync("赵某家");
        await page.Page.GetByTestId("va-ceremony-tables").FillAsync("30");
        await page.Page.GetByTestId("va-ceremony-service").FillAsync("理事会协助治丧，劝导简办");
        await page.Page.GetByTestId("va-ceremony-save").ClickAsync();
        var funeral = page.Page.GetByTestId("va-ceremony").Filter(new() { HasText = "赵某家" });
        await Assertions.Expect(funeral).ToHaveAttributeAsync("data-within", "false", new() { Timeout = 30_000 });
        await Assertions.Expect(funeral).ToContainTextAsync("限 15 桌");

        await page.Page.Locator("[data-testid=va-contract-new] summary").ClickAsync();
        await page.Page.GetByTestId("va-contract-party").FillAsync("申某（承包户）");
        await page.Page.GetByTestId("va-contract-subject").FillAsync("村集体鱼塘承包");
        await page.Page.GetByTestId("va-contract-start").FillAsync(today.AddYears(-1).ToString("yyyy-MM-dd"));
        await page.Page.GetByTestId("va-contract-end").FillAsync(today.AddDays(10).ToString("yyyy-MM-dd"));
        await page.Page.GetByTestId("va-contract-amount").FillAsync("12000");
        await page.Page.GetByTestId("va-contract-renewal").SelectOptionAsync("renew");
        await page.Page.GetByTestId("va-contract-save").ClickAsync();
        var contract = page.Page.GetByTestId("va-contract").Filter(new() { HasText = "村集体鱼塘承包" });
        await Assertions.Expect(contract).ToHaveAttributeAsync("data-ending", "true", new() { Timeout = 30_000 });
        await page.ScreenshotAsync("village-affairs-phone");
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>(
            "SELECT count(*) FROM village_contract WHERE subject = '村集体鱼塘承包' AND renewal = 'renew' AND amount_yuan = 12000"));
        Assert.Empty(page.Errors);
    }
}
