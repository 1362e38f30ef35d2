namespace GridMap.MapPortal.GeoApi;

public sealed record KpiUnitDto(string Code, string Name, int Level);

public sealed record KpiRateDto(int Numerator, int Denominator, double? Value, decimal? Percent);

public sealed record KpiCountersDto(
    int Reported, int Accepted, int Rejected, int Registered, int RegisteredOnTime, int Dispatched, int Handled, int Closed, int Due,
    int ClosedOnTime, int Reworked, int Extended, int Escalated, int Voided, int ClosedAtGrid, int ClosedAtVillage, int ClosedAtTownship,
    int ClosedAtCounty);

public sealed record KpiRatesDto(
    KpiRateDto Disposal, KpiRateDto Closure, KpiRateDto OnTimeClosure, KpiRateDto Rework, KpiRateDto Extension, KpiRateDto OnTimeRegistration,
    KpiRateDto AccurateRegistration, KpiRateDto ResolvedAtGrid, KpiRateDto ResolvedAtVillage, KpiRateDto ResolvedAtTownship, KpiRateDto ResolvedAtCounty);

public sealed record KpiRowDto(string Code, string Name, KpiCountersDto Counters, KpiRatesDto Rates);

public sealed record KpiReportDto(
    KpiUnitDto Unit, List<KpiUnitDto> Chain, DateOnly From, DateOnly To, KpiCountersDto Counters, KpiRatesDto Rates,
    List<KpiRowDto> Children, List<KpiRowDto> Departments);

public sealed record AssessedUnitDto(string Code, string Name, decimal? Score, int? Rank, KpiRateDto Disposal, KpiRateDto Closure, KpiRateDto OnTimeClosure, int Registered,
    PatrolFiguresDto? Patrol = null);

/// <summary>Patrols (巡查) of a unit over a period or a day: 巡查覆盖率 = buildings passed within 50 m / buildings, per mille.</summary>
public sealed record PatrolFiguresDto(string Code, int Patrols, double LengthM, double Minutes, int Buildings, int BuildingsPassed, int GridsPatrolled, int Grids,
    int CoveragePermille);

public sealed record AssessmentDto(KpiUnitDto Unit, List<AssessedUnitDto> Rows);

/// <summary>The grid manager assessment as GeoApi sends it; the counters and rates are the domain's own records.</summary>
public sealed record GridManagerReportDto(string Unit, string Name, DateOnly From, DateOnly To, GridMap.Domain.Events.Kpi.GridManagerCounters Counters,
    GridMap.Domain.Events.Kpi.GridManagerRates Rates, List<AssessedGroupDto> Groups, List<AssessedGridDto> Rows);

public sealed record AssessedGridDto(int? Rank, int? VillageRank, string Grid, string Village, string? Manager, string? Account, bool AccountActive,
    decimal? Score, GridMap.Domain.Events.Kpi.GridManagerCounters Counters, GridMap.Domain.Events.Kpi.GridManagerRates Rates);

public sealed record AssessedGroupDto(int? Rank, string Code, string Name, decimal? Score, int Grids, GridMap.Domain.Events.Kpi.GridManagerCounters Counters,
    GridMap.Domain.Events.Kpi.GridManagerRates Rates);

public sealed record HandlerReportDto(string Unit, string Name, DateOnly From, DateOnly To, List<AssessedHandlerDto> Rows);

public sealed record AssessedHandlerDto(string Username, string DisplayName, string Role, string Unit, string? Department,
    GridMap.Domain.Events.Kpi.HandlerCounters Counters, GridMap.Domain.Events.Kpi.KpiRate OnTime, GridMap.Domain.Events.Kpi.KpiRate Rework);

/// <summary>The three-level containment figure of a unit (issue 18) as GeoApi sends it.</summary>
public sealed record ContainmentReportDto(string Unit, DateOnly From, DateOnly To, List<ContainmentRowDto> Rows, List<ContainmentChildDto> Children);

public sealed record ContainmentRowDto(string Severity, string RuleLevel, ContainmentCountsDto Counts, KpiRateDto WithinRule);

public sealed record ContainmentCountsDto(int Village, int Township, int County, int Beyond, int Finished);

public sealed record ContainmentChildDto(string Code, List<ContainmentRowDto> Rows);

/// <summary>The latest month with events in a unit: where the KPI page opens when no period is asked for.</summary>
public sealed record LatestPeriodDto(int Year, int Month);
