namespace GridMap.Domain.Events;

/// <summary>A date that breaks the weekly pattern: a public holiday (Working false) or a make-up working day (调休, Working true).</summary>
public sealed record CalendarException(DateOnly Date, bool Working, string Name);

public enum TimeLimitKind
{
    WorkingMinutes,
    CalendarMinutes,
    WorkingDays,
}

/// <summary>A step's time limit; urgent steps count calendar minutes, the rest count working time.</summary>
public sealed record TimeLimit(TimeLimitKind Kind, int Amount)
{
    public static TimeLimit WorkingMinutes(int minutes) => new(TimeLimitKind.WorkingMinutes, minutes);

    public static TimeLimit CalendarMinutes(int minutes) => new(TimeLimitKind.CalendarMinutes, minutes);

    public static TimeLimit WorkingDays(int days) => new(TimeLimitKind.WorkingDays, days);

    public bool CountsWorkingTime => Kind != TimeLimitKind.CalendarMinutes;
}

/// <summary>
/// Office hours on China Standard Time (a fixed UTC+8 offset, never the machine's zone): working periods on weekdays,
/// weekends off, and public holidays and make-up working days given as data.
/// </summary>
public sealed class WorkingCalendar
{
    public static readonly TimeSpan ChinaStandardTime = ChinaTime.Offset;

    public static readonly IReadOnlyList<(TimeOnly Start, TimeOnly End)> DefaultPeriods =
        [(new TimeOnly(8, 30), new TimeOnly(12, 0)), (new TimeOnly(14, 30), new TimeOnly(18, 0))];

    /// <summary>
    /// The 2026 arrangement of the State Council General Office as briefed: 元旦 Jan 1–3 (Sun Jan 4 worked),
    /// 春节 Feb 15–23 (Sat Feb 14 and Sat Feb 28 worked), 清明 Apr 4–6, 劳动节 May 1–5 (Sat May 9 worked),
    /// 端午 Jun 19–21, 中秋 Sep 25–27, 国庆 Oct 1–7 (Sun Sep 20 and Sat Oct 10 worked). Not checked here against the
    /// published notice; it is data so a correction is one line.
    /// </summary>
    public static readonly IReadOnlyList<CalendarException> China2026 =
    [
        .. Holiday("元旦", new DateOnly(2026, 1, 1), 3), Worked("元旦", new DateOnly(2026, 1, 4)),
        .. Holiday("春节", new DateOnly(2026, 2, 15), 9), Worked("春节", new DateOnly(2026, 2, 14)), Worked("春节", new DateOnly(2026, 2, 28)),
        .. Holiday("清明节", new DateOnly(2026, 4, 4), 3),
        .. Holiday("劳动节", new DateOnly(2026, 5, 1), 5), Worked("劳动节", new DateOnly(2026, 5, 9)),
        .. Holiday("端午节", new DateOnly(2026, 6, 19), 3),
        .. Holiday("中秋节", new DateOnly(2026, 9, 25), 3),
        .. Holiday("国庆节", new DateOnly(2026, 10, 1), 7), Worked("国庆节", new DateOnly(2026, 9, 20)), Worked("国庆节", new DateOnly(2026, 10, 10)),
    ];

    /// <summary>
    /// The 2013 arrangement (for the Jinzhong 2013 history): 元旦 Jan 1–3 (Sat Jan 5, Sun Jan 6 worked), 春节 Feb 9–15
    /// (Sat Feb 16, Sun Feb 17 worked), 清明 Apr 4–6 (Sun Apr 7 worked), 劳动节 Apr 29–May 1 (Sat Apr 27, Sun Apr 28
    /// worked), 端午 Jun 10–12 (Sat Jun 8, Sun Jun 9 worked), 中秋 Sep 19–21 (Sun Sep 22 worked), 国庆 Oct 1–7
    /// (Sun Sep 29, Sat Oct 12 worked). As recalled from the published notice; data, so a correction is one line.
    /// </summary>
    public static readonly IReadOnlyList<CalendarException> China2013 =
    [
        .. Holiday("元旦", new DateOnly(2013, 1, 1), 3), Worked("元旦", new DateOnly(2013, 1, 5)), Worked("元旦", new DateOnly(2013, 1, 6)),
        .. Holiday("春节", new DateOnly(2013, 2, 9), 7), Worked("春节", new DateOnly(2013, 2, 16)), Worked("春节", new DateOnly(2013, 2, 17)),
        .. Holiday("清明节", new DateOnly(2013, 4, 4), 3), Worked("清明节", new DateOnly(2013, 4, 7)),
        .. Holiday("劳动节", new DateOnly(2013, 4, 29), 3), Worked("劳动节", new DateOnly(2013, 4, 27)), Worked("劳动节", new DateOnly(2013, 4, 28)),
        .. Holiday("端午节", new DateOnly(2013, 6, 10), 3), Worked("端午节", new DateOnly(2013, 6, 8)), Worked("端午节", new DateOnly(2013, 6, 9)),
        .. Holiday("中秋节", new DateOnly(2013, 9, 19), 3), Worked("中秋节", new DateOnly(2013, 9, 22)),
        .. Holiday("国庆节", new DateOnly(2013, 10, 1), 7), Worked("国庆节", new DateOnly(2013, 9, 29)), Worked("国庆节", new DateOnly(2013, 10, 12)),
    ];

