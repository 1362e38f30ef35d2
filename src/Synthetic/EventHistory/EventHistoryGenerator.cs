using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GridMap.Domain;
using GridMap.Domain.Events;
using NetTopologySuite.Geometries;

namespace GridMap.Synthetic.EventHistory;

/// <summary>What to generate: the year, how many accepted events, how many rejected reports, and the disposal rate to hit.</summary>
public sealed record EventHistoryTargets(int Year, int Accepted, int Rejected, int Seed)
{
    /// <summary>处置率 = handled / registered; the generator makes it at least this and within one registered event of it.</summary>
    public decimal DisposalRate { get; init; } = 0.985m;

    /// <summary>Jinzhong (晋中市) 2013: 338,000 accepted events and about 1.2 % of reports rejected as invalid or duplicate.</summary>
    public static EventHistoryTargets Jinzhong2013(int seed) => new(2013, 338_000, 4_180, seed);
}

/// <summary>
/// Generates a year of events in an area by driving each one through <see cref="EventWorkflow"/> with synthetic callers
/// (grid managers, village/township/county centres, department officers), so states, owners, deadlines and the indicator
/// columns are exactly what the live workflow produces; nothing is forged. Deterministic in the seed: event i's report,
/// plan and timing come from its own random stream, so the same seed gives the same history on any number of cores.
/// The history is a snapshot at the end of the year: steps that would fall after it have not happened, so events
/// reported late in December are still open. The disposal rate is hit exactly by choosing how many registered events
/// are voided before handling, once the open year-end tail is known.
/// </summary>
public sealed class EventHistoryGenerator
{
    public const string Version = "events-v1";

