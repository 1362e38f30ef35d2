using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events.Kpi;
using GridMap.GeoApi.Infrastructure;
using GridMap.GeoApi.Kpi;
using GridMap.Store.Assessment;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Assessment;

/// <summary>
/// Person-level indicators (issue 17): the grid manager assessment of an area's grids — weighted score, rank in the area
/// and in the village, every rate with its numerator and denominator — and the handlers' figures; JSON, CSV or .xlsx.
/// Read by the same roles as the KPIs; an area outside the caller's is 404.
/// </summary>
public static class AssessmentApi
{
    public static IEndpointRouteBuilder MapAssessmentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/assessment").WithTags("Assessment")
            .RequireAuthorization(p => p.RequireRole(KpiApi.Readers.Select(r => r.Slug())));
        group.MapGet("/{unit}/grid-managers", GridManagers)
            .WithSummary("The grid managers of a unit's grids over whole months: reports, visits, freshness, patrols, events solved in the grid, each with its denominator; score and rank in the unit and in the village. ?format=csv|xlsx to export.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{unit}/handlers", Handlers)
            .WithSummary("The handlers (accounts) of a unit over whole months: steps finished, on time of those with a deadline, feedback and rework, accountability records, steps held and overdue now. ?format=csv|xlsx to export.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>One grid's assessed row: rank in the requested unit and in its village, the score, the counters and rates.</summary>
    public sealed record AssessedGrid(int? Rank, int? VillageRank, string Grid, string Village, string? Manager, string? Account, bool AccountActive,
        decimal? Score, GridManagerCounters Counters, GridManagerRates Rates);

    /// <summary>A child unit's subtotal (the villages of a township, the townships of a county) with its score and rank among them.</summary>
    public sealed record AssessedGroup(int? Rank, string Code, string Name, decimal? Score, int Grids, GridManagerCounters Counters, GridManagerRates Rates);

    public sealed record GridManagerReport(string Unit, string Name, DateOnly From, DateOnly To, IReadOnlyList<GridManagerWeight> Weights,
        GridManagerCounters Counters, GridManagerRates Rates, IReadOnlyList<AssessedGroup> Groups, IReadOnlyList<AssessedGrid> Rows);

    public sealed record AssessedHandler(string Username, string DisplayName, string Role, string Unit, string? Department, HandlerCounters Counters,
        KpiRate OnTime, KpiRate Rework);

    public sealed record HandlerReport(string Unit, string Name, DateOnly From, DateOnly To, IReadOnlyList<AssessedHandler> Rows);

    public static async Task<Results<Ok<GridManagerReport>, FileContentHttpResult, ProblemHttpResult>> GridManagers(
        string unit, string? from, string? to, string? format, HttpContext http, AssessmentStore store, TimeProvider time, CancellationToken ct)
    {
        if (!TryRequest(unit, from, to, format, http, time, out var code, out var period, out var problem))
            return problem!;
        var grids = await store.GridManagersAsync(RequestCaller.Get(http), code.Value, period.From, period.To, ct);
        if (grids is null)
            return NotInArea(code);
        var names = await store.UnitNamesAsync(code.Value, ct);
        var report = Build(code, names, period, grids);
        return File(format, "grid-managers", "网格员考核", GridColumns, report.Rows, code, period) is { } file ? file : TypedResults.Ok(report);
    }

    public static async Task<Results<Ok<HandlerReport>, FileContentHttpResult, ProblemHttpResult>> Handlers(
        string unit, string? from, string? to, string? format, HttpContext http, AssessmentStore store, TimeProvider time, CancellationToken ct)
    {
        if (!TryRequest(unit, from, to, format, http, time, out var code, out var period, out var problem))
            return problem!;
        var handlers = await store.HandlersAsync(RequestCaller.Get(http), code.Value, period.From, period.To, ct);
        var names = await store.UnitNamesAsync(code.Value, ct);
        if (handlers is null || !names.TryGetValue(code.Value, out var name) && code.Level != AdminLevel.Grid)
            return NotInArea(code);
        var rows = handlers.Select(h => new AssessedHandler(h.Username, h.DisplayName, h.Role, h.Scope, h.Department, h.Counters, h.Counters.OnTime, h.Counters.Rework)).ToList();
        var report = new HandlerReport(code.Value, name ?? code.Value, period.From, period.To, rows);
        return File(format, "handlers", "承办人指标", HandlerColumns, rows, code, period) is { } file ? file : TypedResults.Ok(report);
    }

    /// <summary>Scores every grid, ranks them in the unit and in their village, and sums the child units and the unit.</summary>
    public static GridManagerReport Build(AdminCode unit, IReadOnlyDictionary<string, string> names, (DateOnly From, DateOnly To) period,
        IReadOnlyList<GridManagerRow> grids)
    {
        var inUnit = WeightedScore.Rank(grids, g => g.Grid, g => GridManagerAssessment.Score(g.Counters)).ToList();
        var inVillage = grids.GroupBy(g => g.Grid[..12])
            .SelectMany(v => WeightedScore.Rank(v, g => g.Grid, g => GridManagerAssessment.Score(g.Counters)))
            .ToDictionary(r => r.Key, r => r.Rank);
        var rows = inUnit.Select(r => new AssessedGrid(r.Rank, inVillage[r.Key], r.Key, r.Key[..12], r.Row.Manager, r.Row.Account, r.Row.AccountActive,
            r.Score, r.Row.Counters, GridManagerRates.From(r.Row.Counters))).ToList();
        var childLength = unit.Level switch { AdminLevel.Township => 12, AdminLevel.County => 9, AdminLevel.City => 6, AdminLevel.Province => 4, _ => 0 };
        var groups = childLength == 0 ? [] : WeightedScore.Rank(
                grids.GroupBy(g => g.Grid[..childLength]).Select(g => (Code: g.Key, Grids: g.Count(), Counters: GridManagerCounters.Sum(g.Select(x => x.Counters)))),
                g => g.Code, g => GridManagerAssessment.Score(g.Counters))
            .Select(g => new AssessedGroup(g.Rank, g.Key, names.GetValueOrDefault(g.Key, g.Key), g.Score, g.Row.Grids, g.Row.Counters, GridManagerRates.From(g.Row.Counters)))
            .ToList();
        var total = GridManagerCounters.Sum(grids.Select(g => g.Counters));
        return new GridManagerReport(unit.Value, names.GetValueOrDefault(unit.Value, unit.Value), period.From, period.To, GridManagerAssessment.DefaultWeights,
            total, GridManagerRates.From(total), groups, rows);
    }

    /// <summary>The table as a CSV or .xlsx download when the format asks for one; null for JSON.</summary>
    private static FileContentHttpResult? File<T>(string? format, string kind, string sheet, IReadOnlyList<ExportColumn<T>> columns, IReadOnlyList<T> rows,
        AdminCode code, (DateOnly From, DateOnly To) period)
    {
        var name = $"{kind}-{code.Value}-{period.From:yyyyMM}-{period.To:yyyyMM}";
        return format?.ToLowerInvariant() switch
        {
            "csv" => TypedResults.File(TableExport.Csv(columns, rows), TableExport.CsvType, name + ".csv"),
            "xlsx" => TypedResults.File(TableExport.Xlsx(sheet, columns, rows), TableExport.XlsxType, name + ".xlsx"),
            _ => null,
        };
    }

    private static ProblemHttpResult NotInArea(AdminCode code) => ApiProblems.NotFound($"No unit {code.Value} in your area.");

    private static bool TryRequest(string unit, string? from, string? to, string? format, HttpContext http, TimeProvider time,
        out AdminCode code, out (DateOnly From, DateOnly To) period, out ProblemHttpResult? problem)
    {
        period = default;
        if (format is not null && format.ToLowerInvariant() is not ("json" or "csv" or "xlsx"))
        {
            code = default;
            problem = ApiProblems.BadRequest("format is json (default), csv or xlsx.");
            return false;
        }
        if (!CodeRoute.TryParse(unit, out code, out problem))
            return false;
        if (!RequestCaller.Get(http).Covers(code.Value))
        {
            problem = NotInArea(code);
            return false;
        }
        return KpiApi.TryPeriod(from, to, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), out period, out problem);
    }

