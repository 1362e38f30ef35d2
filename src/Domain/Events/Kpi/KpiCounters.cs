namespace GridMap.Domain.Events.Kpi;

/// <summary>
/// The event counters of one unit (or department) for a cohort of events: those reported in the period, in China
/// Standard Time. Counting by cohort makes every counter additive, so a unit's counters are the sum of its children's.
/// <list type="bullet">
/// <item><see cref="Accepted"/> 受理数: accepted (a resolve-on-the-spot counts); rejected reports are not.</item>
/// <item><see cref="Registered"/> 立案数; <see cref="RegisteredOnTime"/> registered before the intake deadline (按时立案).</item>
/// <item><see cref="Handled"/> 处置数: feedback given (处置 done) at least once.</item>
/// <item><see cref="Closed"/> 结案数; <see cref="Due"/> 应结案数: closed, or open, registered, not suspended, with its
/// closing deadline passed; <see cref="ClosedOnTime"/> closed by that deadline.</item>
/// <item><see cref="Reworked"/> events with a failed verification (返工); <see cref="Extended"/> with an approved
/// extension (延期); <see cref="Escalated"/> escalated at least once; <see cref="Voided"/> registered and then voided (作废).</item>
/// <item><see cref="ClosedAtGrid"/> … <see cref="ClosedAtCounty"/>: closed events by the level of their handler
/// (a department counts as county): the "小事不出村" shares.</item>
/// </list>
/// </summary>
public sealed record KpiCounters
{
    public int Reported { get; init; }
    public int Accepted { get; init; }
    public int Rejected { get; init; }
    public int Registered { get; init; }
    public int RegisteredOnTime { get; init; }
    public int Dispatched { get; init; }
    public int Handled { get; init; }
    public int Closed { get; init; }
    public int Due { get; init; }
    public int ClosedOnTime { get; init; }
    public int Reworked { get; init; }
    public int Extended { get; init; }
    public int Escalated { get; init; }
    public int Voided { get; init; }
    public int ClosedAtGrid { get; init; }
    public int ClosedAtVillage { get; init; }
    public int ClosedAtTownship { get; init; }
    public int ClosedAtCounty { get; init; }

    public static readonly KpiCounters Zero = new();

    public static KpiCounters operator +(KpiCounters a, KpiCounters b) => new()
    {
        Reported = a.Reported + b.Reported,
        Accepted = a.Accepted + b.Accepted,
        Rejected = a.Rejected + b.Rejected,
        Registered = a.Registered + b.Registered,
        RegisteredOnTime = a.RegisteredOnTime + b.RegisteredOnTime,
        Dispatched = a.Dispatched + b.Dispatched,
        Handled = a.Handled + b.Handled,
        Closed = a.Closed + b.Closed,
        Due = a.Due + b.Due,
        ClosedOnTime = a.ClosedOnTime + b.ClosedOnTime,
        Reworked = a.Reworked + b.Reworked,
        Extended = a.Extended + b.Extended,
        Escalated = a.Escalated + b.Escalated,
        Voided = a.Voided + b.Voided,
        ClosedAtGrid = a.ClosedAtGrid + b.ClosedAtGrid,
        ClosedAtVillage = a.ClosedAtVillage + b.ClosedAtVillage,
        ClosedAtTownship = a.ClosedAtTownship + b.ClosedAtTownship,
        ClosedAtCounty = a.ClosedAtCounty + b.ClosedAtCounty,
    };

    public static KpiCounters Sum(IEnumerable<KpiCounters> counters) => counters.Aggregate(Zero, (sum, c) => sum + c);
}
