namespace GridMap.Synthetic.Generation;

/// <summary>
/// Synthetic Chinese personal names: surnames drawn by their approximate share of the population of northern
/// China (王, 李, 张, 刘 … with 郭, 武, 贾 and 梁 common in Shanxi), given names of one or two characters.
/// No real person is named on purpose; any match is chance.
/// </summary>
public static class SyntheticNames
{
    private static readonly (string Surname, double Weight)[] Surnames =
    [
        ("王", 8.1), ("李", 7.6), ("张", 7.1), ("刘", 5.5), ("郭", 3.2), ("杨", 3.0), ("赵", 2.9), ("陈", 2.4),
        ("武", 2.0), ("贾", 1.9), ("梁", 1.8), ("高", 1.8), ("韩", 1.6), ("田", 1.5), ("冯", 1.4), ("任", 1.3),
        ("孙", 1.3), ("马", 1.3), ("史", 1.2), ("宋", 1.2), ("薛", 1.1), ("程", 1.1), ("段", 1.0), ("闫", 1.0),
        ("吴", 1.0), ("郝", 0.9), ("牛", 0.9), ("乔", 0.9), ("周", 0.9), ("胡", 0.9), ("侯", 0.8), ("原", 0.8),
        ("徐", 0.8), ("曹", 0.8), ("卫", 0.7), ("白", 0.7), ("温", 0.7), ("崔", 0.7), ("申", 0.6), ("秦", 0.6),
        ("霍", 0.6), ("范", 0.6), ("阎", 0.6), ("常", 0.6), ("吕", 0.6), ("杜", 0.5), ("许", 0.5), ("郑", 0.5),
        ("孟", 0.5), ("苏", 0.5), ("黄", 0.5), ("姚", 0.5), ("康", 0.4), ("付", 0.4), ("董", 0.4), ("柴", 0.4),
        ("裴", 0.4), ("樊", 0.4), ("邢", 0.3), ("靳", 0.3), ("尚", 0.3), ("师", 0.3), ("翟", 0.3), ("司马", 0.05),
    ];

    private const string MaleCharacters = "伟强军勇杰涛斌磊刚平辉明建国华文俊鹏飞宏志红亮海波瑞峰晓东旭宇浩然斌林永福春生成荣庆";
    private const string FemaleCharacters = "芳娜敏静丽艳娟霞燕玲桂英秀兰慧琴云莉萍红梅丹洁琳雪婷颖倩晶瑶佳欣悦月香凤";

    private static readonly double TotalWeight = Surnames.Sum(s => s.Weight);

    public static string Surname(Random random)
    {
        var pick = random.NextDouble() * TotalWeight;
        foreach (var (surname, weight) in Surnames)
        {
            if (pick < weight)
                return surname;
            pick -= weight;
        }
        return Surnames[^1].Surname;
    }

    public static string GivenName(Random random, bool female)
    {
        var characters = female ? FemaleCharacters : MaleCharacters;
        var first = characters[random.Next(characters.Length)];
        return random.NextDouble() < 0.35 ? first.ToString() : $"{first}{characters[random.Next(characters.Length)]}";
    }

    public static string FullName(Random random, bool female) => Surname(random) + GivenName(random, female);

    /// <summary>An 11-digit mainland mobile number in a plausible range (13x–19x).</summary>
    public static string MobilePhone(Random random)
    {
        string[] prefixes = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "182", "183", "187", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181", "189", "177", "199"];
        return prefixes[random.Next(prefixes.Length)] + random.Next(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
    }
}