    private static readonly TimeSpan Cst = WorkingCalendar.ChinaStandardTime;
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), Srids.Cgcs2000);

    // Relative frequency per category (‰ of events), from the article's picture: disputes, street order and city
    // appearance dominate; emergencies are rare.
    internal static readonly Dictionary<string, double> CategoryWeights = new()
    {
        ["0101"] = 120, ["0102"] = 60, ["0103"] = 25, ["0104"] = 20,
        ["0201"] = 15, ["0202"] = 20, ["0203"] = 12, ["0204"] = 8,
        ["0301"] = 110, ["0302"] = 90, ["0303"] = 45,
        ["0401"] = 30, ["0402"] = 20, ["0403"] = 25, ["0404"] = 20,
        ["0501"] = 6, ["0502"] = 4, ["0503"] = 3,
        ["0601"] = 150, ["0602"] = 40, ["0603"] = 6,
        ["0701"] = 25, ["0702"] = 60,
        ["0801"] = 25, ["0802"] = 20,
        ["0901"] = 6, ["0902"] = 2, ["0903"] = 1,
    };

    // Events per month relative to the mean: fewer in winter and around the Spring Festival, more in summer.
    internal static readonly double[] MonthFactor = [0.85, 0.70, 0.95, 1.00, 1.10, 1.15, 1.20, 1.20, 1.10, 1.00, 0.95, 0.90];

    /// <summary>Reports on a weekend or holiday relative to a working day.</summary>
    internal const double RestDayFactor = 0.55;

    // Reports by hour of day (CST): grid managers patrol mornings and afternoons; a few calls at night.
    internal static readonly double[] HourWeights =
        [0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 6, 6, 5, 3, 2.5, 3, 5, 5.5, 5, 3.5, 2.5, 2, 1.5, 1, 0.6];

    private readonly EventHistorySource source;
    private readonly EventHistoryTargets targets;
    private readonly WorkingCalendar calendar;
    private readonly TimeLimitTable limits = TimeLimitTable.Taiyuan;
    private readonly DateTimeOffset yearStart;
    private readonly DateTimeOffset cutoff;

    public EventHistoryGenerator(EventHistorySource source, EventHistoryTargets targets, WorkingCalendar? calendar = null)
    {
        this.source = source;
        this.targets = targets;
        this.calendar = calendar ?? WorkingCalendar.Default;
        yearStart = new DateTimeOffset(targets.Year, 1, 1, 0, 0, 0, Cst);
        cutoff = yearStart.AddYears(1);
    }

    /// <summary>The end of the history: steps at or after it have not happened yet.</summary>
    public DateTimeOffset Cutoff => cutoff;

    /// <summary>
    /// Draws every event's report and plan (cheap), then fixes the number of voids that makes the disposal rate exact.
    /// The events are simulated batch by batch by <see cref="EventHistoryPlan.Simulate"/>.
    /// </summary>
    public EventHistoryPlan Plan(IProgress<(string Step, int Done, int Total)>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var total = targets.Accepted + targets.Rejected;
        var days = DayWeights();
        var hours = Cumulative(HourWeights);
        var grids = Cumulative(source.Grids.Select(g => g.Households + 20.0).ToArray());
        var monthCategories = Enumerable.Range(1, 12).Select(m => Cumulative(source.Categories.Select(c => CategoryWeight(c.Category, m)).ToArray())).ToArray();

        var drafts = new EventDraft[total];
        Parallel.For(0, total, i =>
        {
            var random = RandomFor(i, 0);
            var day = Pick(days, random);
            var at = yearStart.AddDays(day).AddHours(Pick(hours, random)).AddSeconds(random.Next(3600));
            // The last reports of the year come in before 23:00 so that they are accepted and registered within it.
            if (at > cutoff.AddHours(-1))
                at = at.AddHours(-2);
            var category = Pick(monthCategories[at.Month - 1], random);
            drafts[i] = Draft(i, at, Pick(grids, random), category, random);
        });
        progress?.Report(("planned", total, total));

        var plan = new EventHistoryPlan(this, drafts, TrackingNumbers(drafts.Length));
        AssignExactCounts(plan);
        plan.PlanElapsed = clock.Elapsed;
        return plan;
    }

    private EventDraft Draft(int index, DateTimeOffset at, int grid, int category, Random random)
    {
        var draft = new EventDraft { Index = index, ReportedAt = at, Grid = grid, Category = category, Seed = random.Next() };
        var c = source.Categories[category];
        draft.Reporter = random.NextDouble() switch { < 0.80 => ReporterKind.GridManager, < 0.92 => ReporterKind.Hotline, _ => ReporterKind.Public };
        if (index >= targets.Accepted)
        {
            draft.Kind = PlanKind.Rejected;
            return draft;
        }
        if (c.Category.MinorOnTheSpot && draft.Reporter == ReporterKind.GridManager && random.NextDouble() < 0.40)
        {
            draft.Kind = PlanKind.OnTheSpot;
            return draft;
        }
        draft.Kind = PlanKind.Normal;
        draft.Target = TargetFor(c, random);
        draft.LateRegistration = random.NextDouble() < 0.03;
        var handlerBelowCounty = draft.Target is not (HandlerTarget.County or HandlerTarget.Department);
        draft.Escalate = handlerBelowCounty && random.NextDouble() < 0.04;
        draft.Rework = random.NextDouble() < 0.035;
        draft.Late = random.NextDouble() < 0.03;
        // Extensions and suspensions need a centre above the handler to approve them: none above a county centre.
        var approvable = draft.Target != HandlerTarget.County;
        draft.Extend = approvable && random.NextDouble() < 0.03;
        draft.Suspend = approvable && !draft.Extend && random.NextDouble() < 0.01;
        return draft;
    }

    private static HandlerTarget TargetFor(HistoryCategory c, Random random)
    {
        var r = random.NextDouble();
        var department = c.Category.Department is not null;
        return c.DefaultLevel switch
        {
            >= 5 => r < 0.45 ? HandlerTarget.Grid : r < 0.90 ? HandlerTarget.Village : HandlerTarget.Township,
            4 => r < 0.15 ? HandlerTarget.Village : r < 0.75 || !department ? HandlerTarget.Township : HandlerTarget.Department,
            _ => r < 0.10 ? HandlerTarget.Township : r < 0.40 || !department ? HandlerTarget.County : HandlerTarget.Department,
        };
    }

    /// <summary>
    /// Voided before registration (duplicates found), suspended at the year end, and voided after registration: the last
    /// count is whatever makes handled / registered hit the target once the still-open tail of December is simulated.
    /// </summary>
    private void AssignExactCounts(EventHistoryPlan plan)
    {
        var drafts = plan.Drafts;
        var random = RandomFor(-1, 1);
        var tailStart = cutoff.AddDays(-47);
        var early = Shuffled(drafts.Where(d => d.Kind == PlanKind.Normal && d.ReportedAt < tailStart).Select(d => d.Index), random);
        var decemberSuspendable = Shuffled(drafts.Where(d => d.Kind == PlanKind.Normal && d.Suspend is false && d.Target != HandlerTarget.County
            && d.ReportedAt >= cutoff.AddDays(-31) && d.ReportedAt < cutoff.AddDays(-10)).Select(d => d.Index), random);

        var voidBeforeRegister = (int)Math.Round(targets.Accepted * 0.0008);
        var suspendedAtYearEnd = Math.Min(decemberSuspendable.Count, (int)Math.Round(targets.Accepted * 0.001));
        foreach (var i in decemberSuspendable.Take(suspendedAtYearEnd))
            drafts[i].Kind = PlanKind.SuspendedAtYearEnd;
        foreach (var i in early.Take(voidBeforeRegister))
            drafts[i].Kind = PlanKind.VoidBeforeRegister;

        // The tail: everything reported in the last weeks, simulated to see how much is still unhandled at the year end.
        var tail = drafts.Where(d => d.ReportedAt >= tailStart && d.Kind != PlanKind.Rejected).ToArray();
        var unhandledTail = 0;
        Parallel.ForEach(tail, d =>
        {
            var e = Simulate(d, plan.TrackingNumbers[d.Index]);
            if (e.RegisteredAt is not null && e.HandledAt is null)
                Interlocked.Increment(ref unhandledTail);
        });

        var registered = targets.Accepted - voidBeforeRegister;
        var handled = (int)Math.Ceiling(registered * targets.DisposalRate);
        var voidAfterRegister = registered - handled - unhandledTail;
        if (voidAfterRegister < 0 || voidAfterRegister > early.Count - voidBeforeRegister)
            throw new InvalidOperationException(
                $"Cannot reach a disposal rate of {targets.DisposalRate:P1}: {unhandledTail} events are still unhandled at the year end.");
        foreach (var i in early.Skip(voidBeforeRegister).Take(voidAfterRegister))
            drafts[i].Kind = PlanKind.VoidAfterRegister;
        plan.ExpectedRegistered = registered;
        plan.ExpectedHandled = handled;
    }

    /// <summary>Drives one event through the workflow up to the end of the year.</summary>
    internal GeneratedEvent Simulate(EventDraft d, string trackingNo)
    {
        var random = new Random(d.Seed);
        var grid = source.Grids[d.Grid];
        var category = source.Categories[d.Category].Category;
        var point = PointIn(grid.Geometry, random);
        var reporter = d.Reporter switch
        {
            ReporterKind.GridManager => ($"gm.{grid.Code}", grid.Code),
            ReporterKind.Hotline => ("hotline", grid.Code[..6]),
            _ => ("public", (string?)null),
        };
        var run = new WorkflowRun(this, d, grid, category, trackingNo, point, reporter.Item1, reporter.Item2);
        run.Play(random);
        return run.ToEvent();
    }

    internal WorkingCalendar Calendar => calendar;

    internal TimeLimitTable Limits => limits;

    private double[] DayWeights()
    {
        var days = (int)(cutoff - yearStart).TotalDays;
        var weights = new double[days];
        for (var i = 0; i < days; i++)
        {
            var date = DateOnly.FromDateTime(yearStart.AddDays(i).DateTime);
            var weight = MonthFactor[date.Month - 1] * (calendar.IsWorkingDay(date) ? 1.0 : RestDayFactor);
            weights[i] = weight;
        }
        return Cumulative(weights);
    }

    private static double CategoryWeight(EventCategory c, int month)
    {
        var weight = CategoryWeights.GetValueOrDefault(c.Code, 5);
        var summer = month is >= 5 and <= 9;
        return c.Code[..2] switch
        {
            "03" or "06" when summer => weight * 1.25,
            "09" when month is 7 or 8 => weight * 3,
            "02" when month is 12 or 1 or 2 => weight * 1.5,
            "08" when month is 12 or 1 or 2 => weight * 0.4,
            _ => weight,
        };
    }

    private string[] TrackingNumbers(int count)
    {
        var numbers = new string[count];
        var taken = new HashSet<string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var attempt = 0;
            string number;
            do
                number = TrackingNumber(i, attempt++);
            while (!taken.Add(number));
            numbers[i] = number;
        }
        return numbers;
    }

    /// <summary>GM-XXXX-XXXX from a hash of the seed, area, year, event index and attempt: deterministic, not guessable from the id.</summary>
    internal string TrackingNumber(int index, int attempt)
    {
        const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{targets.Seed}|{source.AreaCode}|{targets.Year}|{index}|{attempt}")));
        var value = BitConverter.ToUInt64(hash, 0);
        Span<char> chars = stackalloc char[12];
        "GM-".AsSpan().CopyTo(chars);
        for (var k = 0; k < 8; k++)
        {
            chars[k < 4 ? 3 + k : 4 + k] = Alphabet[(int)(value % 36)];
            value /= 36;
        }
        chars[7] = '-';
        return new string(chars);
    }

    // HashCode.Combine is seeded per process, so the streams are mixed with SplitMix64 instead: the same on every run.
    internal Random RandomFor(int index, int stream)
    {
        unchecked
        {
            var x = (ulong)targets.Seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)index * 0xBF58476D1CE4E5B9UL + (ulong)(uint)stream * 0x94D049BB133111EBUL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            x ^= x >> 31;
            return new Random((int)(x & 0x7FFFFFFF));
        }
    }

    private static Point PointIn(MultiPolygon polygon, Random random)
    {
        var envelope = polygon.EnvelopeInternal;
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var point = Factory.CreatePoint(new Coordinate(
                envelope.MinX + random.NextDouble() * envelope.Width, envelope.MinY + random.NextDouble() * envelope.Height));
            if (polygon.Contains(point))
                return point;
        }
        return Factory.CreatePoint(polygon.InteriorPoint.Coordinate);
    }

    private static double[] Cumulative(double[] weights)
    {
        var cumulative = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
            cumulative[i] = sum += weights[i];
        return cumulative;
    }

    private static int Pick(double[] cumulative, Random random)
    {
        var i = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }

    private static List<int> Shuffled(IEnumerable<int> items, Random random)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}

