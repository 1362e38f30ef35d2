using System.Net;
using GridMap.Metrics;

namespace GridMap.Architecture.Tests;

public class MetricsAccessTests
{
    [Theory]
    [InlineData(null, "127.0.0.1", true)]
    [InlineData(null, "::1", true)]
    [InlineData(null, "10.1.2.3", false)]
    [InlineData("10.0.0.0/8", "10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("10.0.0.0/8, 192.168.5.0/24", "192.168.5.77", true)]
    [InlineData("10.0.0.0/8, 192.168.5.0/24", "192.168.6.1", false)]
    [InlineData("fd00::/8", "fd12::1", true)]
    public void Loopback_and_the_allowed_networks_may_scrape(string? setting, string caller, bool allowed) =>
        Assert.Equal(allowed, MetricsAccess.FromSetting(setting).Allows(IPAddress.Parse(caller)));

    [Fact]
    public void A_caller_without_an_address_is_refused() => Assert.False(MetricsAccess.FromSetting("0.0.0.0/0").Allows(null));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("everyone")]
    [InlineData("10.0.0.0/8,;")]
    public void A_malformed_network_is_refused_when_read(string setting)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => MetricsAccess.FromSetting(setting));
        Assert.Contains("Metrics:AllowFrom", failure.Message);
    }
}
