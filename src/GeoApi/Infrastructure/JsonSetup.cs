using System.Text.Json;
using System.Text.Json.Serialization;
using GridMap.Store.Boundaries;
using NetTopologySuite.IO.Converters;

namespace GridMap.GeoApi.Infrastructure;

public static class JsonSetup
{
    /// <summary>camelCase JSON, enums as lower-case strings ("county"), NetTopologySuite geometries as GeoJSON.</summary>
    public static IServiceCollection AddGridMapJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            options.SerializerOptions.Converters.Add(new GeoJsonConverterFactory(Geo.Factory));
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
}
