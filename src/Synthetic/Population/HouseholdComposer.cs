using GridMap.Synthetic.Generation;

namespace GridMap.Synthetic.Population;

/// <summary>The make-up of a household, which sets its members, their ages and how likely it is to need assistance.</summary>
internal enum Composition
{
    ElderlySingle, AdultSingle, ElderlyCouple, MiddleAgedCouple, Nuclear, SingleParent, ThreeGenerations, SkippedGeneration, WithParents,
    MigrantSingle, MigrantCouple, MigrantFamily,
}

/// <summary>A member as composed: <see cref="MarriedIn"/> marks a spouse who came from another household of the county.</summary>
internal sealed record Member(string Name, bool Female, DateOnly BirthDate, string Relation, DateOnly MovedIn, bool MarriedIn);

/// <summary>
/// Composes households like those of rural northern China: many elderly singles and couples whose children work away,
/// couples with one to three children, three-generation households and grandparents raising grandchildren; migrants
/// (流动) are young singles, couples and small families. Ages are kept consistent (a spouse within a few years, a child
/// 20–36 years younger than the mother), and dates of moving in follow birth, marriage or arrival.
/// </summary>
internal sealed class HouseholdComposer(Random random, DateOnly reference)
{
    private static readonly (Composition Kind, double Rural, double Urban)[] RegisteredMix =
    [
        (Composition.ElderlySingle, 0.10, 0.07),
        (Composition.AdultSingle, 0.06, 0.07),
        (Composition.ElderlyCouple, 0.19, 0.15),
        (Composition.MiddleAgedCouple, 0.12, 0.12),
        (Composition.Nuclear, 0.26, 0.38),
        (Composition.SingleParent, 0.03, 0.04),
        (Composition.ThreeGenerations, 0.13, 0.10),
        (Composition.SkippedGeneration, 0.06, 0.03),
        (Composition.WithParents, 0.05, 0.04),
    ];

    private static readonly string[] ForeignSurnames = ["阮", "黎", "陈", "金", "朴", "崔"];

    private readonly List<Member> members = [];
    private string familySurname = "";
    private DateOnly formed;
    private bool migrant;

    public Composition Draw(bool urban, string householdType)
    {
        if (householdType != "registered")
        {
            var u = random.NextDouble();
            return u < 0.45 ? Composition.MigrantSingle : u < 0.65 ? Composition.MigrantCouple : Composition.MigrantFamily;
        }
        var pick = random.NextDouble() * RegisteredMix.Sum(m => urban ? m.Urban : m.Rural);
        foreach (var (kind, rural, town) in RegisteredMix)
        {
            var weight = urban ? town : rural;
            if (pick < weight)
                return kind;
            pick -= weight;
        }
        return Composition.Nuclear;
    }

