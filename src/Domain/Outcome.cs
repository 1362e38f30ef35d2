using System.Diagnostics.CodeAnalysis;

namespace GridMap.Domain;

/// <summary>What kind of problem stopped a request; a host answers each kind with one HTTP status.</summary>
public enum ProblemKind
{
    /// <summary>The request itself is malformed or incomplete (400).</summary>
    Invalid,
    /// <summary>The request needs a signed-in caller and came without one (401).</summary>
    Unauthenticated,
    /// <summary>The caller's role or area does not allow it (403).</summary>
    Forbidden,
    /// <summary>No such thing, or none in the caller's area (404).</summary>
    NotFound,
    /// <summary>The thing moved on, is held by someone else, or is in a state where this does not apply (409).</summary>
    Conflict,
    /// <summary>The request is too large to read (413).</summary>
    TooLarge,
    /// <summary>Well-formed, but the rules refuse it (422).</summary>
    Unprocessable,
    /// <summary>This caller sent too many requests; a later retry will do (429).</summary>
    TooManyRequests,
    /// <summary>The service is saturated or not ready; nothing was written and a retry will do (503).</summary>
    Unavailable,
}

/// <summary>
/// Why a request was refused: its kind, a message safe to show the person who sent it (what is wrong and what to do),
/// and what a client needs to act on it. Nothing in it is HTTP; the hosts map it to problem+json in one place.
/// </summary>
public sealed record Problem(ProblemKind Kind, string Message)
{
    /// <summary>A finer reason than the kind, for callers that answer some reasons in words of their own (the public form, Open311).</summary>
    public string? Code { get; init; }

    /// <summary>A short summary in place of the kind's usual one, e.g. "Unknown tile layer" for a 404.</summary>
    public string? Title { get; init; }

    /// <summary>Members a client reads to act on the problem: the current version on a conflict, the violations of a refused edit.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>How long to wait before a retry may succeed (saturation, rate limits).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static Problem Invalid(string message) => new(ProblemKind.Invalid, message);

    /// <summary>Invalid input in one named field (the <c>field</c> member clients highlight).</summary>
    public static Problem InvalidField(string field, string message) =>
        Invalid(message) with { Extensions = new Dictionary<string, object?> { ["field"] = field } };

    public static Problem Forbidden(string message) => new(ProblemKind.Forbidden, message);

    public static Problem NotFound(string message) => new(ProblemKind.NotFound, message);

    public static Problem Conflict(string message, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(ProblemKind.Conflict, message) { Extensions = extensions };

    public static Problem Unprocessable(string message, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(ProblemKind.Unprocessable, message) { Extensions = extensions };
}

/// <summary>The answer to a request that may be refused: the value, or the <see cref="Domain.Problem"/> that stopped it.</summary>
public sealed class Outcome<T>
{
    private Outcome(T? value, Problem? problem) => (Value, Problem) = (value, problem);

    public T? Value { get; }

    public Problem? Problem { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    public static Outcome<T> Ok(T value) => new(value, null);

    public static implicit operator Outcome<T>(Problem problem) => new(default, problem);
}

public static class Outcome
{
    public static Outcome<T> Ok<T>(T value) => Outcome<T>.Ok(value);
}
