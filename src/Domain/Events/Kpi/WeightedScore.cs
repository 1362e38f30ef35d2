namespace GridMap.Domain.Events.Kpi;

/// <summary>One rate as a score uses it: the rate, whether more is better, and its weight.</summary>
public sealed record WeightedRate(KpiRate Rate, bool HigherIsBetter, decimal Weight);

/// <summary>One ranked row: its key, its score (null without any basis) and its competition rank.</summary>
public sealed record Ranked<T>(string Key, decimal? Score, int? Rank, T Row);

/// <summary>
/// The scoring rule every assessment shares: each rate contributes weight × rate (weight × (1 − rate) when less is
/// better); a rate whose denominator is zero has no basis and its weight is left out, the others scaled up to the full
/// 100, so nobody is punished or rewarded for having nothing of a kind. Ranking is competition ranking on the score
/// rounded to two decimals (1, 2, 2, 4), ties listed by key; rows without a score come last, unranked.
/// </summary>
public static class WeightedScore
{
    public static decimal? Of(IEnumerable<WeightedRate> rates)
    {
        decimal weighted = 0, used = 0;
        foreach (var (rate, higherIsBetter, weight) in rates)
        {
            if (rate.Denominator == 0 || weight <= 0)
                continue;
            var fraction = (decimal)rate.Numerator / rate.Denominator;
            weighted += weight * (higherIsBetter ? fraction : 1 - fraction);
            used += weight;
        }
        return used == 0 ? null : Math.Round(100 * weighted / used, 2, MidpointRounding.AwayFromZero);
    }

    public static IReadOnlyList<Ranked<T>> Rank<T>(IEnumerable<T> rows, Func<T, string> key, Func<T, decimal?> score)
    {
        var scored = rows.Select(r => (Key: key(r), Score: score(r), Row: r))
            .OrderByDescending(r => r.Score.HasValue)
            .ThenByDescending(r => r.Score)
            .ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        var ranked = new List<Ranked<T>>(scored.Count);
        for (var i = 0; i < scored.Count; i++)
        {
            var (k, s, row) = scored[i];
            int? rank = s is null ? null : i > 0 && scored[i - 1].Score == s ? ranked[i - 1].Rank : i + 1;
            ranked.Add(new Ranked<T>(k, s, rank, row));
        }
        return ranked;
    }
}
