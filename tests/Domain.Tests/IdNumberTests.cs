using GridMap.Domain.People;

namespace GridMap.Domain.Tests;

/// <summary>GB 11643-1999 ID numbers: the MOD 11-2 check character, the birth date and the rejection reasons.</summary>
public sealed class IdNumberTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    [Theory]
    [InlineData("11010519491231002X")] // the standard's own example
    [InlineData("440524188001010014")]
    [InlineData("140428197003150030")]
    public void Valid_numbers_parse(string text)
    {
        Assert.True(IdNumber.TryParse(text, Today, out var id, out var error), error);
        Assert.Equal(text, id.Value);
    }

    [Fact]
    public void A_lower_case_x_is_read_as_X() =>
        Assert.Equal("11010519491231002X", IdNumber.Parse("11010519491231002x").Value);

    [Theory]
    [InlineData("110105194912310021", "check character is 1 but the first 17 digits give X")]
    [InlineData("14042819700315003", "18 characters, not 17")]
    [InlineData("1404281970031500A3", "17 digits")]
    [InlineData("140428197002300033", "not a real date")]
    [InlineData("140428203001010033", "not a real date")]
    [InlineData("000000197001010033", "not an administrative division code")]
    [InlineData("", "empty")]
    public void Invalid_numbers_say_why(string text, string reason)
    {
        Assert.False(IdNumber.TryParse(text, Today, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Created_numbers_carry_region_birth_date_and_sex()
    {
        var id = IdNumber.Create("140428", new DateOnly(1985, 6, 9), 123);
        Assert.Equal("140428", id.RegionCode);
        Assert.Equal(new DateOnly(1985, 6, 9), id.BirthDate);
        Assert.True(id.IsMale);
        Assert.True(IdNumber.TryParse(id.Value, Today, out _, out var error), error);
        Assert.False(IdNumber.Create("140428", new DateOnly(1985, 6, 9), 124).IsMale);
    }

    [Fact]
    public void Every_single_digit_change_is_caught()
    {
        var id = IdNumber.Create("140428", new DateOnly(1970, 3, 15), 3).Value;
        for (var i = 0; i < 17; i++)
        {
            var digits = id.ToCharArray();
            digits[i] = (char)('0' + (digits[i] - '0' + 1) % 10);
            var changed = new string(digits);
            Assert.NotEqual(IdNumber.CheckCharacter(changed.AsSpan(0, 17)), changed[17]);
        }
    }
}
