using GridMap.Domain;
using System.Text.RegularExpressions;

namespace GridMap.GeoApi.Infrastructure;

/// <summary>
/// What a report from outside (the public web form, Open311) must look like before it reaches the store: the limits
/// of the event table, a point roughly inside Shanxi, and no control characters. Any other text, hostile or not, is
/// data: it only ever becomes a parameter.
/// </summary>
public static partial class ReportRules
{
    public const int MaxDescription = 2000;
    public const int MaxAddress = 200;
    public const int MaxContactName = 50;
    public const int MinKey = 8;
    public const int MaxKey = 80;

    [GeneratedRegex(@"^[0-9]{4}$")]
    private static partial Regex CategoryPattern();

    [GeneratedRegex(@"^[0-9+\- ]{5,20}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[!-~]+$")]
    private static partial Regex KeyPattern();

    /// <summary>The first thing wrong with a report, in words a person can act on, or null when it is acceptable.</summary>
    public static string? Check(string? category, string? description, double? lon, double? lat, string? address, string? contactName,
        string? contactPhone, string? idempotencyKey, bool keyRequired, string categoryField = "category", string lonField = "lon", string latField = "lat")
    {
        if (string.IsNullOrWhiteSpace(category))
            return $"{categoryField} is required: a 4-digit event category code (GET /open311/v2/services.json lists them).";
        if (!CategoryPattern().IsMatch(category))
            return $"{categoryField} '{CodeRoute.Truncate(category)}' is not a category code: 4 digits, e.g. 0601.";
        if (string.IsNullOrWhiteSpace(description))
            return "description is required: say what is wrong and where.";
        if (description.Trim().Length > MaxDescription)
            return $"description has {description.Trim().Length} characters; at most {MaxDescription} are accepted.";
        if (HasControl(description, allowLineBreaks: true))
            return "description has control characters.";
        if (lon is null || lat is null)
            return $"{lonField} and {latField} are required: the point of the problem in degrees (CGCS2000 / WGS 84).";
        if (!double.IsFinite(lon.Value) || lon is < ShanxiBox.MinLon or > ShanxiBox.MaxLon)
            return $"{lonField} {lon} is outside Shanxi: between {ShanxiBox.MinLon} and {ShanxiBox.MaxLon}.";
        if (!double.IsFinite(lat.Value) || lat is < ShanxiBox.MinLat or > ShanxiBox.MaxLat)
            return $"{latField} {lat} is outside Shanxi: between {ShanxiBox.MinLat} and {ShanxiBox.MaxLat}.";
        if (address is not null && (address.Trim().Length > MaxAddress || HasControl(address, false)))
            return $"address has at most {MaxAddress} characters and no control characters.";
        if (contactName is not null && (contactName.Trim().Length > MaxContactName || HasControl(contactName, false)))
            return $"The contact name has at most {MaxContactName} characters and no control characters.";
        if (contactPhone is not null && !PhonePattern().IsMatch(contactPhone.Trim()))
            return "The phone number has 5–20 digits, spaces, '+' or '-'.";
        if (idempotencyKey is null)
            return keyRequired ? $"idempotencyKey is required: {MinKey}–{MaxKey} printable ASCII characters, fresh for each report (a UUID will do), the same when retrying." : null;
        if (idempotencyKey.Length is < MinKey or > MaxKey || !KeyPattern().IsMatch(idempotencyKey))
            return $"The idempotency key has {MinKey}–{MaxKey} printable ASCII characters without spaces (a UUID will do).";
        return null;
    }

    /// <summary>Blank becomes null, the rest is trimmed.</summary>
    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static bool HasControl(string text, bool allowLineBreaks) =>
        text.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t'));
}
