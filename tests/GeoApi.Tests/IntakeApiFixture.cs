using System.Net.Http.Json;
using System.Text.Json;
using GridMap.GeoApi;
using GridMap.Store.Accounts;
using GridMap.Store.Database;
using GridMap.Store.Open311;
using GridMap.Testing;
using Npgsql;

namespace GridMap.GeoApi.Tests;

/// <summary>
/// GeoApi over a database of its own (a copy of the province with the demo accounts) for the outside intake: Open311
/// with one client key, and the public form with a limit high enough for the tests (a second host has a limit of
/// <see cref="TightLimit"/> reports a minute for the 429 test).
/// </summary>
public sealed class IntakeApiFixture : IAsyncLifetime
{
    public const int TightLimit = 3;

    private OwnDatabase? database;

    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public HostFactory<GeoApiHost> Factory { get; private set; } = null!;
    public HostFactory<GeoApiHost> TightFactory { get; private set; } = null!;
    public string ApiKey { get; private set; } = "";
    public string ConnectionString => database!.ConnectionString;

    /// <summary>A point inside the demo grid manager's grid 140428203211006.</summary>
    public (double Lon, double Lat) InGrid { get; private set; }

    public async Task InitializeAsync()
    {
        database = await TestDatabases.CreateAsync("intake", withProvince: true);
        DataSource = GridMapDataSource.Create(database.ConnectionString, "gridmap-tests");
        await DemoAccounts.EnsureAsync(new AccountStore(DataSource));
        ApiKey = await new Open311Store(DataSource, TimeProvider.System).CreateKeyAsync("test-client");
        await using var command = DataSource.CreateCommand("SELECT ST_X(label_point), ST_Y(label_point) FROM grid WHERE code = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = DemoAccounts.GridManagerGrid });
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            InGrid = (reader.GetDouble(0), reader.GetDouble(1));
        }
        Factory = new HostFactory<GeoApiHost>(database.ConnectionString, new Dictionary<string, string?> { ["PublicReports:PermitsPerMinute"] = "100000" });
        TightFactory = new HostFactory<GeoApiHost>(database.ConnectionString,
            new Dictionary<string, string?> { ["PublicReports:PermitsPerMinute"] = TightLimit.ToString() });
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await TightFactory.DisposeAsync();
        await DataSource.DisposeAsync();
        if (database is not null)
            await database.DisposeAsync();
    }

    public Task<T> ScalarAsync<T>(string sql, params object[] parameters) => DataSource.ScalarAsync<T>(sql, parameters);

    public Task<long> EventCountAsync() => ScalarAsync<long>("SELECT count(*) FROM event");

    /// <summary>A valid public report at <see cref="InGrid"/> with a fresh key; <paramref name="change"/> spoils or varies it.</summary>
    public Dictionary<string, object?> PublicReport(Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["category"] = "0601",
            ["description"] = "路边有一堆垃圾 rubbish by the road",
            ["lon"] = InGrid.Lon,
            ["lat"] = InGrid.Lat,
            ["idempotencyKey"] = Guid.NewGuid().ToString(),
        };
        change?.Invoke(body);
        return body;
    }

    /// <summary>Status, raw text, media type and parsed JSON of one request.</summary>
    public static async Task<(int Status, string Text, string? MediaType, JsonElement Json)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text, response.Content.Headers.ContentType?.MediaType,
            text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static HttpRequestMessage Json(string path, object body) => new(HttpMethod.Post, path) { Content = JsonContent.Create(body) };

    public static HttpRequestMessage Form(string path, IDictionary<string, string> fields, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }
}