    public static readonly WorkingCalendar Default = new(DefaultPeriods, [.. China2013, .. China2026]);

    private readonly IReadOnlyList<(TimeOnly Start, TimeOnly End)> periods;
    private readonly Dictionary<DateOnly, bool> exceptions;

    public WorkingCalendar(IReadOnlyList<(TimeOnly Start, TimeOnly End)> periods, IReadOnlyList<CalendarException> exceptions)
    {
        if (periods.Count == 0 || periods.Any(p => p.End <= p.Start))
            throw new ArgumentException("Working periods must be non-empty and each must end after it starts.", nameof(periods));
        this.periods = periods.OrderBy(p => p.Start).ToArray();
        this.exceptions = exceptions.ToDictionary(e => e.Date, e => e.Working);
    }

    /// <summary>Working time in one full working day (7 h by default); a limit in working days counts this many hours per day.</summary>
    public TimeSpan WorkingDayLength => periods.Aggregate(TimeSpan.Zero, (sum, p) => sum + (p.End - p.Start));

    public bool IsWorkingDay(DateOnly date) =>
        exceptions.TryGetValue(date, out var working) ? working : date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    public bool IsWorkingTime(DateTimeOffset t)
    {
        var local = t.ToOffset(ChinaStandardTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return IsWorkingDay(DateOnly.FromDateTime(local.DateTime)) && periods.Any(p => time >= p.Start && time < p.End);
    }

    /// <summary>The instant at which <paramref name="working"/> of working time has elapsed after <paramref name="start"/>.</summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset start, TimeSpan working)
    {
        if (working < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(working), "Working time cannot be negative.");
        var cursor = start.ToOffset(ChinaStandardTime);
        var remaining = working;
        if (remaining == TimeSpan.Zero)
            return cursor;
        for (var day = 0; day < 3660; day++)
        {
            var date = DateOnly.FromDateTime(cursor.DateTime);
            if (IsWorkingDay(date))
            {
                foreach (var (from, to) in periods)
                {
                    var periodStart = At(date, from);
                    var periodEnd = At(date, to);
                    var begin = cursor > periodStart ? cursor : periodStart;
                    if (begin >= periodEnd)
                        continue;
                    var available = periodEnd - begin;
                    if (remaining <= available)
                        return begin + remaining;
                    remaining -= available;
                    cursor = periodEnd;
                }
            }
            cursor = At(date.AddDays(1), TimeOnly.MinValue);
        }
        throw new InvalidOperationException("No working time within ten years; the calendar has no working days.");
    }

    /// <summary>Working time between two instants; zero when <paramref name="b"/> is not after <paramref name="a"/>.</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset a, DateTimeOffset b)
    {
        if (b <= a)
            return TimeSpan.Zero;
        var from = a.ToOffset(ChinaStandardTime);
        var total = TimeSpan.Zero;
        for (var date = DateOnly.FromDateTime(from.DateTime); At(date, TimeOnly.MinValue) < b; date = date.AddDays(1))
        {
            if (!IsWorkingDay(date))
                continue;
            foreach (var (start, end) in periods)
            {
                var begin = Max(At(date, start), a);
                var finish = Min(At(date, end), b);
                if (finish > begin)
                    total += finish - begin;
            }
        }
        return total;
    }

    /// <summary>The due instant of a step that starts at <paramref name="start"/>.</summary>
    public DateTimeOffset Due(DateTimeOffset start, TimeLimit limit) => limit.Kind switch
    {
        TimeLimitKind.CalendarMinutes => start.ToOffset(ChinaStandardTime).AddMinutes(limit.Amount),
        TimeLimitKind.WorkingMinutes => AddWorkingTime(start, TimeSpan.FromMinutes(limit.Amount)),
        TimeLimitKind.WorkingDays => AddWorkingTime(start, WorkingDayLength * limit.Amount),
        _ => throw new ArgumentOutOfRangeException(nameof(limit), limit.Kind, null),
    };

    private static DateTimeOffset At(DateOnly date, TimeOnly time) => new(date.ToDateTime(time), ChinaStandardTime);

    private static DateTimeOffset Max(DateTimeOffset x, DateTimeOffset y) => x > y ? x : y;

    private static DateTimeOffset Min(DateTimeOffset x, DateTimeOffset y) => x < y ? x : y;

    private static IEnumerable<CalendarException> Holiday(string name, DateOnly first, int days) =>
        Enumerable.Range(0, days).Select(i => new CalendarException(first.AddDays(i), false, name));

    private static CalendarException Worked(string name, DateOnly date) => new(date, true, name + " 调休");
}
