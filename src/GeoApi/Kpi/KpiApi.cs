using System.Globalization;
using System.Text;
using GridMap.Domain.Access;
using GridMap.Domain.Codes;
using GridMap.Domain.Events.Kpi;
using GridMap.GeoApi.Infrastructure;
using GridMap.Store.Field;
using GridMap.Store.Kpi;
using GridMap.Store.Wall;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridMap.GeoApi.Kpi;

/// <summary>
/// Event indicators (KPIs) of a unit over whole months: totals, rates with their denominators, children and departments,
/// the assessment ranking of the children, and a CSV export. Scoped like the people API: a unit outside the caller's
/// area is 404. Events are not personal data, so reads are not audited.
/// </summary>
public static class KpiApi
{
    /// <summary>Who reads KPIs: centre staff of every level, planners and auditors; a grid manager only for their grid.</summary>
    public static readonly Role[] Readers =
        [Role.ProvinceStaff, Role.CityStaff, Role.CountyStaff, Role.TownshipStaff, Role.VillageStaff, Role.GridManager, Role.Planner, Role.Auditor];

    private const int MaxMonths = 120;

    public static IEndpointRouteBuilder MapKpiApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/kpi").WithTags("KPI")
            .RequireAuthorization(p => p.RequireRole(Readers.Select(r => r.Slug())));
        group.MapGet("/{unit}", Get)
            .WithSummary("A unit's event KPIs for whole months from–to (cohort of events reported in the period, CST): totals, rates with numerator and denominator, children, departments. ?format=csv or /api/kpi/{unit}.csv for Excel.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{unit}/latest", Latest)
            .WithSummary("The latest month (up to this one) with events reported in the unit, {year, month}: where the KPI page opens. 404 when it never had any.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{unit}/wall", Wall)
            .WithSummary("The wall display's figures (大屏): today / yesterday / same weekday four weeks ago, the last 30 days' rates with denominators, trend, category shares, overdue and supervised lists, children ranked by on-time closure.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{unit}/assessment", Assessment)
            .WithSummary("The weighted assessment score (考核) of each child of the unit and its rank among its siblings.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>
    /// A child's row: its weighted score and rank from the event KPIs, and beside them its patrols of the period
    /// (巡查: count, length, buildings passed within 50 m at least once / buildings) — shown, not weighted.
    /// </summary>
    public sealed record AssessedUnit(string Code, string Name, decimal? Score, int? Rank, KpiRate Disposal, KpiRate Closure, KpiRate OnTimeClosure, int Registered,
        CoverageRow? Patrol);

    public sealed record AssessmentReport(KpiUnit Unit, DateOnly From, DateOnly To, IReadOnlyList<AssessmentWeight> Weights, IReadOnlyList<AssessedUnit> Rows);

    public static async Task<Results<Ok<KpiReport>, FileContentHttpResult, ProblemHttpResult>> Get(
        string unit, string? from, string? to, string? format, HttpContext http, KpiStore store, TimeProvider time, CancellationToken ct)
    {
        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        var xlsx = string.Equals(format, "xlsx", StringComparison.OrdinalIgnoreCase);
        if (unit.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            (unit, csv) = (unit[..^4], true);
        else if (format is not null && !csv && !xlsx && format != "json")
            return ApiProblems.BadRequest("format is json (default), csv or xlsx.");
        if (!TryRequest(unit, from, to, http, time, out var code, out var period, out var problem))
            return problem!;
        var report = await store.GetReportAsync(code, period.From, period.To, ct);
        if (report is null)
            return NotInArea(code);
        if (xlsx)
            return TypedResults.File(Xlsx(report), TableExport.XlsxType, $"kpi-{code.Value}-{period.From:yyyyMM}-{period.To:yyyyMM}.xlsx");
        return csv
            ? TypedResults.File(Csv(report), "text/csv; charset=utf-8", $"kpi-{code.Value}-{period.From:yyyyMM}-{period.To:yyyyMM}.csv")
            : TypedResults.Ok(report);
    }

    public static async Task<Results<Ok<AssessmentReport>, ProblemHttpResult>> Assessment(
        string unit, string? from, string? to, HttpContext http, KpiStore store, FieldStore field, TimeProvider time, CancellationToken ct)
    {
        if (!TryRequest(unit, from, to, http, time, out var code, out var period, out var problem))
            return problem!;
        var report = await store.GetReportAsync(code, period.From, period.To, ct);
        if (report is null)
            return NotInArea(code);
        var names = report.Children.ToDictionary(c => c.Code);
        var patrols = (await field.CoverageAsync(RequestCaller.Get(http), code.Value, period.From, period.To, ct) ?? [])
            .Where(r => r.Code != code.Value).ToDictionary(r => r.Code);
        var rows = KpiAssessment.Rank(report.Children.Select(c => (c.Code, c.Counters)))
            .Select(r => new AssessedUnit(r.Key, names[r.Key].Name, r.Score, r.Rank, names[r.Key].Rates.Disposal, names[r.Key].Rates.Closure,
                names[r.Key].Rates.OnTimeClosure, r.Counters.Registered, patrols.GetValueOrDefault(r.Key)))
            .ToList();
        return TypedResults.Ok(new AssessmentReport(report.Unit, report.From, report.To, KpiAssessment.DefaultWeights, rows));
    }

    public static async Task<Results<Ok<WallBoard>, ProblemHttpResult>> Wall(string unit, HttpContext http, WallStore store, CancellationToken ct)
    {
        if (!CodeRoute.TryParse(unit, out var code, out var problem))
            return problem!;
        if (code.Level == AdminLevel.Grid || !RequestCaller.Get(http).Covers(code.Value))
            return NotInArea(code);
        return TypedResults.Ok(await store.GetAsync(code, ct));
    }

    public sealed record LatestPeriod(int Year, int Month);

    public static async Task<Results<Ok<LatestPeriod>, ProblemHttpResult>> Latest(string unit, HttpContext http, KpiStore store, CancellationToken ct)
    {
        if (!CodeRoute.TryParse(unit, out var code, out var problem))
            return problem!;
        if (!RequestCaller.Get(http).Covers(code.Value))
            return NotInArea(code);
        return await store.LatestMonthAsync(code, ct) is { } month
            ? TypedResults.Ok(new LatestPeriod(month.Year, month.Month))
            : ApiProblems.NotFound($"No events were ever reported in {code.Value}.");
    }

    private static ProblemHttpResult NotInArea(AdminCode code) => ApiProblems.NotFound($"No unit {code.Value} in your area.");

    private static bool TryRequest(string unit, string? from, string? to, HttpContext http, TimeProvider time,
        out AdminCode code, out (DateOnly From, DateOnly To) period, out ProblemHttpResult? problem)
    {
        period = default;
        if (!CodeRoute.TryParse(unit, out code, out problem))
            return false;
        if (!RequestCaller.Get(http).Covers(code.Value))
        {
            problem = NotInArea(code);
            return false;
        }
        return TryPeriod(from, to, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), out period, out problem);
    }

    /// <summary>
    /// Whole months: from is the first day of a month, to the last day of a month (defaults: this calendar year), at
    /// most ten years. The rollup is monthly, so a partial month would silently be a whole one; it is refused instead.
    /// </summary>
    public static bool TryPeriod(string? from, string? to, DateOnly today, out (DateOnly From, DateOnly To) period, out ProblemHttpResult? problem)
    {
        period = default;
        problem = null;
        var start = new DateOnly(today.Year, 1, 1);
        var end = new DateOnly(today.Year, 12, 31);
        if (from is not null && !DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out start))
            problem = ApiProblems.BadRequest($"from '{CodeRoute.Truncate(from)}' is not a date (yyyy-MM-dd).");
        else if (to is not null && !DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out end))
            problem = ApiProblems.BadRequest($"to '{CodeRoute.Truncate(to)}' is not a date (yyyy-MM-dd).");
        else if (start.Day != 1)
            problem = ApiProblems.BadRequest($"KPIs are kept per month: from must be the first day of a month, e.g. {start:yyyy-MM}-01.");
        else if (end.AddDays(1).Day != 1)
            problem = ApiProblems.BadRequest($"KPIs are kept per month: to must be the last day of a month, e.g. {end.Year:D4}-{end.Month:D2}-{DateTime.DaysInMonth(end.Year, end.Month)}.");
        else if (end < start)
            problem = ApiProblems.BadRequest("to is before from.");
        else if ((end.Year - start.Year) * 12 + end.Month - start.Month + 1 > MaxMonths)
            problem = ApiProblems.BadRequest($"A period has at most {MaxMonths} months.");
        if (problem is not null)
            return false;
        period = (start, end);
        return true;
    }

    private sealed record ExportRow(string Kind, string Code, string Name, KpiCounters Counters);

    /// <summary>
    /// The KPI table as .xlsx for people to hand on: every row names the unit and the period it was read for, and each rate
    /// stands beside its numerator and denominator (the counters), so a reader can check every percentage.
    /// </summary>
    public static byte[] Xlsx(KpiReport report)
    {
        var unit = $"{report.Unit.Name}（{report.Unit.Code}）";
        var period = $"{report.From:yyyy-MM-dd}–{report.To:yyyy-MM-dd}";
        static object? Pct(KpiRate r) => r.Percent;
        ExportColumn<ExportRow> Count(string header, Func<KpiCounters, int> value) => new(header, r => value(r.Counters));
        ExportColumn<ExportRow> Rate(string header, Func<KpiRates, KpiRate> rate) => new(header, r => Pct(rate(KpiRates.From(r.Counters))));
        ExportColumn<ExportRow>[] columns =
        [
            new("统计单位", _ => unit), new("统计期间", _ => period), new("行类型", r => r.Kind), new("代码", r => r.Code), new("名称", r => r.Name),
            Count("上报", c => c.Reported), Count("受理", c => c.Accepted), Count("不予受理", c => c.Rejected), Count("立案", c => c.Registered),
            Count("按时立案", c => c.RegisteredOnTime), Count("派遣", c => c.Dispatched), Count("处置", c => c.Handled), Count("结案", c => c.Closed),
            Count("应结案", c => c.Due), Count("按期结案", c => c.ClosedOnTime), Count("返工", c => c.Reworked), Count("延期", c => c.Extended),
            Count("上报上级", c => c.Escalated), Count("作废", c => c.Voided),
            Rate("处置率%（处置/立案）", r => r.Disposal), Rate("结案率%（结案/立案）", r => r.Closure), Rate("按期结案率%（按期结案/应结案）", r => r.OnTimeClosure),
            Rate("返工率%", r => r.Rework), Rate("延期率%", r => r.Extension), Rate("按时立案率%（按时立案/立案）", r => r.OnTimeRegistration),
        ];
        var rows = new List<ExportRow> { new("本级", report.Unit.Code, report.Unit.Name, report.Counters) };
        rows.AddRange(report.Children.Select(c => new ExportRow("下级", c.Code, c.Name, c.Counters)));
        rows.AddRange(report.Departments.Select(d => new ExportRow("部门", d.Code, d.Name, d.Counters)));
        return TableExport.Xlsx("事件指标", columns, rows);
    }

    /// <summary>UTF-8 with a byte-order mark so that Excel opens the Chinese names correctly; the unit first, then children, then departments.</summary>
    public static byte[] Csv(KpiReport report)
    {
        var text = new StringBuilder();
        text.Append("kind,code,name,reported,accepted,rejected,registered,registered_on_time,dispatched,handled,closed,due,closed_on_time,")
            .Append("reworked,extended,escalated,voided,closed_at_grid,closed_at_village,closed_at_township,closed_at_county,")
            .Append("disposal_rate,closure_rate,on_time_closure_rate,rework_rate,extension_rate,on_time_registration_rate,accurate_registration_rate\r\n");
        void Row(string kind, string code, string name, KpiCounters c)
        {
            var r = KpiRates.From(c);
            text.Append(kind).Append(',').Append(code).Append(',').Append(TableExport.Quote(name));
            foreach (var n in new[] { c.Reported, c.Accepted, c.Rejected, c.Registered, c.RegisteredOnTime, c.Dispatched, c.Handled, c.Closed, c.Due,
                c.ClosedOnTime, c.Reworked, c.Extended, c.Escalated, c.Voided, c.ClosedAtGrid, c.ClosedAtVillage, c.ClosedAtTownship, c.ClosedAtCounty })
                text.Append(',').Append(n.ToString(CultureInfo.InvariantCulture));
            foreach (var rate in new[] { r.Disposal, r.Closure, r.OnTimeClosure, r.Rework, r.Extension, r.OnTimeRegistration, r.AccurateRegistration })
                text.Append(',').Append(rate.Percent?.ToString("F1", CultureInfo.InvariantCulture) ?? "");
            text.Append("\r\n");
        }
        Row("unit", report.Unit.Code, report.Unit.Name, report.Counters);
        foreach (var child in report.Children)
            Row("child", child.Code, child.Name, child.Counters);
        foreach (var department in report.Departments)
            Row("department", department.Code, department.Name, department.Counters);
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }
}
