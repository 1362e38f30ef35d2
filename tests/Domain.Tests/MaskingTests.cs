using GridMap.Domain.Privacy;

namespace GridMap.Domain.Tests;

public class MaskingTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("1234", "****")]
    public void Phones_show_the_carrier_prefix_and_last_four_digits(string phone, string masked) =>
        Assert.Equal(masked, Masking.Phone(phone));

    [Theory]
    [InlineData("张三丰", "张**")]
    [InlineData("李", "*")]
    [InlineData("", "*")]
    public void Names_show_the_family_name(string name, string masked) =>
        Assert.Equal(masked, Masking.Name(name));

    [Fact]
    public void Id_numbers_show_the_region_and_last_four_characters() =>
        Assert.Equal("140428********123X", Masking.IdNumber("14042819800101123X"));
}
