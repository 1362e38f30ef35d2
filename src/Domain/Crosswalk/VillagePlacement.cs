namespace GridMap.Domain.Crosswalk;

/// <summary>A GridMap village an outside code may stand for.</summary>
public sealed record VillageCandidate(string Code, string Name);

/// <summary>What decided a placement.</summary>
public enum PlacedBy
{
    /// <summary>The code names one village.</summary>
    Code,
    /// <summary>The code covers several villages and the address names one of them.</summary>
    Address,
    /// <summary>The code covers several villages and the row's point (or the register's place of the person) lies in one.</summary>
    Place,
}

/// <summary>Where a row carrying an outside village code goes, and why.</summary>
public sealed record VillagePlace(VillageCandidate Village, PlacedBy By);

/// <summary>
/// Places data that arrives with a village code (a GridMap code, or a 2023 statistical code that the crosswalk turns
/// into one or more GridMap villages): one candidate is the place; among several, the one the address names (by its
/// name without 村委会/社区…, when exactly one is named), else the one the row's point or the register already puts
/// it in. Anything else is not guessed: the caller reports it with the candidates.
/// </summary>
public static class VillagePlacement
{
    /// <summary>The most candidates a report lists by name.</summary>
    public const int CandidatesShown = 5;

    public static VillagePlace? Place(IReadOnlyList<VillageCandidate> candidates, string? address, string? knownVillage)
    {
        if (candidates.Count == 0)
            return null;
        if (candidates.Count == 1)
            return new VillagePlace(candidates[0], PlacedBy.Code);
        if (!string.IsNullOrWhiteSpace(address))
        {
            var named = candidates.Where(c => DivisionNames.Names(address, c.Name)).ToList();
            // "东沟" inside "东沟口": keep only names not contained in a longer named one.
            named = [.. named.Where(c => !named.Any(o => o != c && DivisionNames.Stem(o.Name).Contains(DivisionNames.Stem(c.Name), StringComparison.Ordinal)
                && DivisionNames.Stem(o.Name).Length > DivisionNames.Stem(c.Name).Length))];
            if (named.Count == 1)
                return new VillagePlace(named[0], PlacedBy.Address);
        }
        if (knownVillage is not null && candidates.FirstOrDefault(c => c.Code == knownVillage) is { } known)
            return new VillagePlace(known, PlacedBy.Place);
        return null;
    }

    /// <summary>"140428203211 西沟村委会, … (and N more)" for a report.</summary>
    public static string Describe(IReadOnlyList<VillageCandidate> candidates)
    {
        var shown = string.Join(", ", candidates.Take(CandidatesShown).Select(c => $"{c.Code} {c.Name}"));
        return candidates.Count > CandidatesShown ? $"{shown} and {candidates.Count - CandidatesShown} more" : shown;
    }
}