internal enum PlanKind
{
    Normal,
    OnTheSpot,
    Rejected,
    VoidBeforeRegister,
    VoidAfterRegister,
    SuspendedAtYearEnd,
}

internal enum HandlerTarget
{
    Grid,
    Village,
    Township,
    County,
    Department,
}

internal enum ReporterKind
{
    GridManager,
    Hotline,
    Public,
}

/// <summary>One event's drawn report and plan, before it is played through the workflow.</summary>
internal sealed class EventDraft
{
    public int Index;
    public DateTimeOffset ReportedAt;
    public int Grid;
    public int Category;
    public int Seed;
    public ReporterKind Reporter;
    public PlanKind Kind;
    public HandlerTarget Target;
    public bool LateRegistration;
    public bool Escalate;
    public bool Rework;
    public bool Late;
    public bool Extend;
    public bool Suspend;
}

/// <summary>A planned history: the drafts in report order, their tracking numbers, and the counts the plan guarantees.</summary>
public sealed class EventHistoryPlan
{
    private readonly EventHistoryGenerator generator;
    private readonly EventDraft[] ordered;

    internal EventHistoryPlan(EventHistoryGenerator generator, EventDraft[] drafts, string[] trackingNumbers)
    {
        this.generator = generator;
        Drafts = drafts;
        TrackingNumbers = trackingNumbers;
        ordered = drafts.OrderBy(d => d.ReportedAt).ThenBy(d => d.Index).ToArray();
    }

