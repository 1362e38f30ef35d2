namespace GridMap.GeoApi.Infrastructure;

/// <summary>An enum value from request text: its name in any case, never a number (Enum.TryParse takes "7" too).</summary>
public static class RequestEnum
{
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        return text is not null && !int.TryParse(text, out _) && Enum.TryParse(text, true, out value);
    }
}
