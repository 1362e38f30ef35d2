namespace GridMap.Domain.People;

/// <summary>
/// A person's household-register type (户籍类型): registered here (户籍), floating, i.e. registered elsewhere and
/// living here (流动), or foreign (境外). Public security reports it with its household-register list.
/// </summary>
public static class RegisterTypes
{
    public const string Registered = "registered";
    public const string Floating = "floating";
    public const string Foreign = "foreign";

    public static IReadOnlyList<string> All { get; } = [Registered, Floating, Foreign];

    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        [Registered] = Registered, ["户籍"] = Registered,
        [Floating] = Floating, ["流动"] = Floating,
        [Foreign] = Foreign, ["境外"] = Foreign,
    };

    /// <summary>The type for its code or its Chinese name, or null.</summary>
    public static string? Find(string? text) =>
        text is not null && Names.TryGetValue(text.Trim(), out var code) ? code : null;
}
