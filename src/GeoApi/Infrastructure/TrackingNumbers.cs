using System.Text.RegularExpressions;

namespace GridMap.GeoApi.Infrastructure;

/// <summary>The public tracking number (GM-XXXX-XXXX) as it arrives in a URL: checked before any database work.</summary>
public static partial class TrackingNumbers
{
    [GeneratedRegex(@"^GM-[0-9A-Z]{4}-[0-9A-Z]{4}$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static bool IsWellFormed(string? text) => text is { Length: 12 } && Pattern().IsMatch(text);
}
