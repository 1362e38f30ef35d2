using GridMap.Domain.Codes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Infrastructure;

/// <summary>Turns a code from the URL into an <see cref="AdminCode"/> or a 400 that says what is wrong with it.</summary>
public static class CodeRoute
{
    public static bool TryParse(string text, out AdminCode code, out ProblemHttpResult? problem)
    {
        if (AdminCode.TryParse(text, out code, out var error))
        {
            problem = null;
            return true;
        }
        problem = ApiProblems.BadRequest($"'{Truncate(text)}' is not a unit or grid code: {error}");
        return false;
    }

    /// <summary>Echo at most 40 characters of input back, so hostile or huge input is not reflected whole.</summary>
    public static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
