using GridMap.Domain.People;

namespace GridMap.Synthetic.Population;

/// <summary>Synthetic GB 11643 ID numbers: a random sequence of the right parity, re-drawn on a collision.</summary>
internal static class IdNumbers
{
    public static string Draw(string regionCode, DateOnly birthDate, bool male, Random random) =>
        IdNumber.Create(regionCode, birthDate, random.Next(0, 500) * 2 + (male ? 1 : 0)).Value;

    /// <summary>
    /// The next free number after <paramref name="id"/> with the same region, birth date and sex: the sequence steps by
    /// two (keeping its parity) and wraps, so the result depends only on the number and what is already in use.
    /// </summary>
    public static string Redraw(string id, IReadOnlySet<string> inUse)
    {
        var parsed = IdNumber.Parse(id);
        var sequence = int.Parse(id.AsSpan(14, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        for (var step = 1; step < 500; step++)
        {
            var candidate = IdNumber.Create(parsed.RegionCode, parsed.BirthDate, (sequence + 2 * step) % 1000).Value;
            if (!inUse.Contains(candidate))
                return candidate;
        }
        throw new InvalidOperationException(
            $"All 500 ID numbers of region {parsed.RegionCode}, born {parsed.BirthDate:yyyy-MM-dd}, {(parsed.IsMale ? "male" : "female")}, are taken.");
    }
}
