using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace GridMap.Metrics;

/// <summary>
/// One host's Prometheus registry: request count and latency per route, status class and method; the process's and the
/// .NET meters' figures (Npgsql's connection pool, Kestrel's connections); and the gauges the host adds on it. A registry
/// per host rather than prometheus-net's static one, so that a gauge read at scrape time dies with the host that owns it.
/// </summary>
public sealed class HostMetrics : IDisposable
{
    /// <summary>Request latency buckets in seconds, fine around the 200 ms and 300 ms targets the benchmarks hold the hosts to.</summary>
    public static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10];

    private readonly IDisposable meters;

    public HostMetrics()
    {
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        DotNetStats.Register(Registry);
        meters = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            MetricFactory = Factory,
            // ASP.NET Core's own request histograms repeat RequestDuration below with buckets of their own.
            // Private.InternalDiagnostics are the runtime's own debugging counters.
            InstrumentFilterPredicate = instrument => !instrument.Meter.Name.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal)
                && !instrument.Meter.Name.StartsWith("Microsoft.AspNetCore.Routing", StringComparison.Ordinal)
                && !instrument.Meter.Name.StartsWith("Private.InternalDiagnostics", StringComparison.Ordinal),
        });
        RequestDuration = Factory.CreateHistogram("http_request_duration_seconds",
            "The time taken to answer an HTTP request, by route (endpoint), status class and method.",
            new HistogramConfiguration { Buckets = LatencyBuckets, LabelNames = ["code", "method", "endpoint"] });
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public IMetricFactory Factory { get; }

    public Histogram RequestDuration { get; }

    public void Dispose() => meters.Dispose();
}

/// <summary><c>GET /metrics</c> on every host; answers whom <see cref="MetricsAccess"/> allows, 403 problem+json otherwise.</summary>
public static class MetricsEndpoint
{
    public static IServiceCollection AddGridMapMetrics(this IServiceCollection services) => services.AddSingleton<HostMetrics>();

    /// <summary>Measures every request after this point; put it before the endpoints.</summary>
    public static IApplicationBuilder UseGridMapMetrics(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<HostMetrics>();
        return app.UseHttpMetrics(options =>
        {
            options.ConfigureMeasurements(measurement =>
            {
                measurement.Registry = metrics.Registry;
                measurement.MetricFactory = metrics.Factory;
            });
            options.RequestDuration.Histogram = metrics.RequestDuration;
            options.ReduceStatusCodeCardinality();
        });
    }

    public static IEndpointRouteBuilder MapGridMapMetrics(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        var access = MetricsAccess.FromSetting(configuration["Metrics:AllowFrom"]);
        var registry = app.ServiceProvider.GetRequiredService<HostMetrics>().Registry;
        app.MapGet("/metrics", async (HttpContext http, CancellationToken ct) =>
        {
            if (!access.Allows(http.Connection.RemoteIpAddress))
            {
                await Results.Problem(MetricsAccess.Refusal, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(http);
                return;
            }
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await registry.CollectAndExportAsTextAsync(http.Response.Body, ct);
        }).ExcludeFromDescription();
        return app;
    }
}
