using System.Globalization;
using GridMap.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GridMap.Hosting.Problems;

/// <summary>
/// The one place a <see cref="Problem"/> becomes RFC 7807 problem+json: the kind's status and usual title, the message
/// as the detail, the extension members, and the Retry-After and WWW-Authenticate headers where the problem calls for them.
/// </summary>
public static class ProblemResults
{
    public static int StatusOf(ProblemKind kind) => kind switch
    {
        ProblemKind.Invalid => StatusCodes.Status400BadRequest,
        ProblemKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
        ProblemKind.NotFound => StatusCodes.Status404NotFound,
        ProblemKind.Conflict => StatusCodes.Status409Conflict,
        ProblemKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ProblemKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ProblemKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        ProblemKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string TitleOf(ProblemKind kind) => kind switch
    {
        ProblemKind.Invalid => "Invalid request",
        ProblemKind.Unauthenticated => "Sign in first",
        ProblemKind.Forbidden => "Forbidden",
        ProblemKind.NotFound => "Not found",
        ProblemKind.Conflict => "Conflict",
        ProblemKind.TooLarge => "Request body too large",
        ProblemKind.Unprocessable => "Cannot be done",
        ProblemKind.TooManyRequests => "Too many requests",
        ProblemKind.Unavailable => "Busy",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The problem as an endpoint result; its headers go on <paramref name="response"/> now, its body when the result runs.</summary>
    public static ProblemHttpResult ToProblem(this Problem problem, HttpResponse response)
    {
        WriteHeaders(problem, response);
        return TypedResults.Problem(problem.ToProblemDetails());
    }

    /// <summary>The problem as an endpoint result, for problems that need no headers (a request the endpoint itself finds wrong).</summary>
    public static ProblemHttpResult ToProblem(this Problem problem)
    {
        if (NeedsHeaders(problem))
            throw new InvalidOperationException($"A {problem.Kind} problem carries headers: pass the response to ToProblem.");
        return TypedResults.Problem(problem.ToProblemDetails());
    }

    /// <summary>The value with 200, or the problem.</summary>
    public static Results<Ok<T>, ProblemHttpResult> ToResult<T>(this Outcome<T> outcome, HttpResponse response) =>
        outcome.Succeeded ? TypedResults.Ok(outcome.Value!) : outcome.Problem.ToProblem(response);

    /// <summary>Writes the problem straight to the response, for middleware and handlers that answer outside an endpoint.</summary>
    public static async Task WriteAsync(this Problem problem, HttpContext http)
    {
        var details = problem.ToProblemDetails();
        details.Instance = http.Request.Path.Value;
        http.Response.StatusCode = details.Status!.Value;
        WriteHeaders(problem, http.Response);
        if (http.RequestServices.GetService(typeof(IProblemDetailsService)) is IProblemDetailsService problems
            && await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details }))
            return;
        await http.Response.WriteAsJsonAsync(details, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", http.RequestAborted);
    }

    public static ProblemDetails ToProblemDetails(this Problem problem)
    {
        var details = new ProblemDetails { Status = StatusOf(problem.Kind), Title = problem.Title ?? TitleOf(problem.Kind), Detail = problem.Message };
        if (problem.Extensions is { } extensions)
            foreach (var (name, value) in extensions)
                details.Extensions[name] = value;
        return details;
    }

    private static bool NeedsHeaders(Problem problem) => problem.RetryAfter is not null || problem.Kind == ProblemKind.Unauthenticated;

    private static void WriteHeaders(Problem problem, HttpResponse response)
    {
        if (problem.RetryAfter is { } wait)
            response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (problem.Kind == ProblemKind.Unauthenticated)
            response.Headers.WWWAuthenticate = "Bearer";
    }
}
