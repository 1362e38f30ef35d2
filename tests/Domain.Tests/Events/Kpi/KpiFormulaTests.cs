using GridMap.Domain.Events.Kpi;

namespace GridMap.Domain.Tests.Events.Kpi;

/// <summary>Every indicator formula on hand-made counters, with its numerator and denominator.</summary>
public class KpiFormulaTests
{
    // A township's year, made up so that every rate has a different value.
    private static readonly KpiCounters Year = new()
    {
        Reported = 1_040, Accepted = 1_000, Rejected = 40, Registered = 990, RegisteredOnTime = 960, Dispatched = 700,
        Handled = 975, Closed = 950, Due = 980, ClosedOnTime = 900, Reworked = 39, Extended = 33, Escalated = 20, Voided = 10,
        ClosedAtGrid = 380, ClosedAtVillage = 400, ClosedAtTownship = 120, ClosedAtCounty = 50,
    };

    [Fact]
    public void Disposal_rate_is_handled_over_registered()
    {
        var rate = KpiRates.From(Year).Disposal;
        Assert.Equal((975, 990), (rate.Numerator, rate.Denominator));
        Assert.Equal(98.5m, rate.Percent);
    }

    [Theory]
    [InlineData("closure", 950, 980)]
    [InlineData("onTimeClosure", 900, 980)]
    [InlineData("rework", 39, 975)]
    [InlineData("extension", 33, 990)]
    [InlineData("onTimeRegistration", 960, 990)]
    [InlineData("accurateRegistration", 980, 990)]
    [InlineData("grid", 380, 950)]
    [InlineData("village", 400, 950)]
    [InlineData("township", 120, 950)]
    [InlineData("county", 50, 950)]
    public void Each_rate_has_the_documented_numerator_and_denominator(string name, int numerator, int denominator)
    {
        var rates = KpiRates.From(Year);
        var rate = name switch
        {
            "closure" => rates.Closure,
            "onTimeClosure" => rates.OnTimeClosure,
            "rework" => rates.Rework,
            "extension" => rates.Extension,
            "onTimeRegistration" => rates.OnTimeRegistration,
            "accurateRegistration" => rates.AccurateRegistration,
            "grid" => rates.ResolvedAtGrid,
            "village" => rates.ResolvedAtVillage,
            "township" => rates.ResolvedAtTownship,
            _ => rates.ResolvedAtCounty,
        };
        Assert.Equal((numerator, denominator), (rate.Numerator, rate.Denominator));
        Assert.Equal((double)numerator / denominator, rate.Value);
    }

    [Fact]
    public void A_zero_denominator_gives_no_rate_rather_than_zero_or_an_error()
    {
        var rates = KpiRates.From(KpiCounters.Zero);
        Assert.Null(rates.Disposal.Value);
        Assert.Null(rates.Disposal.Percent);
        Assert.Null(rates.Closure.Value);
        Assert.Null(rates.ResolvedAtGrid.Value);
        Assert.Equal(0, rates.Rework.Denominator);
    }

    [Fact]
    public void Percent_rounds_half_away_from_zero_to_one_decimal()
    {
        Assert.Equal(98.5m, new KpiRate(332_635, 337_700).Percent); // 98.50015 %
        Assert.Equal(98.5m, new KpiRate(197, 200).Percent);
        Assert.Equal(33.3m, new KpiRate(1, 3).Percent);
        Assert.Equal(66.7m, new KpiRate(2, 3).Percent);
        Assert.Equal(100m, new KpiRate(5, 5).Percent);
    }

    [Fact]
    public void Counters_add_so_a_unit_is_the_sum_of_its_children()
    {
        var a = Year with { Handled = 500, Registered = 600 };
        var b = Year with { Handled = 475, Registered = 390 };
        var sum = KpiCounters.Sum([a, b]);
        Assert.Equal(975, sum.Handled);
        Assert.Equal(990, sum.Registered);
        Assert.Equal(2 * Year.ClosedAtCounty, sum.ClosedAtCounty);
        Assert.Equal(KpiCounters.Zero, KpiCounters.Sum([]));
    }
}

/// <summary>The weighted assessment score and the ranking of siblings.</summary>
public class KpiAssessmentTests
{
    private static KpiCounters Perfect(int n) => new()
    {
        Accepted = n, Registered = n, RegisteredOnTime = n, Handled = n, Closed = n, Due = n, ClosedOnTime = n, ClosedAtGrid = n,
    };

    [Fact]
    public void A_perfect_unit_scores_100_and_one_with_no_events_has_no_score()
    {
        Assert.Equal(100m, KpiAssessment.Score(Perfect(10)));
        Assert.Null(KpiAssessment.Score(KpiCounters.Zero));
    }

    [Fact]
    public void Rework_and_extension_count_against_the_score()
    {
        var reworked = Perfect(10) with { Reworked = 10, Extended = 10 };
        // Rework (0.10) and extension (0.05) at 100 % lose those weights entirely.
        Assert.Equal(85m, KpiAssessment.Score(reworked));
    }

    [Fact]
    public void Weights_are_data_and_rates_without_a_basis_drop_out()
    {
        var onlyDisposal = new[] { new AssessmentWeight(AssessedRate.Disposal, 1m) };
        Assert.Equal(50m, KpiAssessment.Score(new KpiCounters { Registered = 4, Handled = 2 }, onlyDisposal));
        // Registered but nothing closed or due: closure-based weights drop out and the rest are scaled to 100.
        var registeredOnly = new KpiCounters { Registered = 4, RegisteredOnTime = 4, Handled = 4 };
        Assert.Equal(100m, KpiAssessment.Score(registeredOnly));
    }

    [Fact]
    public void Ranking_is_competition_ranking_with_ties_in_key_order_and_unscored_last()
    {
        var half = new KpiCounters { Registered = 2, Handled = 1, RegisteredOnTime = 2 };
        var ranked = KpiAssessment.Rank(
        [
            ("140702", half),
            ("140701", Perfect(3)),
            ("140703", KpiCounters.Zero),
            ("140704", Perfect(7)),
            ("140705", half),
        ]);
        Assert.Equal(["140701", "140704", "140702", "140705", "140703"], ranked.Select(r => r.Key));
        Assert.Equal([1, 1, 3, 3, (int?)null], ranked.Select(r => r.Rank));
        Assert.True(ranked[0].Score > ranked[2].Score);
    }
}
