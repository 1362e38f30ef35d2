using System.Threading.RateLimiting;
using GridMap.Domain;
using GridMap.Hosting;
using GridMap.Hosting.Problems;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace GridMap.GeoApi.Infrastructure;

/// <summary>
/// Limits of the anonymous endpoints (section <c>PublicReports</c>): reports per client IP address per minute. Behind
/// a reverse proxy, configure forwarded headers first, or every report counts against the proxy's address.
/// </summary>
public sealed class PublicReportsOptions
{
    public const string SectionName = "PublicReports";

    /// <summary>Reports one IP address may send per minute (fixed window).</summary>
    public int PermitsPerMinute { get; set; } = 10;
}

public static class PublicRateLimits
{
    public const string ReportsPolicy = "public-reports";

    public static IServiceCollection AddGridMapPublicRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PublicReportsOptions>(configuration, PublicReportsOptions.SectionName)
            .Validate(o => o.PermitsPerMinute is >= 1 and <= 1_000_000, "PublicReports:PermitsPerMinute is between 1 and 1000000.");
        // The portal relays the public form from the same host: X-Forwarded-For is taken from loopback peers only
        // (ASP.NET Core's default known proxies); behind a load balancer, add its network to KnownNetworks.
        services.Configure<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>(o =>
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor);
        return services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ReportsPolicy, http =>
            {
                var permits = http.RequestServices.GetRequiredService<IOptions<PublicReportsOptions>>().Value.PermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            limiter.OnRejected = async (context, ct) => await new Problem(ProblemKind.TooManyRequests,
                "This address has sent too many reports in the last minute; wait a minute and send again (with the same idempotency key).")
            {
                Title = "Too many reports",
                RetryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null,
            }.WriteAsync(context.HttpContext);
        });
    }
}
