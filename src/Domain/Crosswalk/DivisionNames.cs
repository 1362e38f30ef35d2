using System.Text.RegularExpressions;

namespace GridMap.Domain.Crosswalk;

/// <summary>
/// Compares division names across the 2016 and 2023 statistical lists, which spell the same place differently:
/// 2016 writes "坞城街道办事处" and "孙家寨村委会" where 2023 writes "坞城街道" and "孙家寨社区居委会".
/// </summary>
public static partial class DivisionNames
{
    /// <summary>The name without its office word (办事处, 居委会, 村委会, 居民委员会, 村民委员会).</summary>
    public static string Plain(string name) => OfficeSuffix().Replace(name.Trim(), "");

    /// <summary>The place name itself: <see cref="Plain"/> without a trailing 社区, 村 or 街道 (but never emptied).</summary>
    public static string Stem(string name)
    {
        var plain = Plain(name);
        var stem = KindSuffix().Replace(plain, "");
        return stem.Length == 0 ? plain : stem;
    }

    /// <summary>The length of the longest run of characters two names share, compared by <see cref="Stem"/>.</summary>
    public static int SharedRun(string a, string b)
    {
        var (x, y) = (Stem(a), Stem(b));
        var best = 0;
        for (var i = 0; i < x.Length; i++)
            for (var j = 0; j < y.Length; j++)
            {
                var k = 0;
                while (i + k < x.Length && j + k < y.Length && x[i + k] == y[j + k])
                    k++;
                best = Math.Max(best, k);
            }
        return best;
    }

    /// <summary>True when <paramref name="address"/> names the place, by its stem (at least two characters).</summary>
    public static bool Names(string address, string divisionName)
    {
        var stem = Stem(divisionName);
        return stem.Length >= 2 && address.Contains(stem, StringComparison.Ordinal);
    }

    [GeneratedRegex("(办事处|居民委员会|村民委员会|居委会|村委会|委员会)$")]
    private static partial Regex OfficeSuffix();

    [GeneratedRegex("(社区|村|街道)$")]
    private static partial Regex KindSuffix();
}
