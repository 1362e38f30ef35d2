using System.Globalization;

namespace GridMap.Domain.Crosswalk;

/// <summary>
/// Maps the 2023 statistical division (townships under 2023 county codes) onto the 120 county-level units of
/// 2013 that GridMap's boundaries come from. Counties renamed since 2013 map one to one (上党区 → 长治县);
/// counties merged or split map township by township (潞州区 → 城区 or 郊区); the x71 zones of 2023 hand their
/// townships back to the county that held them in 2013.
/// </summary>
/// <remarks>
/// The rules are data (<c>data/boundaries/crosswalk-2023-to-2013.csv</c>). A township rule beats its
/// county's rule; a 2023 county with no rule keeps its code when that code is a 2013 county.
/// </remarks>
public sealed class DivisionCrosswalk
{
    private readonly Dictionary<string, CrosswalkRule> countyRules;
    private readonly Dictionary<string, CrosswalkRule> townshipRules;
    private readonly HashSet<string> counties2013;

    public DivisionCrosswalk(IEnumerable<CrosswalkRule> rules, IEnumerable<string> counties2013)
    {
        this.counties2013 = counties2013.ToHashSet(StringComparer.Ordinal);
        countyRules = new(StringComparer.Ordinal);
        townshipRules = new(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var table = rule.Scope switch
            {
                CrosswalkScope.County when rule.Code2023.Length == 6 => countyRules,
                CrosswalkScope.Township when rule.Code2023.Length == 9 => townshipRules,
                _ => throw new ArgumentException($"Rule {rule.Code2023}: a {rule.Scope} rule needs a {(rule.Scope == CrosswalkScope.County ? 6 : 9)}-digit code."),
            };
            if (!this.counties2013.Contains(rule.County2013))
                throw new ArgumentException($"Rule {rule.Code2023} names {rule.County2013}, which is not a 2013 county-level unit.");
            if (!table.TryAdd(rule.Code2023, rule))
                throw new ArgumentException($"Two rules for {rule.Code2023}.");
        }
    }

    public IReadOnlyCollection<CrosswalkRule> Rules => [.. countyRules.Values, .. townshipRules.Values];

    /// <summary>The 2013 county that held a 2023 township (9-digit statistical code).</summary>
    public string County2013For(string township2023)
    {
        if (township2023.Length != 9)
            throw new ArgumentException($"{township2023} is not a 9-digit township code.", nameof(township2023));
        if (townshipRules.TryGetValue(township2023, out var townshipRule))
            return townshipRule.County2013;
        var county2023 = township2023[..6];
        if (countyRules.TryGetValue(county2023, out var countyRule))
            return countyRule.County2013;
        if (counties2013.Contains(county2023))
            return county2023;
        throw new KeyNotFoundException($"No crosswalk rule places township {township2023}: county {county2023} is not a 2013 county and has no rule.");
    }

    /// <summary>Reads the CSV: scope,code_2023,name_2023,county_2013,name_2013,note (header first; quotes not needed).</summary>
    public static IReadOnlyList<CrosswalkRule> ParseCsv(IEnumerable<string> lines)
    {
        var rules = new List<CrosswalkRule>();
        var lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            if (lineNumber == 1 || string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
                continue;
            var cells = line.Split(',');
            if (cells.Length < 5)
                throw new FormatException($"Crosswalk line {lineNumber}: expected 6 columns, found {cells.Length}.");
            var scope = cells[0].Trim() switch
            {
                "county" => CrosswalkScope.County,
                "township" => CrosswalkScope.Township,
                var other => throw new FormatException($"Crosswalk line {lineNumber}: scope '{other}' is neither county nor township."),
            };
            rules.Add(new CrosswalkRule(scope, cells[1].Trim(), cells[2].Trim(), cells[3].Trim(), cells[4].Trim(),
                cells.Length > 5 ? string.Join(',', cells[5..]).Trim() : ""));
        }
        return rules;
    }
}

public enum CrosswalkScope
{
    County,
    Township,
}

public sealed record CrosswalkRule(CrosswalkScope Scope, string Code2023, string Name2023, string County2013, string Name2013, string Note);