    public List<Member> Compose(Composition composition, string householdType)
    {
        members.Clear();
        migrant = householdType != "registered";
        var foreign = householdType == "foreign";
        familySurname = foreign ? ForeignSurnames[random.Next(ForeignSurnames.Length)] : SyntheticNames.Surname(random);
        switch (composition)
        {
            case Composition.ElderlySingle:
                Head(Age(76, 7, 65, 97), female: random.NextDouble() < 0.65, married: false);
                break;
            case Composition.AdultSingle:
                Head(Age(47, 11, 22, 64), female: random.NextDouble() < 0.25, married: false);
                break;
            case Composition.ElderlyCouple:
                Couple(Age(69, 6, 60, 90));
                break;
            case Composition.MiddleAgedCouple:
                Couple(Age(55, 5, 45, 64));
                break;
            case Composition.Nuclear:
                Children(Couple(Age(39, 7, 25, 55)), Count(0.40, 0.48), maxAge: 24);
                break;
            case Composition.SingleParent:
            {
                var female = random.NextDouble() < 0.6;
                var head = Head(Age(43, 7, 28, 58), female, married: false);
                Children(female ? head : head.AddYears(random.Next(0, 5)), Count(0.6, 0.4), maxAge: 22);
                break;
            }
            case Composition.ThreeGenerations:
                ThreeGenerations();
                break;
            case Composition.SkippedGeneration:
            {
                var mother = random.NextDouble() < 0.85 ? Couple(Age(64, 6, 52, 80)) : Head(Age(66, 6, 52, 82), female: random.NextDouble() < 0.7, married: false);
                var count = Count(0.55, 0.45);
                for (var i = 0; i < count; i++)
                    Add("grandchild", Born(Math.Min(random.Next(2, 17), YearsBetween(mother, reference) - 40)), female: random.NextDouble() < 0.48, surname: familySurname);
                break;
            }
            case Composition.WithParents:
            {
                var head = Age(46, 6, 33, 60);
                var mother = random.NextDouble() < 0.9 ? Couple(head) : Head(head, female: random.NextDouble() < 0.3, married: false);
                var parents = random.NextDouble() < 0.7 ? 1 : 2;
                var parentAge = Math.Min(head + random.Next(22, 35), 99);
                var widow = random.NextDouble() < 0.65;
                for (var i = 0; i < parents; i++)
                {
                    var female = parents == 1 ? widow : i == 1;
                    Add("parent", Born(female ? parentAge - random.Next(0, 4) : parentAge), female,
                        surname: female ? null : Surname(members[0].Name), movedIn: reference.AddDays(-random.Next(365, 20 * 365)));
                }
                Children(mother, random.NextDouble() < 0.3 ? 0 : Count(0.6, 0.4), maxAge: 22);
                break;
            }
            case Composition.MigrantSingle:
                Head(Age(32, 8, 18, 58), female: random.NextDouble() < 0.35, married: false);
                break;
            case Composition.MigrantCouple:
                Couple(Age(35, 8, 20, 58));
                break;
            case Composition.MigrantFamily:
                Children(Couple(Age(35, 6, 24, 52)), Count(0.55, 0.45), maxAge: 16);
                break;
        }
        return [.. members];
    }

    /// <summary>The head, and the date the household was formed (from which everyone else is counted as living here).</summary>
    private DateOnly Head(int age, bool female, bool married)
    {
        var birth = Born(age);
        if (migrant)
            formed = Later(birth, reference.AddDays(-random.Next(20, 8 * 365)));
        else if (random.NextDouble() < 0.4 || married)
            formed = birth; // lived here from birth; a married head's own date is set by Couple
        else
            formed = Later(birth, birth.AddYears(random.Next(18, 36)).AddDays(random.Next(0, 365)));
        formed = Earlier(formed, reference);
        members.Add(new Member(familySurname + SyntheticNames.GivenName(random, female), female, birth, "head", formed, false));
        return birth;
    }

    /// <summary>A married couple, the head usually the husband; returns the wife's birth date (children count from it).</summary>
    private DateOnly Couple(int headAge)
    {
        var headFemale = random.NextDouble() < 0.12;
        var headBirth = Head(headAge, headFemale, married: true);
        var gap = random.Next(0, 5) + (random.NextDouble() < 0.15 ? random.Next(0, 4) : 0);
        var spouseAge = Math.Max(headFemale ? headAge + gap : headAge - gap, 20);
        var spouseBirth = Born(spouseAge);
        var younger = Later(headBirth, spouseBirth);
        var marriage = Earlier(younger.AddYears(random.Next(20, 28)).AddDays(random.Next(0, 365)), reference.AddDays(-random.Next(0, 200)));
        marriage = Later(marriage, younger.AddYears(18));
        if (!migrant && formed == headBirth && random.NextDouble() < 0.5)
            formed = marriage; // the couple set up their own household when they married
        members[0] = members[0] with { MovedIn = formed };
        var marriedIn = !migrant && random.NextDouble() < 0.15;
        // Children take their father's surname: when the wife heads the household, the husband's.
        var spouseSurname = SyntheticNames.Surname(random);
        Add("spouse", spouseBirth, female: !headFemale, surname: spouseSurname, movedIn: Later(marriage, formed), marriedIn: marriedIn);
        if (headFemale)
            familySurname = spouseSurname;
        return headFemale ? headBirth : spouseBirth;
    }

