using GridMap.Domain.Events;
using GridMap.Synthetic.EventHistory;

namespace GridMap.Synthetic.Simulation;

/// <summary>
/// How many events an area reports, and when: Jinzhong's 2013 figure (338,000 accepted events) per household of Jinzhong,
/// times the area's households (the population), shaped over the year by month, over the week by working and rest days, and over the day by
/// the hour curve of the year generator (grid managers patrol mornings and afternoons; a few calls at night).
/// </summary>
public sealed class SimulationRates(double eventsPerHouseholdYear, int households, WorkingCalendar calendar)
{
    public const int JinzhongEvents2013 = 338_000;

    private static readonly double HourTotal = EventHistoryGenerator.HourWeights.Sum();
    private static readonly double MonthMean = EventHistoryGenerator.MonthFactor.Average();
    private static readonly double WeekMean = (5 + 2 * EventHistoryGenerator.RestDayFactor) / 7;

    public double EventsPerHouseholdYear => eventsPerHouseholdYear;

    /// <summary>The area's events in an average day.</summary>
    public double MeanPerDay => eventsPerHouseholdYear * households / 365.25;

    /// <summary>Events per hour at an instant (read in China Standard Time).</summary>
    public double PerHour(DateTimeOffset at)
    {
        var local = at.ToOffset(WorkingCalendar.ChinaStandardTime);
        var month = EventHistoryGenerator.MonthFactor[local.Month - 1] / MonthMean;
        var week = (calendar.IsWorkingDay(DateOnly.FromDateTime(local.DateTime)) ? 1.0 : EventHistoryGenerator.RestDayFactor) / WeekMean;
        var hour = EventHistoryGenerator.HourWeights[local.Hour] / HourTotal * 24;
        return MeanPerDay / 24 * month * week * hour;
    }

    /// <summary>The expected events between two instants (the rate summed minute by minute).</summary>
    public double Expected(DateTimeOffset from, DateTimeOffset to)
    {
        var total = 0.0;
        for (var t = from; t < to; t = t.AddMinutes(1))
        {
            var step = to - t < TimeSpan.FromMinutes(1) ? to - t : TimeSpan.FromMinutes(1);
            total += PerHour(t) * step.TotalHours;
        }
        return total;
    }

    /// <summary>A Poisson draw with the given mean (Knuth's method in pieces, so large means do not underflow).</summary>
    public static int Poisson(double mean, Random random)
    {
        var count = 0;
        while (mean > 0)
        {
            var piece = Math.Min(mean, 30);
            mean -= piece;
            var limit = Math.Exp(-piece);
            var product = random.NextDouble();
            while (product > limit)
            {
                count++;
                product *= random.NextDouble();
            }
        }
        return count;
    }
}
