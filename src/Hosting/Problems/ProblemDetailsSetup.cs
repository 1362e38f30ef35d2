using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GridMap.Hosting.Problems;

/// <summary>
/// Every error leaves as RFC 7807 problem+json: the typed 400/404 results of the endpoints, unmatched routes and
/// bad requests (status code pages), and unexpected exceptions (a 500 with a safe message; details only in the log).
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
        });

    public static WebApplication UseGridMapProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
