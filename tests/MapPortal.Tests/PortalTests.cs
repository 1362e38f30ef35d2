using GridMap.GeoApi;
using GridMap.MapPortal;
using GridMap.MapPortal.GeoApi;
using GridMap.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GridMap.MapPortal.Tests;

/// <summary>The portal prerenders the province from a real GeoApi (in-process) over the real database.</summary>
public class PortalTests
{
    private static HostFactory<PortalHost> Portal(HttpMessageHandler? geoApi, string baseUrl = "http://geoapi.test/") =>
        new PortalFactory(geoApi, baseUrl);

    [Fact]
    public async Task The_home_page_shows_the_province_figures_from_GeoApi()
    {
        await using var geoApi = new HostFactory<GeoApiHost>(await TestDatabases.ProvinceAsync());
        await using var portal = Portal(geoApi.Server.CreateHandler());
        // Blazor's prerenderer writes non-ASCII text as character references; read the page as a browser would.
        var html = System.Net.WebUtility.HtmlDecode(await portal.CreateClient().GetStringAsync("/"));
        Assert.Contains("山西省", html);
        Assert.Contains("78,379", html);
        Assert.Contains("77,644", html);
        Assert.Contains("长治市", html);
    }

    [Fact]
    public async Task An_unreachable_GeoApi_gives_a_readable_message_not_a_crash()
    {
        await using var portal = Portal(null, "http://127.0.0.1:1/");
        using var response = await portal.CreateClient().GetAsync("/");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("无法读取数据", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Health_answers_and_reports_GeoApi_reachability()
    {
        await using var portal = Portal(null, "http://127.0.0.1:1/");
        var body = await portal.CreateClient().GetStringAsync("/health");
        Assert.Contains("\"status\":\"healthy\"", body);
        Assert.Contains("\"geoApi\":\"unreachable\"", body);
    }

    [Fact]
    public async Task Metrics_count_requests_per_route_for_loopback_and_are_refused_to_others()
    {
        await using var portal = new PortalFactory(null, "http://127.0.0.1:1/") { Caller = System.Net.IPAddress.Loopback };
        using var client = portal.CreateClient();
        (await client.GetAsync("/health")).EnsureSuccessStatusCode();
        var text = await client.GetStringAsync("/metrics");
        Assert.Matches("""http_request_duration_seconds_count\{code="2xx",method="GET",endpoint="/health"\} [1-9]""", text);

        await using var unplaced = Portal(null, "http://127.0.0.1:1/");
        using var refused = await unplaced.CreateClient().GetAsync("/metrics");
        Assert.Equal(403, (int)refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Pages_carry_the_security_headers()
    {
        await using var portal = Portal(null, "http://127.0.0.1:1/");
        using var response = await portal.CreateClient().GetAsync("/");
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Equal(GridMap.Domain.Access.SecurityHeaders.ContentSecurityPolicy, policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    private sealed class PortalFactory(HttpMessageHandler? geoApi, string baseUrl) : HostFactory<PortalHost>("", new Dictionary<string, string?>
    {
        ["GeoApi:BaseUrl"] = baseUrl,
        ["GeoApi:TilesUrl"] = "http://tiles.test/",
    })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (geoApi is not null)
                builder.ConfigureTestServices(services =>
                    services.AddHttpClient<GeoApiClient>().ConfigurePrimaryHttpMessageHandler(() => geoApi));
        }
    }
}
