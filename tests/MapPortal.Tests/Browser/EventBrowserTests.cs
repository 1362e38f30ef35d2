using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using GridMap.Store.Accounts;
using GridMap.Testing;
using Microsoft.Playwright;

namespace GridMap.MapPortal.Tests.Browser;

/// <summary>
/// Issue 6's "done when": a grid manager reports on a phone, centres and a department take the event round the closed
/// loop through the card's buttons, the grid manager verifies, the township closes; and the offline queue sends a report
/// made offline once the phone is back online, never twice.
/// </summary>
public sealed class EventBrowserTests(PeopleStack stack) : IClassFixture<PeopleStack>
{
    private const int PhoneWidth = 390, PhoneHeight = 844;
    private const float Wait = 30_000;

    // A valid 1×1 PNG: the queue shrinks photos through a canvas, which needs a real image.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private async Task<PortalPage> SignInAsync(string username, string path, Geolocation? position = null)
    {
        var page = await stack.OpenAsync(path, PhoneWidth, PhoneHeight, position, waitForMap: false);
        await page.SubmitSignInAsync(username);
        await page.Page.WaitForURLAsync(url => new Uri(url).PathAndQuery == path, new() { Timeout = Wait });
        await WaitInteractiveAsync(page);
        return page;
    }

    private static async Task WaitInteractiveAsync(PortalPage page) =>
        await Assertions.Expect(page.Page.Locator("[data-interactive]").First).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Wait });

    private async Task OpenEventAsync(PortalPage page, long id)
    {
        await page.Page.GotoAsync($"{stack.PortalUrl}/events/{id}");
        await WaitInteractiveAsync(page);
        await Assertions.Expect(page.Page.GetByTestId("event-card")).ToBeVisibleAsync(new() { Timeout = Wait });
    }

    /// <summary>Clicks an action, fills its inputs, confirms, and waits for the next version of the card in the expected state.</summary>
    private static async Task ActAsync(PortalPage page, string action, string expectState, Func<IPage, Task>? fill = null)
    {
        var card = page.Page.GetByTestId("event-card");
        var version = int.Parse((await card.GetAttributeAsync("data-version"))!);
        await page.Page.GetByTestId($"action-{action}").ClickAsync();
        if (fill is not null)
        {
            await Assertions.Expect(page.Page.GetByTestId("action-form")).ToHaveAttributeAsync("data-action", action, new() { Timeout = Wait });
            await fill(page.Page);
            await page.Page.GetByTestId("action-confirm").ClickAsync();
        }
        await Assertions.Expect(card).ToHaveAttributeAsync("data-version", (version + 1).ToString(), new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("event-state")).ToHaveAttributeAsync("data-state", expectState);
    }

    private static async Task FillReportAsync(PortalPage page, string description)
    {
        await page.Page.GetByTestId("report-major").SelectOptionAsync("04");
        await page.Page.GetByTestId("report-category").SelectOptionAsync("0401");
        await page.Page.GetByTestId("report-description").FillAsync(description);
        await page.Page.GetByTestId("report-gps").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("report-place")).ToHaveAttributeAsync("data-grid", DemoAccounts.GridManagerGrid, new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("report-submit")).ToBeEnabledAsync();
    }

    private static async Task<ILocator> SubmitAsync(PortalPage page)
    {
        var items = page.Page.GetByTestId("queue-item");
        var before = await items.CountAsync();
        await page.Page.GetByTestId("report-submit").ClickAsync();
        await Assertions.Expect(items).ToHaveCountAsync(before + 1, new() { Timeout = Wait });
        return page.Page.Locator($"[data-testid=queue-item][data-key='{await items.First.GetAttributeAsync("data-key")}']");
    }

    private Task<long> EventsWithKeyAsync(string key) =>
        stack.Population.ScalarAsync<long>("SELECT count(*) FROM event WHERE idempotency_key = $1", key);

    [Fact]
    public async Task A_report_from_the_phone_goes_round_the_closed_loop_through_the_card_buttons()
    {
        var position = await stack.PointInGridAsync(DemoAccounts.GridManagerGrid);
        var field = await SignInAsync("gridmanager", "/report", position);
        await FillReportAsync(field, "村民王某申请低保，家中无劳动力 closed loop");
        await field.Page.GetByTestId("report-photo").SetInputFilesAsync(new FilePayload { Name = "scene.png", MimeType = "image/png", Buffer = Png });
        var item = await SubmitAsync(field);
        await Assertions.Expect(item).ToHaveAttributeAsync("data-status", "sent", new() { Timeout = Wait });
        var link = item.GetByTestId("queue-tracking");
        var id = long.Parse(Regex.Match((await link.GetAttributeAsync("href"))!, @"^/events/(\d+)$").Groups[1].Value);
        await field.ScreenshotAsync("event-report-phone");

        var village = await SignInAsync("village", $"/events/{id}");
        await Assertions.Expect(village.Page.GetByTestId("event-state")).ToHaveAttributeAsync("data-state", "Reported");
        await Assertions.Expect(village.Page.GetByTestId("event-photos").Locator("img")).ToHaveCountAsync(1);
        await ActAsync(village, "Accept", "Accepted");
        await ActAsync(village, "Register", "Registered");
        await ActAsync(village, "Dispatch", "Dispatched", p => p.GetByTestId("dispatch-target").SelectOptionAsync("level:Village"));
        await ActAsync(village, "StartHandling", "Handling");
        await ActAsync(village, "Escalate", "Dispatched", p => p.GetByTestId("action-reason").FillAsync("涉及低保审核，需乡镇协调"));
        // Escalated to the township: the village may no longer handle or dispatch it.
        await Assertions.Expect(village.Page.GetByTestId("action-StartHandling")).ToHaveCountAsync(0);
        await Assertions.Expect(village.Page.GetByTestId("action-Dispatch")).ToHaveCountAsync(0);

        var township = await SignInAsync("township", $"/events/{id}");
        await ActAsync(township, "Dispatch", "Dispatched", p => p.GetByTestId("dispatch-target").SelectOptionAsync("dept:civil-affairs"));
        await Assertions.Expect(township.Page.GetByTestId("event-owner")).ToContainTextAsync("民政");
        // A new owner starts unheld (the township, below the county's department, may not assign it).
        await Assertions.Expect(township.Page.GetByTestId("event-holder")).ToHaveAttributeAsync("data-holder", "");
        await Assertions.Expect(township.Page.GetByTestId("action-Assign")).ToHaveCountAsync(0);

        // The department officer finds it in the queue of its department and claims it: the step names them (承办人).
        var civil = await SignInAsync("civil", "/tasks");
        await civil.Page.Locator($"[data-testid=task-group][data-group=department] [data-testid=task][data-id='{id}'] a").ClickAsync();
        await Assertions.Expect(civil.Page.GetByTestId("event-card")).ToHaveAttributeAsync("data-state", "Dispatched", new() { Timeout = Wait });
        await ActAsync(civil, "Claim", "Dispatched");
        await Assertions.Expect(civil.Page.GetByTestId("event-holder")).ToHaveAttributeAsync("data-holder", "civil");
        await Assertions.Expect(civil.Page.GetByTestId("action-Claim")).ToHaveCountAsync(0);
        await ActAsync(civil, "StartHandling", "Handling");
        await ActAsync(civil, "Feedback", "FeedbackGiven", p => p.GetByTestId("action-note").FillAsync("已入户核实，低保申请材料已受理"));

        await OpenEventAsync(field, id);
        await ActAsync(field, "Verify", "Verifying", async p =>
        {
            await p.GetByTestId("verify-pass").CheckAsync();
            await p.GetByTestId("action-note").FillAsync("现场核实属实");
        });

        await OpenEventAsync(township, id);
        await ActAsync(township, "Close", "Closed");
        await Assertions.Expect(township.Page.GetByTestId("action-Close")).ToHaveCountAsync(0);
        var steps = await township.Page.GetByTestId("history-line").EvaluateAllAsync<string[]>("lines => lines.map(l => l.dataset.action)");
        Assert.Equal(["Report", "Accept", "Register", "Dispatch", "StartHandling", "Escalate", "Dispatch", "Claim", "StartHandling", "Feedback", "Verify", "Close"],
            steps.Select(s => char.ToUpperInvariant(s[0]) + s[1..]));
        await Assertions.Expect(township.Page.GetByTestId("event-chain")).ToHaveAttributeAsync("data-intact", "true");
        await township.ScreenshotAsync("event-closed-card");
        Assert.Equal("Closed", await stack.Population.ScalarAsync<string>("SELECT state FROM event WHERE id = $1", id));
        Assert.Empty(village.Errors.Concat(township.Errors).Concat(civil.Errors));
    }

    [Fact]
    public async Task A_township_clerk_is_assigned_a_step_sees_it_live_in_the_inbox_the_county_supervises_the_deadline_passes_and_the_county_closes_the_record()
    {
        // The clerk's inbox is open on a phone before anything happens.
        var clerk = await SignInAsync("township", "/inbox");
        var point = await stack.PointInGridAsync(DemoAccounts.GridManagerGrid);
        long id;
        using (var gm = await stack.ApiClientAsync("gridmanager"))
        using (var reported = await gm.PostAsJsonAsync("/api/events", new
               {
                   category = "0401", description = "低保申请，问责流程测试", lon = point.Longitude, lat = point.Latitude,
                   idempotencyKey = Guid.NewGuid().ToString(),
               }))
        {
            reported.EnsureSuccessStatusCode();
            id = (await reported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        }
        // The county assigns the township's intake step to the clerk: it appears in the open inbox without a reload.
        using (var countyApi = await stack.ApiClientAsync("county"))
        using (var assigned = await countyApi.PostAsJsonAsync($"/api/events/{id}/actions/assign", new { person = "township" }))
            assigned.EnsureSuccessStatusCode();
        var assignedItem = clerk.Page.Locator($"[data-testid=inbox-item][data-event='{id}'][data-kind=assigned]");
        await Assertions.Expect(assignedItem).ToHaveAttributeAsync("data-read", "false", new() { Timeout = Wait });
        await Assertions.Expect(assignedItem).ToContainTextAsync("county 将此事件指派给你办理");
        // The menu's badge counts the same unread items, pushed by its own subscription.
        var unread = await clerk.Page.GetByTestId("inbox-unread").GetAttributeAsync("data-unread");
        await Assertions.Expect(clerk.Page.GetByTestId("inbox-badge")).ToHaveTextAsync(unread!, new() { Timeout = Wait });

        // The county supervises it from the card: a note, and an answer required.
        var county = await SignInAsync("county", $"/events/{id}");
        await Assertions.Expect(county.Page.GetByTestId("event-holder")).ToHaveAttributeAsync("data-holder", "township");
        await ActAsync(county, "Supervise", "Reported", async p =>
        {
            await p.GetByTestId("action-note").FillAsync("请今日内受理并答复");
            await p.GetByTestId("supervise-answer").CheckAsync();
        });
        await Assertions.Expect(county.Page.GetByTestId("event-answer-due")).ToContainTextAsync("county");
        await Assertions.Expect(clerk.Page.Locator($"[data-testid=inbox-item][data-event='{id}'][data-kind=supervised]"))
            .ToContainTextAsync("请今日内受理并答复", new() { Timeout = Wait });

        // The clerk misses the deadline: the sweep records it against the clerk and tells them.
        await stack.Population.ScalarAsync<int>("UPDATE event SET due = now() - interval '1 minute' WHERE id = $1 RETURNING 1", id);
        await new GridMap.Store.Events.EventStore(stack.Population.DataSource, TimeProvider.System).SweepOverdueAsync();
        await Assertions.Expect(clerk.Page.Locator($"[data-testid=inbox-item][data-event='{id}'][data-kind=overdue]")).ToHaveCountAsync(1, new() { Timeout = Wait });
        await clerk.ScreenshotAsync("inbox-phone");

        await county.Page.GotoAsync($"{stack.PortalUrl}/accountability");
        await WaitInteractiveAsync(county);
        var record = county.Page.Locator($"[data-testid=acc-record][data-event='{id}']");
        await Assertions.Expect(record).ToHaveAttributeAsync("data-kind", "overdue", new() { Timeout = Wait });
        await Assertions.Expect(record.GetByTestId("acc-person")).ToHaveTextAsync("township");
        await record.GetByTestId("acc-outcome-input").FillAsync("约谈提醒，记入季度考核");
        await record.GetByTestId("acc-close").ClickAsync();
        await Assertions.Expect(record).ToHaveCountAsync(0, new() { Timeout = Wait });
        await county.Page.GetByTestId("acc-open-only").UncheckAsync();
        await Assertions.Expect(record).ToHaveAttributeAsync("data-open", "false", new() { Timeout = Wait });
        await Assertions.Expect(record.GetByTestId("acc-outcome")).ToContainTextAsync("约谈提醒");
        await county.ScreenshotAsync("accountability-closed");
        Assert.Equal("county", await stack.Population.ScalarAsync<string>("SELECT closed_by FROM accountability WHERE event_id = $1", id));
        Assert.Empty(county.Errors.Concat(clerk.Errors));
    }

    [Fact]
    public async Task A_report_made_offline_waits_in_the_queue_and_is_sent_once_when_back_online()
    {
        var position = await stack.PointInGridAsync(DemoAccounts.GridManagerGrid);
        var page = await SignInAsync("gridmanager", "/report", position);
        await FillReportAsync(page, "路灯损坏 offline queue");

        await page.Page.Context.SetOfflineAsync(true);
        var item = await SubmitAsync(page);
        await Assertions.Expect(item).ToHaveAttributeAsync("data-status", "queued", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("queue-count")).ToHaveAttributeAsync("data-count", "1");
        var key = (await item.GetAttributeAsync("data-key"))!;
        Assert.Equal(0L, await EventsWithKeyAsync(key));
        await page.ScreenshotAsync("event-report-offline-queue");

        await page.Page.Context.SetOfflineAsync(false);
        await Assertions.Expect(item).ToHaveAttributeAsync("data-status", "sent", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("queue-count")).ToHaveAttributeAsync("data-count", "0");
        await Assertions.Expect(item.GetByTestId("queue-tracking")).ToBeVisibleAsync();
        Assert.Equal(1L, await EventsWithKeyAsync(key));

        // A reload finds the item sent and sends nothing again.
        await page.Page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await Assertions.Expect(page.Page.Locator($"[data-testid=queue-item][data-key='{key}']")).ToHaveAttributeAsync("data-status", "sent", new() { Timeout = Wait });
        Assert.Equal(1L, await EventsWithKeyAsync(key));
    }

    [Fact]
    public async Task A_send_whose_answer_is_lost_is_retried_with_the_same_key_and_makes_one_event()
    {
        var position = await stack.PointInGridAsync(DemoAccounts.GridManagerGrid);
        var page = await SignInAsync("gridmanager", "/report", position);
        await FillReportAsync(page, "answer lost retry");

        // The first send reaches the server, but the phone never hears the answer (the connection drops).
        var sends = 0;
        await page.Page.RouteAsync("**/portal-api/reports", async route =>
        {
            if (Interlocked.Increment(ref sends) == 1)
            {
                _ = await route.FetchAsync();
                await route.AbortAsync("connectionreset");
            }
            else
                await route.ContinueAsync();
        });
        var item = await SubmitAsync(page);
        await Assertions.Expect(item).ToHaveAttributeAsync("data-status", "sent", new() { Timeout = Wait });
        var key = (await item.GetAttributeAsync("data-key"))!;
        Assert.True(sends >= 2, $"the report was sent {sends} time(s)");
        Assert.Equal(1L, await EventsWithKeyAsync(key));
        Assert.Equal(1L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM event WHERE description = 'answer lost retry'"));
    }

    [Fact]
    public async Task A_hotline_clerk_places_a_call_at_a_building_and_the_card_masks_the_caller()
    {
        var page = await SignInAsync("village", "/hotline");
        await page.Page.GetByTestId("report-major").SelectOptionAsync("04");
        await page.Page.GetByTestId("report-category").SelectOptionAsync("0401");
        await page.Page.GetByTestId("report-description").FillAsync("来电反映家中困难 hotline");
        await page.Page.GetByTestId("report-caller-name").FillAsync("李四");
        await page.Page.GetByTestId("report-caller-phone").FillAsync("13912345678");
        await page.Page.GetByTestId("report-building-query").FillAsync("测试巷A九");
        await page.Page.GetByTestId("report-building-query").PressAsync("Enter");
        var building = stack.Population.Buildings["A"];
        await page.Page.Locator($"[data-testid=report-building-hits] button[data-code='{building}']").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("report-building")).ToBeVisibleAsync(new() { Timeout = Wait });
        Assert.Equal(0, await page.Page.GetByTestId("queue-item").CountAsync());

        var item = await SubmitAsync(page);
        await Assertions.Expect(item).ToHaveAttributeAsync("data-status", "sent", new() { Timeout = Wait });
        var key = (await item.GetAttributeAsync("data-key"))!;
        await item.GetByTestId("queue-tracking").ClickAsync();
        await Assertions.Expect(page.Page.GetByTestId("event-card")).ToHaveAttributeAsync("data-state", "Reported", new() { Timeout = Wait });
        await Assertions.Expect(page.Page.GetByTestId("event-contact")).ToHaveTextAsync(new Regex(@"李\*\s+139\*{4}5678"));
        Assert.Equal(("hotline", building), (await stack.Population.ScalarAsync<string>("SELECT channel FROM event WHERE idempotency_key = $1", key),
            await stack.Population.ScalarAsync<string>("SELECT building_code FROM event WHERE idempotency_key = $1", key)));
    }

    [Fact]
    public async Task The_report_relay_wants_a_sign_in_and_a_request_token()
    {
        const string post = "() => fetch('/portal-api/reports', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }).then(r => r.status)";
        var anonymous = await stack.OpenAsync("/login", PhoneWidth, PhoneHeight, waitForMap: false);
        Assert.Equal(401, await anonymous.Page.EvaluateAsync<int>(post));

        var page = await SignInAsync("gridmanager", "/report");
        Assert.Equal(400, await page.Page.EvaluateAsync<int>(post));
        Assert.Equal(0L, await stack.Population.ScalarAsync<long>("SELECT count(*) FROM event WHERE description = ''"));
    }
}
