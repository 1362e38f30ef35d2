using GridMap.Domain;

namespace GridMap.Store.Planning;

/// <summary>The problems the planning store answers with: the kind of each refusal and what a client needs to act on it.</summary>
internal static class PlanningProblems
{
    public static Problem NotAPlanner(string message) => Problem.Forbidden(message) with { Code = PlanningProblem.NotAPlanner };

    public static Problem NotFound(string message) => Problem.NotFound(message) with { Code = PlanningProblem.NotFound };

    /// <summary>The lock is not the caller's; <paramref name="held"/>, when someone holds it, tells who and until when.</summary>
    public static Problem Locked(string message, LockView? held = null) => Problem.Conflict(message, held is null ? null
        : new Dictionary<string, object?> { ["holder"] = held.Holder, ["holderName"] = held.HolderName, ["expiresAt"] = held.ExpiresAt })
        with { Code = PlanningProblem.Locked };

    public static Problem StaleDraft(string message, int currentDraftVersion) =>
        Problem.Conflict(message, new Dictionary<string, object?> { ["currentDraftVersion"] = currentDraftVersion }) with { Code = PlanningProblem.StaleDraft };

    /// <summary>Another publish came first: the version now, what changed since the draft's base, and which of those the draft edits too.</summary>
    public static Problem StaleBase(string message, int currentVersion, ChangesView changed, IReadOnlyList<string> alsoEditedInDraft) =>
        Problem.Conflict(message, new Dictionary<string, object?>
        {
            ["currentVersion"] = currentVersion,
            ["changed"] = changed,
            ["alsoEditedInDraft"] = alsoEditedInDraft,
        }) with { Code = PlanningProblem.StaleBase };

    public static Problem Refused(string message, IReadOnlyList<ViolationView>? violations = null) =>
        Problem.Unprocessable(message, new Dictionary<string, object?> { ["violations"] = violations ?? [] }) with { Code = PlanningProblem.Refused };
}
