namespace GridMap.Store.Events;

/// <summary>The <c>Intake</c> section: how the group-commit intake queues and batches reports (see EventStore.Intake.cs).</summary>
public sealed class IntakeOptions
{
    public const string SectionName = "Intake";

    /// <summary>Reports waiting for a writer, at most; more are answered 503 with Retry-After.</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Reports written in one statement and one commit, at most.</summary>
    public int BatchSize { get; set; } = 64;
}
