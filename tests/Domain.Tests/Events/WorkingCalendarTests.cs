using GridMap.Domain.Events;

namespace GridMap.Domain.Tests.Events;

public sealed class WorkingCalendarTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;

    private static DateTimeOffset Cst(string local) => DateTimeOffset.Parse(local + "+08:00");

    [Theory]
    [InlineData("2026-03-02 09:00", 30, "2026-03-02 09:30")] // plain Monday morning
    [InlineData("2026-03-02 07:00", 30, "2026-03-02 09:00")] // before opening
    [InlineData("2026-03-02 11:30", 60, "2026-03-02 15:00")] // over the lunch break
    [InlineData("2026-03-02 12:40", 30, "2026-03-02 15:00")] // reported during lunch
    [InlineData("2026-03-02 17:30", 60, "2026-03-03 09:00")] // over the evening
    [InlineData("2026-03-02 21:00", 30, "2026-03-03 09:00")] // reported at night
    [InlineData("2026-03-06 17:00", 120, "2026-03-09 09:30")] // Friday over the weekend
    [InlineData("2026-03-07 10:00", 30, "2026-03-09 09:00")] // reported on a Saturday
    [InlineData("2025-12-31 17:00", 120, "2026-01-04 09:30")] // 元旦, then the worked Sunday
    [InlineData("2026-02-13 17:00", 120, "2026-02-14 09:30")] // 春节 make-up Saturday
    [InlineData("2026-02-14 17:00", 120, "2026-02-24 09:30")] // the whole Spring Festival off
    [InlineData("2026-04-03 17:00", 120, "2026-04-07 09:30")] // 清明
    [InlineData("2026-04-30 17:00", 120, "2026-05-06 09:30")] // 劳动节
    [InlineData("2026-05-08 17:00", 120, "2026-05-09 09:30")] // 劳动节 make-up Saturday
    [InlineData("2026-06-18 17:00", 120, "2026-06-22 09:30")] // 端午
    [InlineData("2026-09-18 17:30", 60, "2026-09-20 09:00")] // 国庆 make-up Sunday
    [InlineData("2026-09-24 17:00", 120, "2026-09-28 09:30")] // 中秋
    [InlineData("2026-09-30 17:00", 120, "2026-10-08 09:30")] // 国庆
    [InlineData("2026-10-09 17:00", 120, "2026-10-10 09:30")] // 国庆 make-up Saturday
    [InlineData("2026-03-02 09:00", 0, "2026-03-02 09:00")]
    [InlineData("2013-02-08 17:00", 120, "2013-02-16 09:30")] // 2013 春节, then the worked Saturday
    [InlineData("2013-04-26 17:00", 120, "2013-04-27 09:30")] // 2013 劳动节 make-up Saturday
    [InlineData("2013-04-28 17:00", 120, "2013-05-02 09:30")] // 2013 劳动节
    [InlineData("2013-09-30 17:00", 120, "2013-10-08 09:30")] // 2013 国庆
    public void Adds_working_minutes(string start, int minutes, string due) =>
        Assert.Equal(Cst(due), Calendar.AddWorkingTime(Cst(start), TimeSpan.FromMinutes(minutes)));

    [Fact]
    public void Ignores_the_offset_it_is_given() =>
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T07:00:00Z"), Calendar.AddWorkingTime(DateTimeOffset.Parse("2026-03-02T03:30:00Z"), TimeSpan.FromHours(1)));

    [Theory]
    [InlineData("2026-03-02 09:00", "2026-03-06 17:00")]
    [InlineData("2026-03-06 17:00", "2026-03-09 09:30")]
    [InlineData("2026-03-02 11:00", "2026-03-02 15:00")]
    [InlineData("2026-09-29 10:00", "2026-10-10 11:00")]
    public void Working_time_between_inverts_adding(string a, string b) =>
        Assert.Equal(Cst(b), Calendar.AddWorkingTime(Cst(a), Calendar.WorkingTimeBetween(Cst(a), Cst(b))));

    [Theory]
    [InlineData("2026-03-02 11:00", "2026-03-02 15:00", 90)]
    [InlineData("2026-03-06 17:00", "2026-03-09 09:30", 120)]
    [InlineData("2026-09-30 17:00", "2026-10-08 09:30", 120)]
    [InlineData("2026-03-02 09:00", "2026-03-03 09:00", 420)]
    [InlineData("2026-03-03 09:00", "2026-03-02 09:00", 0)]
    [InlineData("2026-03-07 09:00", "2026-03-08 18:00", 0)]
    public void Counts_working_time_between(string a, string b, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), Calendar.WorkingTimeBetween(Cst(a), Cst(b)));

    [Theory]
    [InlineData("2026-03-02 08:30", true)]
    [InlineData("2026-03-02 08:29", false)]
    [InlineData("2026-03-02 11:59", true)]
    [InlineData("2026-03-02 12:00", false)]
    [InlineData("2026-03-02 14:30", true)]
    [InlineData("2026-03-02 18:00", false)]
    [InlineData("2026-03-07 10:00", false)] // Saturday
    [InlineData("2026-10-01 10:00", false)] // 国庆
    [InlineData("2026-10-10 10:00", true)] // make-up Saturday
    [InlineData("2026-09-20 10:00", true)] // make-up Sunday
    public void Knows_working_time(string t, bool working) => Assert.Equal(working, Calendar.IsWorkingTime(Cst(t)));

    [Theory]
    [InlineData("2026-03-02 09:00", TimeLimitKind.WorkingDays, 1, "2026-03-03 09:00")]
    [InlineData("2026-03-02 09:00", TimeLimitKind.WorkingDays, 5, "2026-03-09 09:00")]
    [InlineData("2026-03-07 23:55", TimeLimitKind.CalendarMinutes, 10, "2026-03-08 00:05")]
    [InlineData("2026-03-06 17:45", TimeLimitKind.WorkingMinutes, 30, "2026-03-09 08:45")]
    public void Due_by_limit_kind(string start, TimeLimitKind kind, int amount, string due) =>
        Assert.Equal(Cst(due), Calendar.Due(Cst(start), new TimeLimit(kind, amount)));

    [Fact]
    public void Holidays_are_data()
    {
        var noHolidays = new WorkingCalendar(WorkingCalendar.DefaultPeriods, []);
        Assert.True(noHolidays.IsWorkingTime(Cst("2026-10-02 10:00")));
        Assert.False(noHolidays.IsWorkingTime(Cst("2026-10-10 10:00")));
        Assert.Equal(TimeSpan.FromHours(7), Calendar.WorkingDayLength);
    }
}
