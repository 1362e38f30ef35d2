using System.Text.Json;
using GridMap.Testing;
using GridMap.Tiling;

namespace GridMap.Tiling.Tests;

public class HostTests
{
    [Fact]
    public async Task The_tiling_service_starts_and_answers_its_health_check()
    {
        await using var factory = new HostFactory<TilingHost>(await TestDatabases.ProvinceAsync());
        using var response = await factory.CreateClient().GetAsync("/health");
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("tiling", health.GetProperty("service").GetString());
        Assert.Equal(78_379, health.GetProperty("grids").GetInt32());
    }

    [Fact]
    public async Task Unknown_paths_get_a_problem()
    {
        await using var factory = new HostFactory<TilingHost>(await TestDatabases.ProvinceAsync());
        using var response = await factory.CreateClient().GetAsync("/tiles/../../etc/passwd");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
