using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GridMap.Hosting;

public static class ValidatedOptions
{
    /// <summary>
    /// Binds a host's options class to its configuration section and checks its data annotations (and any rule chained
    /// on) when the host starts, so a bad setting stops the host before it answers, not at the first request that reads it.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration configuration,
        string sectionName) where TOptions : class =>
        services.AddOptions<TOptions>().Bind(configuration.GetSection(sectionName)).ValidateDataAnnotations().ValidateOnStart();
}
