using System.Diagnostics.CodeAnalysis;

namespace GridMap.Domain.Codes;

/// <summary>
/// A code in the province → grid hierarchy. Each level's code extends its parent's code, so the parent
/// of any code is a prefix of it: province 14, city 1404, county 140428, township 140428100,
/// village 140428100201, grid 140428100201007.
/// </summary>
public readonly record struct AdminCode
{
    private AdminCode(string value, AdminLevel level)
    {
        Value = value;
        Level = level;
    }

    public string Value { get; }

    public AdminLevel Level { get; }

    public AdminCode? Parent => Level.Parent() is { } parentLevel
        ? new AdminCode(Value[..parentLevel.CodeLength()], parentLevel)
        : null;

    /// <summary>This code and every ancestor, province first.</summary>
    public IReadOnlyList<AdminCode> Chain
    {
        get
        {
            var chain = new List<AdminCode>();
            for (AdminCode? c = this; c is { } code; c = code.Parent)
                chain.Add(code);
            chain.Reverse();
            return chain;
        }
    }

    public bool IsAncestorOf(AdminCode other) =>
        other.Value.Length > Value.Length && other.Value.StartsWith(Value, StringComparison.Ordinal);

    public bool Covers(AdminCode other) => other == this || IsAncestorOf(other);

    public override string ToString() => Value;

    public static AdminCode Parse(string text) =>
        TryParse(text, out var code, out var error) ? code : throw new FormatException(error);

    /// <summary>
    /// Accepts 2, 4, 6, 9, 12 or 15 ASCII digits whose level segments are not all zero
    /// (a city "1400" or a grid sequence "000" names nothing).
    /// </summary>
    public static bool TryParse(string? text, out AdminCode code, [NotNullWhen(false)] out string? error)
    {
        code = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "The code is empty.";
            return false;
        }
        if (text.Length > 15 || !text.All(char.IsAsciiDigit))
        {
            error = "A code has 2 to 15 ASCII digits only.";
            return false;
        }
        if (AdminLevels.FromCodeLength(text.Length) is not { } level)
        {
            error = $"A code has 2 (province), 4 (city), 6 (county), 9 (township), 12 (village) or 15 (grid) digits, not {text.Length}.";
            return false;
        }
        var start = 0;
        for (var l = AdminLevel.Province; l <= level; l++)
        {
            var end = l.CodeLength();
            if (text.AsSpan(start, end - start).IndexOfAnyExcept('0') < 0)
            {
                error = $"The {l.Slug()} part of the code ({text[start..end]}) is all zeros.";
                return false;
            }
            start = end;
        }
        code = new AdminCode(text, level);
        error = null;
        return true;
    }
}
