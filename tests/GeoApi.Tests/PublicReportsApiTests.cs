using System.Net;
using System.Text.Json;
using GridMap.Testing;
using Npgsql;

namespace GridMap.GeoApi.Tests;

/// <summary>The public web form (validation, idempotent retry, per-IP limit) and the public tracker (what it withholds).</summary>
public sealed class PublicReportsApiTests(IntakeApiFixture api) : IClassFixture<IntakeApiFixture>
{
    private const string Path = "/api/public/reports";

    private async Task<(int Status, string Text, string? MediaType, JsonElement Json)> PostAsync(Dictionary<string, object?> body, HttpClient? client = null) =>
        await IntakeApiFixture.SendAsync(client ?? api.Factory.CreateClient(), IntakeApiFixture.Json(Path, body));

    private async Task<(int Status, string Text, string? MediaType, JsonElement Json)> GetAsync(string path) =>
        await IntakeApiFixture.SendAsync(api.Factory.CreateClient(), new HttpRequestMessage(HttpMethod.Get, path));

    private static void AssertProblem(int expected, (int Status, string Text, string? MediaType, JsonElement Json) answer, string? detailContains = null)
    {
        Assert.True(expected == answer.Status, $"expected {expected}: {answer.Status} {answer.Text}");
        Assert.Equal("application/problem+json", answer.MediaType);
        if (detailContains is not null)
            Assert.Contains(detailContains, answer.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_full_intake_queue_answers_503_with_Retry_After_and_writes_nothing_for_it()
    {
        // One queued report and two writers holding one each: the fourth report at the latest finds the queue full,
        // while a lock holds every insert back.
        await using var host = new HostFactory<GeoApiHost>(api.ConnectionString, new Dictionary<string, string?>
        {
            ["PublicReports:PermitsPerMinute"] = "100000", ["Intake:QueueCapacity"] = "1", ["Intake:BatchSize"] = "1",
        });
        var client = host.CreateClient();
        await using var holder = await api.DataSource.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE event IN SHARE MODE", holder, hold))
            await lockTable.ExecuteNonQueryAsync();

        var bodies = Enumerable.Range(0, 6).Select(_ => api.PublicReport()).ToList();
        var posts = bodies.Select(body => client.SendAsync(IntakeApiFixture.Json(Path, body))).ToList();
        using var busy = await await Task.WhenAny(posts);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal("application/problem+json", busy.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), busy.Headers.RetryAfter?.Delta);
        await hold.RollbackAsync();
        var answers = await Task.WhenAll(posts);

        var refused = bodies.Where((_, i) => answers[i].StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.InRange(refused.Count, 3, 6);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.ServiceUnavailable),
            a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        foreach (var body in refused)
            Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM event WHERE idempotency_key = $1", $"web:{body["idempotencyKey"]}"));
        // The retry the 503 asks for goes through.
        var (status, text, _, _) = await PostAsync(refused[0]);
        Assert.True(status == 201, $"expected 201: {status} {text}");
        foreach (var answer in answers)
            answer.Dispose();
    }

    [Fact]
    public async Task Every_field_is_checked_and_nothing_is_written_on_a_bad_report()
    {
        var before = await api.EventCountAsync();
        var cases = new (string Detail, Action<Dictionary<string, object?>> Spoil)[]
        {
            ("category is required", b => b.Remove("category")),
            ("not a category code", b => b["category"] = "06'; --"),
            ("Unknown category", b => b["category"] = "9999"),
            ("description is required", b => b["description"] = "   "),
            ("at most 2000", b => b["description"] = new string('长', 2001)),
            ("control characters", b => b["description"] = "nul\0byte"),
            ("lon and lat are required", b => b.Remove("lat")),
            ("outside Shanxi", b => b["lon"] = 116.4),
            ("outside Shanxi", b => b["lat"] = 33.9),
            ("not inside any grid", b => (b["lon"], b["lat"]) = (110.1, 34.1)),
            ("address", b => b["address"] = new string('路', 201)),
            ("contact name", b => b["contactName"] = new string('名', 51)),
            ("phone number", b => b["contactPhone"] = "call me"),
            ("phone number", b => b["contactPhone"] = "1"),
            ("idempotencyKey is required", b => b.Remove("idempotencyKey")),
            ("idempotency key", b => b["idempotencyKey"] = "short"),
            ("idempotency key", b => b["idempotencyKey"] = "has spaces in it"),
        };
        foreach (var (detail, spoil) in cases)
            AssertProblem(400, await PostAsync(api.PublicReport(spoil)), detail);
        using var notJson = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
        AssertProblem(400, await IntakeApiFixture.SendAsync(api.Factory.CreateClient(), notJson));
        Assert.Equal(before, await api.EventCountAsync());
    }

    [Fact]
    public async Task A_report_is_answered_with_the_tracking_number_only()
    {
        var (status, text, _, body) = await PostAsync(api.PublicReport(b => (b["contactName"], b["contactPhone"]) = ("王五", "+86 139-1234-5678")));
        Assert.True(status == 201, text);
        Assert.Equal(["trackingNo"], body.EnumerateObject().Select(p => p.Name));
        var trackingNo = body.GetProperty("trackingNo").GetString()!;
        Assert.Matches("^GM-[0-9A-Z]{4}-[0-9A-Z]{4}$", trackingNo);
        Assert.Equal("web public", await api.ScalarAsync<string>("SELECT channel || ' ' || reporter FROM event WHERE tracking_no = $1", trackingNo));
        Assert.Equal("+86 139-1234-5678", await api.ScalarAsync<string>("SELECT contact_phone FROM event WHERE tracking_no = $1", trackingNo));
    }

    [Fact]
    public async Task A_retry_with_the_same_key_creates_no_second_event()
    {
        var report = api.PublicReport();
        var first = await PostAsync(report);
        var second = await PostAsync(report);
        Assert.Equal(201, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal(first.Json.GetProperty("trackingNo").GetString(), second.Json.GetProperty("trackingNo").GetString());
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM event WHERE idempotency_key = 'web:' || $1", (string)report["idempotencyKey"]!));
    }

    [Fact]
    public async Task A_hostile_string_is_stored_verbatim_and_shown_only_where_descriptions_may_go()
    {
        const string hostile = "'; DROP TABLE event; -- <script>alert(1)</script> %_ \\ 💥 \"quoted\"";
        var (status, _, _, body) = await PostAsync(api.PublicReport(b => (b["description"], b["address"]) = (hostile, hostile)));
        Assert.Equal(201, status);
        var trackingNo = body.GetProperty("trackingNo").GetString()!;
        Assert.Equal(hostile, await api.ScalarAsync<string>("SELECT description FROM event WHERE tracking_no = $1", trackingNo));

        var (_, trackText, _, _) = await GetAsync($"/api/track/{trackingNo}");
        Assert.DoesNotContain("DROP TABLE", trackText);
        var (_, _, _, open311) = await GetAsync($"/open311/v2/requests/{trackingNo}.json");
        Assert.Equal(hostile, open311[0].GetProperty("description").GetString());
    }

    [Fact]
    public async Task The_tracker_shows_progress_without_description_names_or_phone()
    {
        var (_, _, _, body) = await PostAsync(api.PublicReport(b =>
            (b["description"], b["contactName"], b["contactPhone"], b["address"]) = ("秘密描述 secret-description-xyz", "张三丰", "13912345678", "私人住址 7号")));
        var trackingNo = body.GetProperty("trackingNo").GetString()!;
        var (status, text, _, view) = await GetAsync($"/api/track/{trackingNo.ToLowerInvariant()}");
        Assert.Equal(200, status);
        Assert.Equal(trackingNo, view.GetProperty("trackingNo").GetString());
        Assert.Equal("Reported", view.GetProperty("state").GetString());
        Assert.Equal("群众", Assert.Single(view.GetProperty("steps").EnumerateArray()).GetProperty("by").GetString());
        foreach (var secret in new[] { "secret-description-xyz", "秘密描述", "张三丰", "张", "13912345678", "私人住址", "\"id\"", "lon", "lat" })
            Assert.DoesNotContain(secret, text);

        AssertProblem(404, await GetAsync("/api/track/GM-2222-2222"), "GM-2222-2222");
        AssertProblem(400, await GetAsync("/api/track/GM-1234"));
        AssertProblem(400, await GetAsync("/api/track/'%3B%20DROP%20TABLE%20event%3B--"));
    }

    [Fact]
    public async Task Too_many_reports_from_one_address_get_429()
    {
        var client = api.TightFactory.CreateClient();
        for (var i = 0; i < IntakeApiFixture.TightLimit; i++)
            Assert.NotEqual(429, (await PostAsync(api.PublicReport(b => b.Remove("category")), client)).Status);
        var refused = await PostAsync(api.PublicReport(), client);
        AssertProblem(429, refused, "too many reports");
    }
}
