namespace GridMap.Domain.Events.Kpi;

/// <summary>
/// What a grid manager's assessment (网格员考核) counts for one grid over a period; every figure is additive, so a
/// village's or township's row is the sum of its grids'.
/// <list type="bullet">
/// <item><see cref="ReportsMade"/>: events reported through the grid channel in the grid in the period;
/// <see cref="ReportsAccepted"/> of them accepted by the centre; <see cref="Duplicates"/> flagged at intake as a
/// likely repeat of an earlier report.</item>
/// <item><see cref="VisitRecords"/>: special-group records of people living in the grid (each wants a visit every so
/// many days); <see cref="VisitsOnSchedule"/> of them not overdue today; <see cref="VisitsMade"/>: visits recorded in
/// the period (to special-group people and to households), shown, not scored.</item>
/// <item><see cref="Households"/> and <see cref="FreshHouseholds"/>: the register freshness of the grid today.</item>
/// <item><see cref="Buildings"/> and <see cref="BuildingsPatrolled"/>: buildings passed within 50 m by any patrol of
/// the period; <see cref="Patrols"/> how many patrols.</item>
/// <item><see cref="Closed"/> and <see cref="ClosedAtGrid"/>: events of the grid (reported in the period) closed, and
/// closed by the grid itself — the same figures as the unit KPI rollup.</item>
/// </list>
/// </summary>
public sealed record GridManagerCounters
{
    public int ReportsMade { get; init; }
    public int ReportsAccepted { get; init; }
    public int Duplicates { get; init; }
    public int VisitRecords { get; init; }
    public int VisitsOnSchedule { get; init; }
    public int VisitsMade { get; init; }
    public int Households { get; init; }
    public int FreshHouseholds { get; init; }
    public int Buildings { get; init; }
    public int BuildingsPatrolled { get; init; }
    public int Patrols { get; init; }
    public int Closed { get; init; }
    public int ClosedAtGrid { get; init; }

    public static readonly GridManagerCounters Zero = new();

    public static GridManagerCounters operator +(GridManagerCounters a, GridManagerCounters b) => new()
    {
        ReportsMade = a.ReportsMade + b.ReportsMade,
        ReportsAccepted = a.ReportsAccepted + b.ReportsAccepted,
        Duplicates = a.Duplicates + b.Duplicates,
        VisitRecords = a.VisitRecords + b.VisitRecords,
        VisitsOnSchedule = a.VisitsOnSchedule + b.VisitsOnSchedule,
        VisitsMade = a.VisitsMade + b.VisitsMade,
        Households = a.Households + b.Households,
        FreshHouseholds = a.FreshHouseholds + b.FreshHouseholds,
        Buildings = a.Buildings + b.Buildings,
        BuildingsPatrolled = a.BuildingsPatrolled + b.BuildingsPatrolled,
        Patrols = a.Patrols + b.Patrols,
        Closed = a.Closed + b.Closed,
        ClosedAtGrid = a.ClosedAtGrid + b.ClosedAtGrid,
    };

    public static GridManagerCounters Sum(IEnumerable<GridManagerCounters> counters) => counters.Aggregate(Zero, (sum, c) => sum + c);
}

/// <summary>The measures a grid manager is scored on.</summary>
public enum GridManagerMeasure
{
    ReportAcceptance,
    Duplicates,
    VisitsOnSchedule,
    Freshness,
    PatrolCoverage,
    SolvedInGrid,
}

