using GridMap.Testing;

namespace GridMap.GeoApi.Tests;

public class HostTests(GeoApiFixture api) : IClassFixture<GeoApiFixture>
{
    [Fact]
    public async Task Health_reports_the_database_and_its_grids()
    {
        var health = await api.GetJsonAsync("/health");
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal(78_379, health.GetProperty("grids").GetInt32());
    }

    [Fact]
    public async Task Health_is_503_problem_when_the_database_is_down()
    {
        await using var factory = new HostFactory<GeoApiHost>("Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2");
        using var response = await factory.CreateClient().GetAsync("/health");
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/units/14")]
    [InlineData("/api/search?q=%E9%95%BF%E5%AD%90")]
    public async Task A_database_out_of_reach_is_503_with_retry_after_not_a_crash(string path)
    {
        await using var factory = new HostFactory<GeoApiHost>("Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2");
        using var response = await factory.CreateClient().GetAsync(path);
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Contains("Database unavailable", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_endpoints()
    {
        var document = await api.GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/units/{code}", paths);
        Assert.Contains("/api/units/{code}/children", paths);
        Assert.Contains("/api/grids/{code}", paths);
        Assert.Contains("/api/locate", paths);
        Assert.Contains("/api/search", paths);
    }
}
