using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridMap.GeoApi;
using GridMap.Store.Accounts;
using GridMap.Testing;

namespace GridMap.GeoApi.Tests;

/// <summary>GeoApi in-process over a database of its own with the demo accounts and the known test population.</summary>
public sealed class PopulationApiFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, string> tokens = new();

    public PopulationFixture Population { get; } = new();
    public HostFactory<GeoApiHost> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Population.InitializeAsync();
        Factory = new HostFactory<GeoApiHost>(Population.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Population.DisposeAsync();
    }

    /// <summary>
    /// A client signed in as a demo account (token fetched once per account through POST /api/auth/token); an account
    /// that may unmask enrols its second factor in that session, as staff do before they unmask.
    /// </summary>
    public async Task<HttpClient> ClientAsAsync(string username)
    {
        var client = Factory.CreateClient();
        if (!tokens.TryGetValue(username, out var token))
        {
            using var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password = DemoAccounts.Password });
            response.EnsureSuccessStatusCode();
            var issued = await response.Content.ReadFromJsonAsync<JsonElement>();
            token = issued.GetProperty("accessToken").GetString()!;
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            // Staff who may unmask work as they would: with their second factor enrolled in this session.
            if (issued.GetProperty("account").GetProperty("needsSecondFactor").GetBoolean())
                await SecondFactors.EnrolAsync(client);
            tokens[username] = token;
        }
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A point surely inside a grid, as PostGIS finds it: [longitude, latitude].</summary>
    public async Task<double[]> PointInGridAsync(string grid)
    {
        var wkt = await Population.ScalarAsync<string>("SELECT ST_AsText(ST_PointOnSurface(geom)) FROM grid WHERE code = $1", grid);
        return [.. wkt["POINT(".Length..^1].Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
    }

    public static async Task<(int Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode >= 400)
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                $"{method} {path}: {(int)response.StatusCode} without problem+json: {text}");
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
