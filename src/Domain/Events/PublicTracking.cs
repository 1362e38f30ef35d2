namespace GridMap.Domain.Events;

/// <summary>What the public tracker shows of an event's history: who took each step as a unit or department, never a person.</summary>
public static class PublicTracking
{
    /// <summary>
    /// The label of one step: the system, the public (a report from the web form or Open311, which names no unit), the
    /// actor's department, else the actor's unit (the step owner's when the actor named none) by <paramref name="unitName"/>.
    /// </summary>
    public static string Actor(string actor, string action, string? actorUnit, string? actorDepartment, string ownerUnit, Func<string, string> unitName) =>
        actor == EventWorkflow.SystemActor ? "系统"
        : action == EventWorkflow.ReportAction && actorUnit is null ? "群众"
        : actorDepartment ?? unitName(actorUnit ?? ownerUnit);
}
