using GridMap.Hosting;
using GridMap.Tiling.Cache;
using GridMap.Tiling.Rendering;

namespace GridMap.Tiling;

public static class TilingServices
{
    public static IServiceCollection AddTiling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TilingOptions>(configuration, TilingOptions.SectionName)
            .Validate(o => File.Exists(o.FontPath), "Tiling:FontPath names no file; install fonts-noto-cjk or point it at a CJK font.");
        services.AddSingleton<TileCache>();
        services.AddSingleton<PngRendererHolder>();
        services.AddSingleton<InvalidationListener>();
        services.AddHostedService(sp => sp.GetRequiredService<InvalidationListener>());
        return services;
    }
}
