namespace GridMap.Synthetic.Population;

/// <summary>
/// The synthetic streets of one village or community: a few named streets (东街, 前进路 …) and then numbered lanes
/// (巷) named after the place, handed out in order; house numbers run up each street, odd on one side, even on the other.
/// </summary>
internal sealed class Streets
{
    private static readonly string[] VillageStreets =
        ["东街", "西街", "南街", "北街", "中街", "前街", "后街", "前进路", "胜利路", "建设路", "幸福路", "团结路", "和平路", "新华路", "东大街", "西大街"];

    private static readonly string[] TownStreets =
        ["建设路", "解放路", "人民路", "和平路", "新华街", "文化路", "育才路", "府前街", "长青路", "振兴路", "迎宾路", "兴华街", "太行街", "英雄路"];

    private readonly List<string> named;
    private readonly Dictionary<string, int> lastNumber = new(StringComparer.Ordinal);
    private int handedOut;
    private int lanes;

    public Streets(string villageName, bool urban, Random random)
    {
        PlaceName = PlaceNameOf(villageName);
        var pool = (urban ? TownStreets : VillageStreets).ToArray();
        random.Shuffle(pool);
        named = [.. pool.Take(urban ? pool.Length : random.Next(3, 8))];
    }

    /// <summary>The village as an address names it: 庞庄村村委会 → 庞庄村, 丹乐社区居委会 → 丹乐社区.</summary>
    public string PlaceName { get; }

    /// <summary>A street not used before in this village: the named ones first, then 一巷, 二巷 ….</summary>
    public string NextStreet() => handedOut < named.Count ? named[handedOut++] : $"{PlaceName}{ChineseNumeral(++lanes)}巷";

    /// <summary>One of the community's main streets, shared by neighbouring grids (three to a street).</summary>
    public string MainStreet(int gridIndex) => named[gridIndex / 3 % named.Count];

    /// <summary>An even number below which <paramref name="street"/>'s numbers are taken (0 for a street not used yet).</summary>
    public int Taken(string street) => lastNumber.TryGetValue(street, out var last) ? last + 1 : 0;

    /// <summary>Marks numbers up to <paramref name="highest"/> on <paramref name="street"/> as taken (a road numbered
    /// by the courtyard plan), so a later grid sharing the street continues after them.</summary>
    public void Reserve(string street, int highest)
    {
        var odd = highest % 2 == 1 ? highest : highest - 1;
        if (!lastNumber.TryGetValue(street, out var last) || last < odd)
            lastNumber[street] = odd;
    }

    /// <summary>The next odd number up a street shared between grids.</summary>
    public int NextNumber(string street)
    {
        var number = lastNumber.TryGetValue(street, out var last) ? last + 2 : 1;
        lastNumber[street] = number;
        return number;
    }

    public static string PlaceNameOf(string villageName)
    {
        foreach (var suffix in (string[])["村民委员会", "村委会"])
        {
            if (villageName.EndsWith(suffix, StringComparison.Ordinal) && villageName.Length > suffix.Length)
            {
                var stem = villageName[..^suffix.Length];
                return stem.EndsWith('村') ? stem : stem + "村";
            }
        }
        foreach (var suffix in (string[])["居民委员会", "居委会"])
        {
            if (villageName.EndsWith(suffix, StringComparison.Ordinal) && villageName.Length > suffix.Length)
            {
                var stem = villageName[..^suffix.Length];
                return stem.EndsWith("社区", StringComparison.Ordinal) ? stem : stem + "社区";
            }
        }
        return villageName;
    }

    /// <summary>1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (1–999).</summary>
    public static string ChineseNumeral(int n)
    {
        const string digits = "零一二三四五六七八九";
        if (n is < 1 or > 999)
            throw new ArgumentOutOfRangeException(nameof(n), n, "Lanes are numbered 1–999.");
        var hundreds = n / 100;
        var tens = n / 10 % 10;
        var ones = n % 10;
        var text = "";
        if (hundreds > 0)
            text += digits[hundreds] + "百";
        if (tens > 0)
            text += (hundreds == 0 && tens == 1 ? "" : digits[tens].ToString()) + "十";
        else if (hundreds > 0 && ones > 0)
            text += "零";
        if (ones > 0)
            text += digits[ones];
        return text;
    }
}
