using System.Globalization;

namespace GridMap.Domain;

/// <summary>
/// China Standard Time: a fixed UTC+8 offset all year (no daylight saving), never the machine's zone. Times are
/// stored as UTC and shown, and days counted, in this offset.
/// </summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The same instant on China's clock.</summary>
    public static DateTimeOffset Of(DateTimeOffset at) => at.ToOffset(Offset);

    /// <summary>The calendar date in China at an instant.</summary>
    public static DateOnly DateOf(DateTimeOffset at) => DateOnly.FromDateTime(Of(at).DateTime);

    /// <summary>Midnight at the start of a date in China.</summary>
    public static DateTimeOffset StartOf(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>Date and minute, e.g. 2026-05-09 14:30.</summary>
    public static string Format(DateTimeOffset at) => Of(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Month, day and minute, where the year goes without saying, e.g. 05-09 14:30.</summary>
    public static string FormatShort(DateTimeOffset at) => Of(at).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);
}
