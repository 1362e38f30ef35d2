using System.Collections.Immutable;
using GridMap.Domain.Codes;

namespace GridMap.Domain.Disputes;

/// <summary>How serious a dispute (矛盾纠纷) is: 一般 general, 较大 large, 重大 major.</summary>
public enum DisputeSeverity
{
    General,
    Large,
    Major,
}

/// <summary>
/// Where a dispute stands: recorded and waiting for a mediator at its level, being mediated, settled by an agreement
/// (调解协议) and followed up, closed after the follow-up, or referred beyond mediation (诉讼 or 信访).
/// </summary>
public enum DisputeState
{
    Open,
    Mediating,
    Settled,
    Closed,
    Referred,
}

/// <summary>How the dispute came to light: found on a patrol (排查), reported by a resident, or referred from an event.</summary>
public enum DisputeSource
{
    Patrol,
    Resident,
    Event,
}

/// <summary>Where a failed mediation goes when no level above mediates it: the courts (诉讼) or the petition office (信访).</summary>
public enum ReferralTarget
{
    Court,
    Petition,
}

/// <summary>A party: a resident of the register (by person id) or an outsider by name.</summary>
public sealed record DisputeParty(long? PersonId, string Name);

/// <summary>One line of a dispute's history: when, who, what, at which level, and the note.</summary>
public sealed record DisputeStep(DateTimeOffset At, string Actor, string Action, AdminLevel Level, string? Note);

/// <summary>
/// A dispute case (矛盾纠纷) of one grid: its parties, severity, the level that mediates it now (grid manager, village
/// committee, township mediator, county) and the mediator holding it, the deadline of that level, the agreement when
/// settled, and its history.
/// </summary>
public sealed record DisputeCase
{
    public required AdminCode Grid { get; init; }
    public required DisputeSeverity Severity { get; init; }
    public required string Kind { get; init; }
    public required string Summary { get; init; }
    public required DisputeSource Source { get; init; }
    public required ImmutableList<DisputeParty> Parties { get; init; }
    public required AdminLevel Level { get; init; }
    public DisputeState State { get; init; } = DisputeState.Open;
    public string? Mediator { get; init; }
    public DateTimeOffset? Due { get; init; }
    public string? AgreementTerms { get; init; }
    public AdminLevel? SettledAt { get; init; }
    public ReferralTarget? ReferredTo { get; init; }
    public int Sessions { get; init; }
    public int FollowUps { get; init; }
    public ImmutableList<DisputeStep> History { get; init; } = [];

    /// <summary>The unit that mediates at the current level: the grid, its village, township or county.</summary>
    public AdminCode Unit => AdminCode.Parse(Grid.Value[..Level.CodeLength()]);

    public bool IsFinished => State is DisputeState.Closed or DisputeState.Referred;
}
