using GridMap.Domain.Codes;
using GridMap.Domain.Events.Kpi;

namespace GridMap.Domain.Disputes;

/// <summary>
/// Where the finished disputes of one severity ended: settled in the village (by the grid manager or the village
/// committee), the township, the county, or beyond mediation (referred to the courts or the petition office).
/// Counters add up, so a unit's are the sum of its children's.
/// </summary>
public sealed record ContainmentCounts(int Village, int Township, int County, int Beyond)
{
    public int Finished => Village + Township + County + Beyond;

    public static ContainmentCounts operator +(ContainmentCounts a, ContainmentCounts b) =>
        new(a.Village + b.Village, a.Township + b.Township, a.County + b.County, a.Beyond + b.Beyond);

    public static readonly ContainmentCounts Zero = new(0, 0, 0, 0);
}

/// <summary>
/// The three-level containment figure (小矛盾不出村，大矛盾不出乡，重大矛盾不出县): for each severity, the share of its
/// finished disputes settled at or below the level the rule allows — a general one in the village, a large one in the
/// township, a major one in the county — with numerator and denominator.
/// </summary>
public static class Containment
{
    /// <summary>The highest level the article's rule lets a dispute of this severity reach.</summary>
    public static AdminLevel RuleLevel(DisputeSeverity severity) => severity switch
    {
        DisputeSeverity.General => AdminLevel.Village,
        DisputeSeverity.Large => AdminLevel.Township,
        _ => AdminLevel.County,
    };

    /// <summary>Settled within the rule / finished.</summary>
    public static KpiRate WithinRule(DisputeSeverity severity, ContainmentCounts c) => new(RuleLevel(severity) switch
    {
        AdminLevel.Village => c.Village,
        AdminLevel.Township => c.Village + c.Township,
        _ => c.Village + c.Township + c.County,
    }, c.Finished);

    /// <summary>The bucket a finished dispute falls in: where it settled (the grid counts as the village), or beyond when referred.</summary>
    public static string Bucket(DisputeCase c) => c.State == DisputeState.Referred ? "beyond" : c.SettledAt switch
    {
        AdminLevel.Grid or AdminLevel.Village => "village",
        AdminLevel.Township => "township",
        AdminLevel.County => "county",
        _ => throw new InvalidOperationException("Only finished disputes have a bucket."),
    };
}
