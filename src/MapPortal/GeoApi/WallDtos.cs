namespace GridMap.MapPortal.GeoApi;

public sealed record WallDayDto(DateOnly Day, int Reported, int Accepted, int Closed);

public sealed record WallRateDto(int Numerator, int Denominator, double? Value);

public sealed record WallCategoryDto(string Code, string Name, int Count);

public sealed record WallEventDto(long Id, string TrackingNo, string Category, string Grid, string Owner, DateTimeOffset? Due, int Supervisions);

public sealed record WallChildDto(string Code, string Name, int Reported, int ClosedOnTime, int Due, int Open, int Overdue, double? OnTimeClosure);

/// <summary>GET /api/kpi/{unit}/wall: what the wall display shows.</summary>
public sealed record WallBoardDto(
    DateTimeOffset At, DateOnly Today, List<WallDayDto> Days, WallRateDto OnTimeClosure, WallRateDto Disposal, List<WallCategoryDto> Categories,
    int Open, int Overdue, int Supervised, List<WallEventDto> OverdueList, List<WallEventDto> SupervisedList, List<WallChildDto> Children)
{
    public WallDayDto Day(DateOnly day) => Days.FirstOrDefault(d => d.Day == day) ?? new WallDayDto(day, 0, 0, 0);
}
