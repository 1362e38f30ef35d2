using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GridMap.Hosting.Problems;

/// <summary>
/// Every error leaves as RFC 7807 problem+json: the typed 400/404 results of the endpoints, unmatched routes and
/// bad requests (status code pages), and unexpected exceptions (a 500 with a safe message; details only in the log).
/// A database that cannot be reached (down, restarting, refusing connections) is 503 with Retry-After, so clients and
/// load balancers wait and try again rather than give up; the hosts reconnect on their own when it is back.
/// </summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddGridMapProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
            if (context.Exception is BadHttpRequestException bad)
            {
                context.ProblemDetails.Status = bad.StatusCode;
                context.HttpContext.Response.StatusCode = bad.StatusCode;
                context.ProblemDetails.Title = "Bad request";
                context.ProblemDetails.Detail = bad.Message;
            }
            else if (context.Exception is { } e && IsDatabaseOutage(e))
            {
                context.ProblemDetails.Status = StatusCodes.Status503ServiceUnavailable;
                context.HttpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.ProblemDetails.Title = "Database unavailable";
                // Not "nothing was changed": a write whose COMMIT the outage cut off may have landed; its idempotency key or
                // row version makes the retry safe either way.
                context.ProblemDetails.Detail = $"The database does not answer at the moment. Try again in {RetryAfterSeconds} seconds with the same request (its idempotency key or row version makes a repeat safe).";
            }
        });

    /// <summary>What a 503 for a database outage asks clients to wait.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// The database is out of reach, not the request at fault: no connection (refused, reset, timed out while opening),
    /// or the server shutting down or starting (SQLSTATE 57P01–57P03, class 08).
    /// </summary>
    public static bool IsDatabaseOutage(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState is "57P01" or "57P02" or "57P03" || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.InnerException is SocketException or IOException or TimeoutException || n.IsTransient,
        SocketException => true,
        _ => exception.InnerException is { } inner && IsDatabaseOutage(inner),
    };

    public static WebApplication UseGridMapProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
