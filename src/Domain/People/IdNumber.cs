using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GridMap.Domain.People;

/// <summary>
/// A resident identity card number (居民身份证号码, GB 11643-1999): six digits of the region where it was issued,
/// the birth date yyyyMMdd, a three-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check
/// character (0–9 or X).
/// </summary>
public readonly record struct IdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    private IdNumber(string value) => Value = value;

    public string Value { get; }

    public string RegionCode => Value[..6];

    public DateOnly BirthDate => DateOnly.ParseExact(Value.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture);

    public bool IsMale => (Value[16] - '0') % 2 == 1;

    public override string ToString() => Value;

    /// <summary>The check character for the first 17 digits.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17)
            throw new ArgumentException("Exactly 17 digits are needed.", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(first17[i]))
                throw new ArgumentException("Only digits come before the check character.", nameof(first17));
            sum += (first17[i] - '0') * Weights[i];
        }
        return CheckCharacters[sum % 11];
    }

    /// <summary>Builds a valid number: the sequence's parity must match the sex.</summary>
    public static IdNumber Create(string regionCode, DateOnly birthDate, int sequence)
    {
        if (regionCode.Length != 6 || !regionCode.All(char.IsAsciiDigit))
            throw new ArgumentException("The region code has six digits.", nameof(regionCode));
        if (sequence is < 0 or > 999)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "The sequence has three digits.");
        var first17 = string.Create(CultureInfo.InvariantCulture, $"{regionCode}{birthDate:yyyyMMdd}{sequence:D3}");
        return new IdNumber(first17 + CheckCharacter(first17));
    }

    public static IdNumber Parse(string text) =>
        TryParse(text, DateOnly.MaxValue, out var id, out var error) ? id : throw new FormatException(error);

    /// <summary>
    /// Accepts 18 characters (a lower-case x is read as X) with a valid region shape, a real birth date not after
    /// <paramref name="today"/> nor before 1880, and a matching check character; the error says which rule failed.
    /// </summary>
    public static bool TryParse(string? text, DateOnly today, out IdNumber id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        var value = text?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(value))
        {
            error = "The ID number is empty.";
            return false;
        }
        if (value.Length != 18)
        {
            error = $"An ID number has 18 characters, not {value.Length}.";
            return false;
        }
        if (!value.AsSpan(0, 17).ContainsOnlyAsciiDigits() || !(char.IsAsciiDigit(value[17]) || value[17] == 'X'))
        {
            error = "An ID number has 17 digits and a check character 0–9 or X.";
            return false;
        }
        if (value[0] is '0' or '9' || value.AsSpan(2, 4).SequenceEqual("0000"))
        {
            error = $"The region code {value[..6]} is not an administrative division code.";
            return false;
        }
        if (!DateOnly.TryParseExact(value.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth.Year < 1880 || birth > today)
        {
            error = $"The birth date {value.Substring(6, 8)} is not a real date in the past.";
            return false;
        }
        var expected = CheckCharacter(value.AsSpan(0, 17));
        if (value[17] != expected)
        {
            error = $"The check character is {value[17]} but the first 17 digits give {expected}.";
            return false;
        }
        id = new IdNumber(value);
        error = null;
        return true;
    }
}

internal static class SpanExtensions
{
    public static bool ContainsOnlyAsciiDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        return true;
    }
}
