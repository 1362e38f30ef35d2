using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GridMap.Testing;

/// <summary>Starts one of the GridMap web hosts in-process against a database chosen by the test.</summary>
public class HostFactory<TEntryPoint>(string connectionString, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    /// <summary>
    /// The address every request seems to come from. The in-process server gives none, as a caller nobody can place;
    /// set it to test what a host allows by address (metrics to loopback and to configured networks).
    /// </summary>
    public IPAddress? Caller { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:ConnectionString", connectionString);
        // Tests refresh the KPI rollup themselves when they need it, not on a background timer.
        builder.UseSetting("Kpi:RefreshSeconds", "0");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        if (Caller is { } caller)
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new CallerAddress(caller)));
    }

    private sealed class CallerAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, rest) =>
            {
                context.Connection.RemoteIpAddress = address;
                return rest(context);
            });
            next(app);
        };
    }
}
