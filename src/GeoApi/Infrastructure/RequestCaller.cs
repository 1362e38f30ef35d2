using GridMap.Domain;
using GridMap.Domain.Access;
using GridMap.Hosting.Problems;
using GridMap.Store.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Infrastructure;

/// <summary>Request bodies of the JSON endpoints are small; anything larger is refused with 413 before it is read.</summary>
public static class BodyLimits
{
    public const long SmallJsonBytes = 64 * 1024;

    public static TBuilder WithSmallBody<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(SmallJsonBytes));

    /// <summary>
    /// Answers 413 problem+json when a declared body exceeds the endpoint's limit, before anything binds it (Kestrel
    /// enforces the same limit on bodies without a length).
    /// </summary>
    public static WebApplication UseBodyLimits(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var limit = http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
            if (limit is { } max && http.Request.ContentLength > max)
            {
                await new Problem(ProblemKind.TooLarge, $"This endpoint takes at most {max / 1024} KB.").WriteAsync(http);
                return;
            }
            await next();
        });
        return app;
    }
}

/// <summary>The signed-in caller of a request, and the purpose a read states.</summary>
public static class RequestCaller
{
    public const int MaxPurposeLength = 200;
    public const string DefaultPurpose = "duty";

    /// <summary>The caller; endpoints that call this require authorization, so a principal is always there.</summary>
    public static Caller Get(HttpContext http) =>
        http.User.ToCaller() ?? throw new InvalidOperationException("An authorised endpoint ran without a GridMap caller.");

    /// <summary>A stated purpose (trimmed), or the default for routine reads; a problem when it is too long.</summary>
    public static bool TryPurpose(string? purpose, bool required, out string value, out ProblemHttpResult? problem)
    {
        value = purpose?.Trim() ?? "";
        problem = null;
        if (value.Length == 0)
        {
            if (required)
            {
                problem = ApiProblems.BadRequest("State the purpose (purpose, 2–200 characters): unmasking is logged with it.");
                return false;
            }
            value = DefaultPurpose;
            return true;
        }
        if (value.Length is < 2 or > MaxPurposeLength || value.Any(char.IsControl))
        {
            problem = ApiProblems.BadRequest($"A purpose has 2–{MaxPurposeLength} characters and no control characters.");
            return false;
        }
        return true;
    }
}
