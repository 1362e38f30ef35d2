using GridMap.Domain.Events.Kpi;

namespace GridMap.Domain.Tests.Events.Kpi;

/// <summary>The grid manager's assessment on hand-made counters: each rate, the weighted score and the handler's rates.</summary>
public class GridManagerAssessmentTests
{
    private static readonly GridManagerCounters Grid = new()
    {
        ReportsMade = 20, ReportsAccepted = 18, Duplicates = 2, VisitRecords = 10, VisitsOnSchedule = 8, VisitsMade = 14,
        Households = 40, FreshHouseholds = 30, Buildings = 25, BuildingsPatrolled = 20, Patrols = 6, Closed = 12, ClosedAtGrid = 6,
    };

    [Fact]
    public void Each_rate_has_its_numerator_and_denominator()
    {
        var rates = GridManagerRates.From(Grid);
        Assert.Equal(new KpiRate(18, 20), rates.ReportAcceptance);
        Assert.Equal(new KpiRate(2, 20), rates.Duplicates);
        Assert.Equal(new KpiRate(8, 10), rates.VisitsOnSchedule);
        Assert.Equal(new KpiRate(30, 40), rates.Freshness);
        Assert.Equal(new KpiRate(20, 25), rates.PatrolCoverage);
        Assert.Equal(new KpiRate(6, 12), rates.SolvedInGrid);
    }

    [Fact]
    public void The_score_weighs_every_rate_and_duplicates_count_against()
    {
        // 0.25 × 0.75 + 0.20 × 0.8 + 0.20 × 0.9 + 0.15 × 0.8 + 0.15 × 0.5 + 0.05 × (1 − 0.1) = 0.7675
        Assert.Equal(76.75m, GridManagerAssessment.Score(Grid));
        Assert.Equal(1.0m, GridManagerAssessment.DefaultWeights.Sum(w => w.Weight));
    }

    [Fact]
    public void A_grid_without_events_is_scored_on_its_register_and_patrols_alone()
    {
        var quiet = Grid with { ReportsMade = 0, ReportsAccepted = 0, Duplicates = 0, Closed = 0, ClosedAtGrid = 0 };
        // (0.25 × 0.75 + 0.20 × 0.8 + 0.15 × 0.8) / 0.60
        Assert.Equal(77.92m, GridManagerAssessment.Score(quiet));
        Assert.Null(GridManagerAssessment.Score(GridManagerCounters.Zero));
    }

    [Fact]
    public void Counters_add_so_a_village_is_the_sum_of_its_grids()
    {
        var sum = GridManagerCounters.Sum([Grid, Grid, GridManagerCounters.Zero]);
        Assert.Equal(40, sum.ReportsMade);
        Assert.Equal(80, sum.Households);
        Assert.Equal(GridManagerAssessment.Score(Grid), GridManagerAssessment.Score(sum));
    }

    [Fact]
    public void Ranking_shares_a_rank_on_equal_scores_and_leaves_the_unscored_last()
    {
        var ranked = WeightedScore.Rank([("b", Grid), ("a", Grid), ("c", GridManagerCounters.Zero), ("d", Grid with { FreshHouseholds = 40 })],
            r => r.Item1, r => GridManagerAssessment.Score(r.Item2));
        Assert.Equal(["d", "a", "b", "c"], ranked.Select(r => r.Key));
        Assert.Equal([1, 2, 2, null], ranked.Select(r => r.Rank));
    }

    [Fact]
    public void A_handler_s_on_time_and_rework_rates_show_their_counts()
    {
        var handler = new HandlerCounters(StepsFinished: 9, StepsWithDeadline: 8, StepsOnTime: 6, FeedbackGiven: 4, Reworked: 1,
            Accountability: 3, AccountabilityOpen: 1, HoldingNow: 2, OverdueNow: 1);
        Assert.Equal(new KpiRate(6, 8), handler.OnTime);
        Assert.Equal(75.0m, handler.OnTime.Percent);
        Assert.Equal(new KpiRate(1, 4), handler.Rework);
    }
}
