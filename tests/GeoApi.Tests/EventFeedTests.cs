using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.GeoApi.Events;
using GridMap.Store.Accounts;
using GridMap.Store.Notifications;
using GridMap.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// The live feed: GeoApi on Kestrel over a database of its own; hub clients are the .NET SignalR client with each
/// account's token. A report in the demo grid reaches the township's client and not a client of another county.
/// </summary>
public sealed class EventFeedTests(PopulationFixture population) : IClassFixture<PopulationFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private HostFactory<GeoApiHost> factory = null!;
    private HttpClient client = null!;
    private readonly List<HubConnection> connections = [];

    public async Task InitializeAsync()
    {
        factory = new HostFactory<GeoApiHost>(population.ConnectionString, new Dictionary<string, string?> { ["Events:SweepSeconds"] = "0" });
        factory.UseKestrel(0);
        factory.StartServer();
        client = factory.CreateClient();
        await factory.Services.GetRequiredService<EventFeed>().Listening.WaitAsync(Patience);
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in connections)
            await connection.DisposeAsync();
        client.Dispose();
        await factory.DisposeAsync();
    }

    private async Task<string> TokenAsync(string username) =>
        (await new AccountStore(population.DataSource).SignInAsync(username, DemoAccounts.Password))!.Token;

    /// <summary>A county-centre account of another county of the same city (where place D's building is).</summary>
    private async Task<string> OtherCountyAsync()
    {
        var county = population.Buildings["D"][..6];
        var username = "county" + county;
        await new AccountStore(population.DataSource).CreateAsync(
            new NewAccount(username, "外县综治中心 测试", DemoAccounts.Password, Role.CountyStaff, AdminCode.Parse(county)));
        return username;
    }

    private sealed record Listener(HubConnection Connection, System.Threading.Channels.Channel<JsonElement> Changes);

    private async Task<Listener> ListenAsync(string username)
    {
        var token = await TokenAsync(username);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(client.BaseAddress!, EventsHub.Path), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var changes = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();
        connection.On<JsonElement>(EventsHub.EventChanged, e => changes.Writer.TryWrite(e));
        await connection.StartAsync();
        connections.Add(connection);
        return new Listener(connection, changes);
    }

    private async Task<JsonElement> ReportAsync(string username, string place, string channel)
    {
        var point = await population.ScalarAsync<double[]>(
            "SELECT ARRAY[ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom))] FROM building WHERE code = $1", population.Buildings[place]);
        var category = await population.ScalarAsync<string>("SELECT min(code) FROM event_category WHERE NOT urgent");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events")
        {
            Content = JsonContent.Create(new { category, description = "测试 live feed " + place, lon = point[0], lat = point[1], channel }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(username));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<JsonElement> NextAsync(Listener listener, long id)
    {
        while (true)
        {
            var change = await listener.Changes.Reader.ReadAsync().AsTask().WaitAsync(Patience);
            if (change.GetProperty("id").GetInt64() == id)
                return change;
        }
    }

    [Fact]
    public async Task A_report_reaches_the_township_and_not_another_county()
    {
        var township = await ListenAsync("township");
        var other = await ListenAsync(await OtherCountyAsync());

        var reported = await ReportAsync("gridmanager", "A", "grid");
        var pushed = await NextAsync(township, reported.GetProperty("id").GetInt64());
        Assert.Equal(reported.GetProperty("trackingNo").GetString(), pushed.GetProperty("trackingNo").GetString());
        Assert.Equal(DemoAccounts.GridManagerGrid, pushed.GetProperty("grid").GetString());
        Assert.Equal("Reported", pushed.GetProperty("state").GetString());

        // Notices are forwarded one by one, in order: once the other county has its own event, the earlier one would
        // have been there before it.
        var theirs = await ReportAsync("county" + population.Buildings["D"][..6], "D", "hotline");
        var first = await other.Changes.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(theirs.GetProperty("id").GetInt64(), first.GetProperty("id").GetInt64());
        Assert.False(township.Changes.Reader.TryPeek(out var leaked) && leaked.GetProperty("id").GetInt64() == theirs.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_step_taken_through_the_api_is_pushed_with_the_new_state()
    {
        var township = await ListenAsync("township");
        var reported = await ReportAsync("gridmanager", "A", "grid");
        var id = reported.GetProperty("id").GetInt64();
        await NextAsync(township, id);

        var owner = reported.GetProperty("owner").GetProperty("unit").GetString()!;
        var acceptor = owner.Length switch { 12 => "village", 9 => "township", _ => "county" };
        using var accept = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{id}/actions/accept") { Content = JsonContent.Create(new { }) };
        accept.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(acceptor));
        using var response = await client.SendAsync(accept);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var pushed = await NextAsync(township, id);
        Assert.Equal("Accepted", pushed.GetProperty("state").GetString());
        Assert.Equal(2, pushed.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task The_feed_reconnects_after_losing_its_database_connection_and_tells_clients_to_resync()
    {
        var feed = factory.Services.GetRequiredService<EventFeed>();
        var township = await ListenAsync("township");
        var resync = new TaskCompletionSource();
        township.Connection.On(EventsHub.Resync, () => resync.TrySetResult());
        var before = feed.Connections;

        Assert.True(await population.ScalarAsync<bool>("SELECT pg_terminate_backend($1)", feed.ListenerProcessId!.Value));
        await resync.Task.WaitAsync(Patience);
        Assert.True(feed.Connections > before);

        var reported = await ReportAsync("gridmanager", "A", "grid");
        await NextAsync(township, reported.GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-a-real-token-but-long-enough", HttpStatusCode.Unauthorized)]
    [InlineData("township", HttpStatusCode.OK)]
    public async Task The_hub_takes_the_token_from_the_query_string_as_browsers_send_it(string? who, HttpStatusCode expected)
    {
        var token = who is null ? null : who.Length > 20 ? who : await TokenAsync(who);
        var query = token is null ? "" : "&access_token=" + Uri.EscapeDataString(token);
        using var response = await client.PostAsync($"{EventsHub.Path}/negotiate?negotiateVersion=1{query}", null);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Only_the_hub_takes_a_token_from_the_query_string()
    {
        using var response = await client.GetAsync("/api/events?access_token=" + Uri.EscapeDataString(await TokenAsync("township")));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("12 140428 3", true)]
    [InlineData("12", false)]
    [InlineData("x 140428 1", false)]
    [InlineData("-5 140428 1", false)]
    [InlineData("", false)]
    [InlineData("12 140428 1,13 140428 1,14 140525 1", true)]
    [InlineData("12 140428 1,", false)]
    [InlineData("12 140428 1,x 140428 1", false)]
    public void Notices_are_parsed_strictly(string payload, bool ok) => Assert.Equal(ok, EventNotice.TryParseIds(payload, out _));

    [Fact]
    public void An_event_goes_to_every_level_above_its_grid() =>
        Assert.Equal(["area:14", "area:1404", "area:140428", "area:140428203", "area:140428203211", "area:140428203211006"],
            EventsHub.GroupsCovering(DemoAccounts.GridManagerGrid));
}
