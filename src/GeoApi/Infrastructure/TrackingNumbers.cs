using System.Text.RegularExpressions;

namespace GridMap.GeoApi.Infrastructure;

/// <summary>
/// A public tracking number as it arrives in a URL — GM-XXXX-XXXX for events, DB-XXXX-XXXX for proxy requests (代办) —
/// checked before any database work.
/// </summary>
public static partial class TrackingNumbers
{
    [GeneratedRegex(@"^[A-Z]{2}-[0-9A-Z]{4}-[0-9A-Z]{4}$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static bool IsWellFormed(string? text, string prefix = "GM") =>
        text is { Length: 12 } && text.StartsWith(prefix + "-", StringComparison.OrdinalIgnoreCase) && Pattern().IsMatch(text);
}
