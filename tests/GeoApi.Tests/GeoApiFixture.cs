using System.Net.Http.Json;
using System.Text.Json;
using GridMap.GeoApi;
using GridMap.Testing;

namespace GridMap.GeoApi.Tests;

/// <summary>GeoApi in-process over the shared generated province.</summary>
public sealed class GeoApiFixture : IAsyncLifetime
{
    public ProvinceFixture Province { get; } = new();
    public HostFactory<GeoApiHost> Factory { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Province.InitializeAsync();
        Factory = new HostFactory<GeoApiHost>(Province.ConnectionString);
        Client = Factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Province.DisposeAsync();
    }

    public async Task<JsonElement> GetJsonAsync(string path, int expectedStatus = 200)
    {
        using var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"{path}: expected {expectedStatus}, got {(int)response.StatusCode}: {body}");
        if (expectedStatus >= 400)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
