using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GridMap.Testing;

/// <summary>Starts one of the GridMap web hosts in-process against a database chosen by the test.</summary>
public class HostFactory<TEntryPoint>(string connectionString, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:ConnectionString", connectionString);
        // Tests refresh the KPI rollup themselves when they need it, not on a background timer.
        builder.UseSetting("Kpi:RefreshSeconds", "0");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
    }
}