/// <summary>
/// The assessed rates, each with its numerator and denominator: acceptance = accepted / made; duplicates = duplicates /
/// made (less is better); visits on schedule = on schedule / records; freshness = fresh / households; patrol coverage =
/// patrolled / buildings; solved in the grid = closed at grid / closed.
/// </summary>
public sealed record GridManagerRates(KpiRate ReportAcceptance, KpiRate Duplicates, KpiRate VisitsOnSchedule, KpiRate Freshness,
    KpiRate PatrolCoverage, KpiRate SolvedInGrid)
{
    public static GridManagerRates From(GridManagerCounters c) => new(
        ReportAcceptance: new(c.ReportsAccepted, c.ReportsMade),
        Duplicates: new(c.Duplicates, c.ReportsMade),
        VisitsOnSchedule: new(c.VisitsOnSchedule, c.VisitRecords),
        Freshness: new(c.FreshHouseholds, c.Households),
        PatrolCoverage: new(c.BuildingsPatrolled, c.Buildings),
        SolvedInGrid: new(c.ClosedAtGrid, c.Closed));
}

public sealed record GridManagerWeight(GridManagerMeasure Measure, decimal Weight);

/// <summary>The grid manager's assessment: a weighted score of <see cref="GridManagerRates"/>, ranked by <see cref="WeightedScore"/>.</summary>
public static class GridManagerAssessment
{
    /// <summary>
    /// The default weights (sum 1): the register first, as the article puts 信息采集 first — freshness 0.25, visits on
    /// schedule 0.20; then reports accepted 0.20, patrol coverage 0.15, events solved in the grid 0.15, duplicates 0.05.
    /// </summary>
    public static readonly IReadOnlyList<GridManagerWeight> DefaultWeights =
    [
        new(GridManagerMeasure.Freshness, 0.25m),
        new(GridManagerMeasure.VisitsOnSchedule, 0.20m),
        new(GridManagerMeasure.ReportAcceptance, 0.20m),
        new(GridManagerMeasure.PatrolCoverage, 0.15m),
        new(GridManagerMeasure.SolvedInGrid, 0.15m),
        new(GridManagerMeasure.Duplicates, 0.05m),
    ];

    public static decimal? Score(GridManagerCounters counters, IReadOnlyList<GridManagerWeight>? weights = null)
    {
        var rates = GridManagerRates.From(counters);
        return WeightedScore.Of((weights ?? DefaultWeights).Select(w => w.Measure switch
        {
            GridManagerMeasure.ReportAcceptance => new WeightedRate(rates.ReportAcceptance, true, w.Weight),
            GridManagerMeasure.Duplicates => new WeightedRate(rates.Duplicates, false, w.Weight),
            GridManagerMeasure.VisitsOnSchedule => new WeightedRate(rates.VisitsOnSchedule, true, w.Weight),
            GridManagerMeasure.Freshness => new WeightedRate(rates.Freshness, true, w.Weight),
            GridManagerMeasure.PatrolCoverage => new WeightedRate(rates.PatrolCoverage, true, w.Weight),
            GridManagerMeasure.SolvedInGrid => new WeightedRate(rates.SolvedInGrid, true, w.Weight),
            _ => throw new ArgumentOutOfRangeException(nameof(weights), w.Measure, null),
        }));
    }
}

/// <summary>
/// A handler's figures (承办人) for a period: <see cref="StepsFinished"/> steps they held that moved on (by any action
/// but a hand-over), <see cref="StepsWithDeadline"/> of those that had a deadline and <see cref="StepsOnTime"/> finished
/// by it; <see cref="FeedbackGiven"/> handling steps they finished with feedback and <see cref="Reworked"/> of their work
/// returned by a failed verification; <see cref="Accountability"/> records against them created in the period and
/// <see cref="AccountabilityOpen"/> still open; <see cref="HoldingNow"/> and <see cref="OverdueNow"/>: open steps they
/// hold today and how many of those are past their deadline.
/// </summary>
public sealed record HandlerCounters(int StepsFinished, int StepsWithDeadline, int StepsOnTime, int FeedbackGiven, int Reworked,
    int Accountability, int AccountabilityOpen, int HoldingNow, int OverdueNow)
{
    public KpiRate OnTime => new(StepsOnTime, StepsWithDeadline);

    public KpiRate Rework => new(Reworked, FeedbackGiven);
}
