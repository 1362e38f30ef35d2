using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Infrastructure;

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

/// <summary>The problems endpoints return, with messages a person can act on.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict", extensions: extensions);

    public static ProblemHttpResult Unprocessable(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Cannot be done", extensions: extensions);

    /// <summary>503 with Retry-After: the service is saturated (a full intake queue), nothing was written, a retry will do.</summary>
    public static ProblemHttpResult Busy(HttpResponse response, TimeSpan retryAfter, string detail)
    {
        response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy");
    }
}
