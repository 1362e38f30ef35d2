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
/// 考核: a weighted composite of the rates, 0–100. Each weighted rate contributes weight × rate (for rework and extension,
/// weight × (1 − rate)); a rate whose denominator is zero has no basis and its weight is left out, the others scaled up
/// to the full 100, so a unit is not punished or rewarded for having no events of a kind. Units without any basis have
/// no score and no rank. Ranking is competition ranking on the score rounded to two decimals (1, 2, 2, 4), ties listed
/// by key.
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
        decimal weighted = 0, used = 0;
        foreach (var (rate, weight) in weights ?? DefaultWeights)
        {
            var (value, higherIsBetter) = rate switch
            {
                AssessedRate.Disposal => (rates.Disposal, true),
                AssessedRate.Closure => (rates.Closure, true),
                AssessedRate.OnTimeClosure => (rates.OnTimeClosure, true),
                AssessedRate.OnTimeRegistration => (rates.OnTimeRegistration, true),
                AssessedRate.AccurateRegistration => (rates.AccurateRegistration, true),
                AssessedRate.Rework => (rates.Rework, false),
                AssessedRate.Extension => (rates.Extension, false),
                AssessedRate.ResolvedBelowTownship => (new KpiRate(counters.ClosedAtGrid + counters.ClosedAtVillage, counters.Closed), true),
                _ => throw new ArgumentOutOfRangeException(nameof(weights), rate, null),
            };
            if (value.Denominator == 0 || weight <= 0)
                continue;
            var fraction = (decimal)value.Numerator / value.Denominator;
            weighted += weight * (higherIsBetter ? fraction : 1 - fraction);
            used += weight;
        }
        return used == 0 ? null : Math.Round(100 * weighted / used, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>Scores and ranks the rows (e.g. the children of a unit), best first; unscored rows last, unranked.</summary>
    public static IReadOnlyList<AssessmentRow> Rank(IEnumerable<(string Key, KpiCounters Counters)> rows, IReadOnlyList<AssessmentWeight>? weights = null)
    {
        var scored = rows.Select(r => (r.Key, Score: Score(r.Counters, weights), r.Counters))
            .OrderByDescending(r => r.Score.HasValue)
            .ThenByDescending(r => r.Score)
            .ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        var ranked = new List<AssessmentRow>(scored.Count);
        for (var i = 0; i < scored.Count; i++)
        {
            var (key, score, counters) = scored[i];
            int? rank = score is null ? null : i > 0 && scored[i - 1].Score == score ? ranked[i - 1].Rank : i + 1;
            ranked.Add(new AssessmentRow(key, score, rank, counters));
        }
        return ranked;
    }
}