    private static decimal? Percent(KpiRate rate) => rate.Percent;

    /// <summary>The export's columns: every rate beside its numerator and denominator, so a figure can be checked by hand.</summary>
    public static readonly IReadOnlyList<ExportColumn<AssessedGrid>> GridColumns =
    [
        new("排名", r => r.Rank),
        new("村内排名", r => r.VillageRank),
        new("网格", r => r.Grid),
        new("网格员", r => r.Manager),
        new("账号", r => r.Account),
        new("得分", r => r.Score),
        new("上报事件", r => r.Counters.ReportsMade),
        new("受理", r => r.Counters.ReportsAccepted),
        new("受理率%", r => Percent(r.Rates.ReportAcceptance)),
        new("重复上报", r => r.Counters.Duplicates),
        new("重复率%", r => Percent(r.Rates.Duplicates)),
        new("应走访对象", r => r.Counters.VisitRecords),
        new("按期走访", r => r.Counters.VisitsOnSchedule),
        new("按期走访率%", r => Percent(r.Rates.VisitsOnSchedule)),
        new("本期走访次数", r => r.Counters.VisitsMade),
        new("户数", r => r.Counters.Households),
        new("鲜活户数", r => r.Counters.FreshHouseholds),
        new("鲜活率%", r => Percent(r.Rates.Freshness)),
        new("建筑", r => r.Counters.Buildings),
        new("巡查覆盖建筑", r => r.Counters.BuildingsPatrolled),
        new("巡查覆盖率%", r => Percent(r.Rates.PatrolCoverage)),
        new("巡查次数", r => r.Counters.Patrols),
        new("结案", r => r.Counters.Closed),
        new("网格内解决", r => r.Counters.ClosedAtGrid),
        new("网格内解决率%", r => Percent(r.Rates.SolvedInGrid)),
    ];

    public static readonly IReadOnlyList<ExportColumn<AssessedHandler>> HandlerColumns =
    [
        new("账号", r => r.Username),
        new("姓名", r => r.DisplayName),
        new("角色", r => r.Role),
        new("单位", r => r.Unit),
        new("部门", r => r.Department),
        new("办结环节", r => r.Counters.StepsFinished),
        new("有时限环节", r => r.Counters.StepsWithDeadline),
        new("按时办结", r => r.Counters.StepsOnTime),
        new("按时率%", r => Percent(r.OnTime)),
        new("反馈处置", r => r.Counters.FeedbackGiven),
        new("返工", r => r.Counters.Reworked),
        new("返工率%", r => Percent(r.Rework)),
        new("问责记录", r => r.Counters.Accountability),
        new("未结问责", r => r.Counters.AccountabilityOpen),
        new("在办", r => r.Counters.HoldingNow),
        new("在办超期", r => r.Counters.OverdueNow),
    ];
}