    internal EventDraft[] Drafts { get; }

    public string[] TrackingNumbers { get; }

    public int Count => Drafts.Length;

    public int ExpectedRegistered { get; internal set; }

    public int ExpectedHandled { get; internal set; }

    public TimeSpan PlanElapsed { get; internal set; }

    /// <summary>Replaces tracking numbers already used in the database (rare) with the next unused draw.</summary>
    public int Redraw(IReadOnlySet<string> taken)
    {
        if (taken.Count == 0)
            return 0;
        var used = new HashSet<string>(TrackingNumbers, StringComparer.Ordinal);
        var redrawn = 0;
        for (var i = 0; i < TrackingNumbers.Length; i++)
        {
            if (!taken.Contains(TrackingNumbers[i]))
                continue;
            var attempt = 1;
            string number;
            do
                number = generator.TrackingNumber(i, 1000 + attempt++);
            while (taken.Contains(number) || !used.Add(number));
            TrackingNumbers[i] = number;
            redrawn++;
        }
        return redrawn;
    }

    /// <summary>The events in report order, simulated in parallel one batch at a time.</summary>
    public IEnumerable<IReadOnlyList<GeneratedEvent>> Simulate(int batchSize = 50_000)
    {
        for (var start = 0; start < ordered.Length; start += batchSize)
        {
            var count = Math.Min(batchSize, ordered.Length - start);
            var batch = new GeneratedEvent[count];
            Parallel.For(0, count, k =>
            {
                var d = ordered[start + k];
                batch[k] = generator.Simulate(d, TrackingNumbers[d.Index]);
            });
            yield return batch;
        }
    }
}
