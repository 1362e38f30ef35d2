namespace GridMap.MapPortal;

/// <summary>Every view is a URL: /map/{code} plus the view options, so links, reloads and back/forward restore it.</summary>
public static class MapLinks
{
    public static string To(string code, string query = "") =>
        code == "14" ? $"/map{Suffix(query)}" : $"/map/{code}{Suffix(query)}";

    private static string Suffix(string query) => string.IsNullOrEmpty(query) ? "" : "?" + query.TrimStart('?');
}
