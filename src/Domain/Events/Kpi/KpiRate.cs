namespace GridMap.Domain.Events.Kpi;

/// <summary>A rate with the counts it comes from; <see cref="Value"/> is null when the denominator is zero (no basis, not 0%).</summary>
public sealed record KpiRate(int Numerator, int Denominator)
{
    public double? Value => Denominator == 0 ? null : (double)Numerator / Denominator;

    /// <summary>The rate in percent rounded to one decimal, as reported ("98.5").</summary>
    public decimal? Percent => Denominator == 0 ? null : Math.Round(100m * Numerator / Denominator, 1, MidpointRounding.AwayFromZero);
}

/// <summary>
/// The indicator rates of DOMAIN.md §6, each with its numerator and denominator:
/// 处置率 disposal = handled / registered; 结案率 closure = closed / due; 按期结案率 on-time closure = closed on time / due;
/// 返工率 rework = reworked / handled; 延期率 extension = extended / registered; 按时立案率 on-time registration =
/// registered on time / registered; 准确立案率 accurate registration = (registered − voided) / registered; and the
/// resolution-level shares = closed at that level / closed.
/// </summary>
public sealed record KpiRates(
    KpiRate Disposal,
    KpiRate Closure,
    KpiRate OnTimeClosure,
    KpiRate Rework,
    KpiRate Extension,
    KpiRate OnTimeRegistration,
    KpiRate AccurateRegistration,
    KpiRate ResolvedAtGrid,
    KpiRate ResolvedAtVillage,
    KpiRate ResolvedAtTownship,
    KpiRate ResolvedAtCounty)
{
    public static KpiRates From(KpiCounters c) => new(
        Disposal: new(c.Handled, c.Registered),
        Closure: new(c.Closed, c.Due),
        OnTimeClosure: new(c.ClosedOnTime, c.Due),
        Rework: new(c.Reworked, c.Handled),
        Extension: new(c.Extended, c.Registered),
        OnTimeRegistration: new(c.RegisteredOnTime, c.Registered),
        AccurateRegistration: new(c.Registered - c.Voided, c.Registered),
        ResolvedAtGrid: new(c.ClosedAtGrid, c.Closed),
        ResolvedAtVillage: new(c.ClosedAtVillage, c.Closed),
        ResolvedAtTownship: new(c.ClosedAtTownship, c.Closed),
        ResolvedAtCounty: new(c.ClosedAtCounty, c.Closed));
}
