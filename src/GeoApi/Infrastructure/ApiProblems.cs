using GridMap.Domain;
using GridMap.Hosting.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Infrastructure;

/// <summary>Problems the endpoints find with a request themselves, with messages a person can act on.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult BadRequest(string detail) => Problem.Invalid(detail).ToProblem();

    public static ProblemHttpResult Forbidden(string detail) => Problem.Forbidden(detail).ToProblem();

    public static ProblemHttpResult NotFound(string detail) => Problem.NotFound(detail).ToProblem();

    public static ProblemHttpResult Unprocessable(string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        Problem.Unprocessable(detail, extensions).ToProblem();
}
