using System.Globalization;

namespace GridMap.Domain.Crosswalk;

/// <summary>A township or village of a division list: its code, name and parent (county or township) code.</summary>
/// <param name="OfficialCode">The statistical code the list gave it (for GridMap's units: the 2016 code, which
/// differs from <paramref name="Code"/> only for the villages moved into the Yangquan development zone).</param>
public sealed record DivisionEntry(string Code, string Name, string ParentCode, string OfficialCode);

/// <summary>How a 2023 code was tied to a GridMap (2016) unit.</summary>
public static class CrosswalkMethod
{
    /// <summary>Same code, same place name.</summary>
    public const string Code = "code";

    /// <summary>Same place name in the same township or county, under another code.</summary>
    public const string Name = "name";

    /// <summary>Same code under a new name: the 2023 village kept the code of the 2016 village it grew from.</summary>
    public const string Renamed = "renamed";

    /// <summary>A 2016 village that no 2023 village carries on, absorbed by the 2023 village nearest by name or place.</summary>
    public const string Absorbed = "absorbed";

    /// <summary>No predecessor found: the row names the 2016 township (not a village) the 2023 township continues, and
    /// stands for every village in it.</summary>
    public const string Township = "township";

    /// <summary>No predecessor and no 2016 township either (a zone set up after 2016): the row names the county.</summary>
    public const string County = "county";

    /// <summary>A township row: the 2016 townships its 2023 villages came from.</summary>
    public const string Villages = "villages";

    public static IReadOnlyList<string> All { get; } = [Code, Name, Renamed, Absorbed, Township, County, Villages];
}

/// <summary>One row of the 2023 → 2016 crosswalk: a 2023 code and one GridMap unit it covers.</summary>
public sealed record CrosswalkLink(string Level, string Code2023, string Name2023, string Code, string Name, string Method);

/// <summary>
/// Builds the crosswalk from the 2023 statistical lists to GridMap's 2016 units. Villages first: same code and
/// name; then the same name in the township or county (renumbered); then the same code under a new name (a merged
/// village usually keeps one predecessor's code). Every 2016 village still unclaimed was absorbed by a merger: it
/// joins the 2023 village of its township sharing most of its name, else the one nearest in code (codes run by
/// place within a township), preferring 2023 villages that have no predecessor yet. A 2023 village with none
/// after that (a new estate, a renamed community) is linked to its 2016 township as a whole (to its county when the
/// township itself is new, as for zones set up after 2016), so rows coded with it are placed by address or point.
/// Townships follow their villages.
/// </summary>
public sealed class Crosswalk2023Builder(DivisionCrosswalk counties)
{
    public const string TownshipLevel = "township";
    public const string VillageLevel = "village";