    /// <summary>
    /// Children of a mother, the first born when she was about 25, the next two to six years apart; those older than
    /// <paramref name="maxAge"/> have left home and those not yet born are not counted.
    /// </summary>
    private void Children(DateOnly motherBirth, int count, int maxAge)
    {
        var age = YearsBetween(motherBirth, reference) - FirstBirthAge();
        for (var i = 0; i < count && age >= 0; i++)
        {
            if (age <= maxAge)
                Add("child", Born(age), female: random.NextDouble() < 0.47, surname: random.NextDouble() < 0.95 ? familySurname : null);
            age -= random.Next(2, 7);
        }
    }

    private int FirstBirthAge() => Age(25.5, 3.5, 20, 36);

    private void ThreeGenerations()
    {
        var headAge = Age(60, 6, 48, 76);
        var mother = random.NextDouble() < 0.92 ? Couple(headAge) : Head(headAge, female: random.NextDouble() < 0.6, married: false);
        var motherAge = YearsBetween(mother, reference);
        var childAge = Math.Max(motherAge - random.Next(21, 33), 20);
        var sonStays = random.NextDouble() < 0.85;
        var childBirth = Born(childAge);
        Add("child", childBirth, female: !sonStays, surname: familySurname);
        var inLawBirth = Born(Math.Max(childAge + (sonStays ? -random.Next(0, 4) : random.Next(0, 4)), 20));
        var marriage = Earlier(Later(childBirth, inLawBirth).AddYears(random.Next(21, 28)).AddDays(random.Next(0, 365)), reference.AddDays(-random.Next(0, 200)));
        marriage = Later(marriage, Later(childBirth, inLawBirth).AddYears(18));
        Add("child_in_law", inLawBirth, female: sonStays, surname: null, movedIn: Later(marriage, formed), marriedIn: random.NextDouble() < 0.2);
        var youngMother = sonStays ? inLawBirth : childBirth;
        var grandchildren = random.NextDouble() < 0.1 ? 0 : Count(0.5, 0.5);
        var age = YearsBetween(youngMother, reference) - FirstBirthAge();
        for (var i = 0; i < grandchildren && age >= 0; i++)
        {
            if (age <= 20)
                Add("grandchild", Born(age), female: random.NextDouble() < 0.47, surname: familySurname);
            age -= random.Next(2, 7);
        }
        if (random.NextDouble() < 0.15)
            Add("child", Born(Math.Max(childAge - random.Next(2, 10), 16)), female: random.NextDouble() < 0.5, surname: familySurname);
    }

    private DateOnly Add(string relation, DateOnly birth, bool female, string? surname, DateOnly? movedIn = null, bool marriedIn = false)
    {
        var name = (surname ?? SyntheticNames.Surname(random)) + SyntheticNames.GivenName(random, female);
        members.Add(new Member(name, female, birth, relation, Later(movedIn ?? birth, Later(formed, birth)), marriedIn));
        return birth;
    }

    private static string Surname(string name) => name.StartsWith("司马", StringComparison.Ordinal) ? "司马" : name[..1];

    /// <summary>A birth date of someone exactly <paramref name="age"/> years old on the reference date.</summary>
    private DateOnly Born(int age) => reference.AddYears(-age).AddDays(-random.Next(0, 365));

    private int Age(double mean, double sd, int min, int max) => (int)Math.Clamp(Math.Round(mean + sd * random.Gaussian()), min, max);

    /// <summary>1, 2 or 3 with the first two probabilities given.</summary>
    private int Count(double one, double two)
    {
        var u = random.NextDouble();
        return u < one ? 1 : u < one + two ? 2 : 3;
    }

    private static int YearsBetween(DateOnly birth, DateOnly on)
    {
        var years = on.Year - birth.Year;
        return on < birth.AddYears(years) ? years - 1 : years;
    }

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Earlier(DateOnly a, DateOnly b) => a < b ? a : b;
}
