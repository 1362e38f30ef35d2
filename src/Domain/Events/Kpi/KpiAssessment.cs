namespace GridMap.Domain.Events.Kpi;

/// <summary>Which rate a weight applies to, and whether a higher rate is better (rework and extension are not).</summary>
public enum AssessedRate
{
    Disposal,
    Closure,
    OnTimeClosure,
    OnTimeRegistration,
    AccurateRegistration,
    Rework,
    Extension,
    ResolvedBelowTownship,
}

public sealed record AssessmentWeight(AssessedRate Rate, decimal Weight);

/// <summary>One assessed unit (or department): its score out of 100 (null when no weighted rate has a basis) and its rank.</summary>
public sealed record AssessmentRow(string Key, decimal? Score, int? Rank, KpiCounters Counters);

/// <summary>
/// 考核: a weighted composite of the event rates of units, 0–100, scored and ranked by <see cref="WeightedScore"/>
/// (rework and extension count against).
/// </summary>
public static class KpiAssessment
{
    /// <summary>
    /// The default weights (sum 1): disposal 0.25, closure 0.15, on-time closure 0.20, on-time registration 0.10,
    /// accurate registration 0.10, rework 0.10, extension 0.05, resolved at grid or village ("小事不出村") 0.05. Data, not
    /// code: a centre that weighs differently passes its own list.
    /// </summary>
    public static readonly IReadOnlyList<AssessmentWeight> DefaultWeights =
    [
        new(AssessedRate.Disposal, 0.25m),
        new(AssessedRate.Closure, 0.15m),
        new(AssessedRate.OnTimeClosure, 0.20m),
        new(AssessedRate.OnTimeRegistration, 0.10m),
        new(AssessedRate.AccurateRegistration, 0.10m),
        new(AssessedRate.Rework, 0.10m),
        new(AssessedRate.Extension, 0.05m),
        new(AssessedRate.ResolvedBelowTownship, 0.05m),
    ];

    public static decimal? Score(KpiCounters counters, IReadOnlyList<AssessmentWeight>? weights = null)
    {
        var rates = KpiRates.From(counters);
        return WeightedScore.Of((weights ?? DefaultWeights).Select(w => w.Rate switch
        {
            AssessedRate.Disposal => new WeightedRate(rates.Disposal, true, w.Weight),
            AssessedRate.Closure => new WeightedRate(rates.Closure, true, w.Weight),
            AssessedRate.OnTimeClosure => new WeightedRate(rates.OnTimeClosure, true, w.Weight),
            AssessedRate.OnTimeRegistration => new WeightedRate(rates.OnTimeRegistration, true, w.Weight),
            AssessedRate.AccurateRegistration => new WeightedRate(rates.AccurateRegistration, true, w.Weight),
            AssessedRate.Rework => new WeightedRate(rates.Rework, false, w.Weight),
            AssessedRate.Extension => new WeightedRate(rates.Extension, false, w.Weight),
            AssessedRate.ResolvedBelowTownship => new WeightedRate(new KpiRate(counters.ClosedAtGrid + counters.ClosedAtVillage, counters.Closed), true, w.Weight),
            _ => throw new ArgumentOutOfRangeException(nameof(weights), w.Rate, null),
        }));
    }

    /// <summary>Scores and ranks the rows (e.g. the children of a unit), best first; unscored rows last, unranked.</summary>
    public static IReadOnlyList<AssessmentRow> Rank(IEnumerable<(string Key, KpiCounters Counters)> rows, IReadOnlyList<AssessmentWeight>? weights = null) =>
        WeightedScore.Rank(rows, r => r.Key, r => Score(r.Counters, weights))
            .Select(r => new AssessmentRow(r.Key, r.Score, r.Rank, r.Row.Counters))
            .ToList();
}
