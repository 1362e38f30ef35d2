using GridMap.Domain;
using GridMap.Hosting.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Infrastructure;

/// <summary>Problems the endpoints find with a request themselves, with messages a person can act on.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult BadRequest(string detail) => Problem.Invalid(detail).ToProblem();

    /// <summary>A 400 that names the field of the request it is about (<c>field</c> in the problem).</summary>
    public static ProblemHttpResult InvalidField(string field, string detail) => Problem.InvalidField(field, detail).ToProblem();

    public static ProblemHttpResult Forbidden(string detail) => Problem.Forbidden(detail).ToProblem();

    public static ProblemHttpResult NotFound(string detail) => Problem.NotFound(detail).ToProblem();

    public static ProblemHttpResult Unprocessable(string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        Problem.Unprocessable(detail, extensions).ToProblem();
}