    public IReadOnlyList<CrosswalkLink> Build(
        IReadOnlyList<DivisionEntry> townships2016,
        IReadOnlyList<DivisionEntry> villages2016,
        IReadOnlyList<DivisionEntry> townships2023,
        IReadOnlyList<DivisionEntry> villages2023,
        IReadOnlyDictionary<string, string>? countyNames = null)
    {
        string CountyName(string code) => countyNames?.GetValueOrDefault(code) ?? code;
        var township16 = townships2016.ToDictionary(t => t.Code, StringComparer.Ordinal);
        var countyOf16 = villages2016.ToDictionary(v => v.Code, v => township16[v.ParentCode].ParentCode, StringComparer.Ordinal);
        var villagesByTownship16 = villages2016.ToLookup(v => v.ParentCode, StringComparer.Ordinal);
        var villagesByCounty16 = villages2016.ToLookup(v => countyOf16[v.Code], StringComparer.Ordinal);
        var villageByOfficial = villages2016.ToDictionary(v => v.OfficialCode, StringComparer.Ordinal);
        var townshipsByCounty16 = townships2016.ToLookup(t => t.ParentCode, StringComparer.Ordinal);

        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        string StemOf(string name) => stems.TryGetValue(name, out var stem) ? stem : stems[name] = DivisionNames.Stem(name);
        var villages23ByTownship23 = villages2023.ToLookup(v => v.ParentCode, StringComparer.Ordinal);

        var countyOf23 = townships2023.ToDictionary(t => t.Code, t => counties.County2013For(t.Code), StringComparer.Ordinal);
        var seeds = townships2023.ToDictionary(t => t.Code, t => SeedTownships(t, townshipsByCounty16[countyOf23[t.Code]].ToList()), StringComparer.Ordinal);

        var links = villages2023.ToDictionary(v => v.Code, _ => new List<(DivisionEntry Village, string Method)>(), StringComparer.Ordinal);
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        void Link(DivisionEntry v23, DivisionEntry v16, string method)
        {
            links[v23.Code].Add((v16, method));
            claimed.Add(v16.Code);
        }

        // Pass 1: same code and name; then the same name, in the township, else in the county.
        var pending = new List<DivisionEntry>();
        foreach (var v in villages2023)
        {
            var county = countyOf23[v.ParentCode];
            var stem = StemOf(v.Name);
            if (villageByOfficial.TryGetValue(v.Code, out var same) && countyOf16[same.Code] == county && StemOf(same.Name) == stem)
            {
                Link(v, same, CrosswalkMethod.Code);
                continue;
            }
            var inTownship = seeds[v.ParentCode].SelectMany(t => villagesByTownship16[t]).Where(c => StemOf(c.Name) == stem).ToList();
            var inCounty = villagesByCounty16[county].Where(c => StemOf(c.Name) == stem).ToList();
            var byName = inTownship.Count == 1 ? inTownship[0] : inTownship.Count == 0 && inCounty.Count == 1 ? inCounty[0] : null;
            if (byName is not null && !claimed.Contains(byName.Code))
                Link(v, byName, CrosswalkMethod.Name);
            else
                pending.Add(v);
        }

        // Pass 2: the same code under a new name, when no other 2023 village took that 2016 village by name.
        foreach (var v in pending)
        {
            if (villageByOfficial.TryGetValue(v.Code, out var same) && countyOf16[same.Code] == countyOf23[v.ParentCode] && !claimed.Contains(same.Code))
                Link(v, same, CrosswalkMethod.Renamed);
        }

        // Pass 3: every unclaimed 2016 village was absorbed by a 2023 village of its township.
        var villages23ByTownship16 = new Dictionary<string, List<DivisionEntry>>(StringComparer.Ordinal);
        foreach (var v in villages2023)
        {
            var townships = links[v.Code].Select(l => l.Village.ParentCode).Concat(seeds[v.ParentCode]).Distinct(StringComparer.Ordinal);
            foreach (var t in townships)
                (villages23ByTownship16.TryGetValue(t, out var list) ? list : villages23ByTownship16[t] = []).Add(v);
        }
        foreach (var absorbed in villages2016.Where(v => !claimed.Contains(v.Code)).OrderBy(v => v.Code, StringComparer.Ordinal))
        {
            if (!villages23ByTownship16.TryGetValue(absorbed.ParentCode, out var candidates))
                continue;
            var successor = candidates
                .OrderByDescending(c => Math.Min(DivisionNames.SharedRun(c.Name, absorbed.Name), 2))
                .ThenBy(c => links[c.Code].Count == 0 ? 0 : 1)
                .ThenBy(c => Distance(Suffix(absorbed.OfficialCode), c, links[c.Code].Select(l => l.Village)))
                .ThenBy(c => c.Code, StringComparer.Ordinal)
                .First();
            Link(successor, absorbed, CrosswalkMethod.Absorbed);
        }

        // Pass 4: a 2023 village with no predecessor covers its township(s), else its county: one row naming that
        // unit, which stands for every village in it.
        var wide = new Dictionary<string, List<(string Code, string Name, string Method)>>(StringComparer.Ordinal);
        foreach (var v in villages2023.Where(v => links[v.Code].Count == 0))
        {
            var townships = seeds[v.ParentCode];
            if (townships.Count == 0)
            {
                townships = [.. villages23ByTownship23[v.ParentCode]
                    .SelectMany(s => links[s.Code]).Select(l => l.Village.ParentCode).Distinct(StringComparer.Ordinal)];
            }
            var county = countyOf23[v.ParentCode];
            wide[v.Code] = townships.Count > 0
                ? [.. townships.Select(t => (t, township16[t].Name, CrosswalkMethod.Township))]
                : [(county, CountyName(county), CrosswalkMethod.County)];
        }

        var result = new List<CrosswalkLink>();
        foreach (var t in townships2023.OrderBy(t => t.Code, StringComparer.Ordinal))
        {
            var from = villages23ByTownship23[t.Code]
                .SelectMany(v => links[v.Code]).Select(l => l.Village.ParentCode)
                .Concat(villages23ByTownship23[t.Code].SelectMany(v => wide.TryGetValue(v.Code, out var w) ? w : [])
                    .Where(w => w.Method == CrosswalkMethod.Township).Select(w => w.Code))
                .Concat(seeds[t.Code].Take(1))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            foreach (var code in from)
                result.Add(new CrosswalkLink(TownshipLevel, t.Code, t.Name, code, township16[code].Name, TownshipMethod(t, township16[code], from.Count)));
            if (from.Count == 0)
            {
                var county = countyOf23[t.Code];
                result.Add(new CrosswalkLink(TownshipLevel, t.Code, t.Name, county, CountyName(county), CrosswalkMethod.County));
            }
        }
        foreach (var v in villages2023.OrderBy(v => v.Code, StringComparer.Ordinal))
        {
            foreach (var (village, method) in links[v.Code].OrderBy(l => l.Village.Code, StringComparer.Ordinal))
                result.Add(new CrosswalkLink(VillageLevel, v.Code, v.Name, village.Code, village.Name, method));
            if (wide.TryGetValue(v.Code, out var units))
            {
                foreach (var (code, name, method) in units.OrderBy(u => u.Code, StringComparer.Ordinal))
                    result.Add(new CrosswalkLink(VillageLevel, v.Code, v.Name, code, name, method));
            }
        }
        return result;
    }

