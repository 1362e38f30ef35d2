using System.Net;
using System.Text.RegularExpressions;
using GridMap.Testing;

namespace GridMap.GeoApi.Tests;

/// <summary>GeoApi's Prometheus metrics: latency per route, the outbox and the connection pool, served to loopback and allowed networks only.</summary>
public partial class MetricsTests(GeoApiFixture api) : IClassFixture<GeoApiFixture>
{
    [Fact]
    public async Task A_loopback_scrape_shows_latency_per_route_the_outbox_and_the_connection_pool()
    {
        await using var factory = new HostFactory<GeoApiHost>(api.Province.ConnectionString) { Caller = IPAddress.Loopback };
        using var client = factory.CreateClient();
        (await client.GetAsync("/api/units/140428")).EnsureSuccessStatusCode();
        (await client.GetAsync("/api/units/140428")).EnsureSuccessStatusCode();
        (await client.GetAsync("/api/units/nonsense")).Dispose();

        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var count = RouteCount().Match(text);
        Assert.True(count.Success, text[..Math.Min(text.Length, 3000)]);
        Assert.Equal("2", count.Groups[1].Value);
        Assert.Contains("le=\"0.2\"", text);
        Assert.Matches(ClientErrors(), text);
        Assert.Contains("gridmap_sms_outbox_depth{state=\"waiting\"}", text);
        Assert.Contains("npgsql_db_client_operation_duration_bucket", text);
        Assert.Contains("npgsql_db_client_connection_count", text);
        Assert.Contains("process_cpu_seconds_total", text);
    }

    [Fact]
    public async Task Metrics_are_refused_to_a_caller_nobody_can_place()
    {
        var problem = await api.GetJsonAsync("/metrics", 403);
        Assert.Contains("Metrics:AllowFrom", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("10.20.30.40", 200)]
    [InlineData("192.168.1.9", 403)]
    public async Task The_allowed_networks_decide_who_else_may_scrape(string caller, int expected)
    {
        await using var factory = new HostFactory<GeoApiHost>(api.Province.ConnectionString,
            new Dictionary<string, string?> { ["Metrics:AllowFrom"] = "10.0.0.0/8, 172.16.0.0/12" }) { Caller = IPAddress.Parse(caller) };
        using var response = await factory.CreateClient().GetAsync("/metrics");
        Assert.Equal(expected, (int)response.StatusCode);
    }

    [Fact]
    public void A_malformed_allowed_network_stops_the_host_instead_of_opening_its_metrics()
    {
        using var factory = new HostFactory<GeoApiHost>(api.Province.ConnectionString,
            new Dictionary<string, string?> { ["Metrics:AllowFrom"] = "10.0.0.0/33" });
        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Metrics:AllowFrom", failure.ToString());
    }

    [Fact]
    public async Task The_alert_rules_are_valid_and_name_only_metrics_the_hosts_serve()
    {
        var rules = Path.Combine(RepositoryRoot.Path, "deploy", "prometheus", "gridmap-alerts.yml");
        var check = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("promtool", ["check", "rules", rules])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var said = await check.StandardOutput.ReadToEndAsync() + await check.StandardError.ReadToEndAsync();
        await check.WaitForExitAsync();
        Assert.True(check.ExitCode == 0, said);

        await using var factory = new HostFactory<GeoApiHost>(api.Province.ConnectionString) { Caller = IPAddress.Loopback };
        using var client = factory.CreateClient();
        (await client.GetAsync("/api/units/14")).EnsureSuccessStatusCode();
        var served = await client.GetStringAsync("/metrics");
        // The tiling service's own (gridmap_tile_…) are checked against its scrape in Tiling.Tests.
        var named = MetricName().Matches(await File.ReadAllTextAsync(rules)).Select(m => m.Value).Where(n => !n.StartsWith("gridmap_tile_", StringComparison.Ordinal)).ToHashSet();
        Assert.NotEmpty(named);
        Assert.All(named, name => Assert.Contains(name, served));
    }

    [GeneratedRegex(@"\b(?:http|npgsql|gridmap|process)_[a-z_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex("""http_request_duration_seconds_count\{code="2xx",method="GET",endpoint="/?api/units/\{code\}"\} (\d+)""")]
    private static partial Regex RouteCount();

    [GeneratedRegex("""http_request_duration_seconds_count\{code="4xx",method="GET",endpoint="/?api/units/\{code\}"\} 1""")]
    private static partial Regex ClientErrors();
}