    /// <summary>The 2016 townships a 2023 township continues: same code and name, else same name, else same code.</summary>
    private static List<string> SeedTownships(DivisionEntry township23, List<DivisionEntry> candidates)
    {
        var stem = DivisionNames.Stem(township23.Name);
        var sameName = candidates.Where(c => DivisionNames.Stem(c.Name) == stem).ToList();
        var both = sameName.Where(c => c.OfficialCode == township23.Code).ToList();
        if (both.Count > 0)
            return [both[0].Code];
        if (sameName.Count == 1)
            return [sameName[0].Code];
        var sameCode = candidates.Where(c => c.OfficialCode == township23.Code).ToList();
        return [.. sameCode.Select(c => c.Code)];
    }

    private static string TownshipMethod(DivisionEntry township23, DivisionEntry township16, int successors)
    {
        if (successors > 1 || DivisionNames.Stem(township16.Name) != DivisionNames.Stem(township23.Name))
            return CrosswalkMethod.Villages;
        return township16.OfficialCode == township23.Code ? CrosswalkMethod.Code : CrosswalkMethod.Name;
    }

    private static int Suffix(string code) => int.Parse(code.AsSpan(9), CultureInfo.InvariantCulture);

    /// <summary>How far, in code order, a 2023 village lies from a 2016 village: by its predecessors' codes, else its own.</summary>
    private static int Distance(int suffix, DivisionEntry village23, IEnumerable<DivisionEntry> predecessors)
    {
        var codes = predecessors.Select(p => Suffix(p.OfficialCode)).DefaultIfEmpty(Suffix(village23.Code));
        return codes.Min(c => Math.Abs(c - suffix));
    }
}
