namespace GridMap.Tiling.Rendering;

/// <summary>
/// The default look, in one place: the PNG renderer draws with these colours and the style document hands the same
/// ones to vector clients, so raster and vector maps look alike.
/// </summary>
public static class MapStyle
{
    public const string Background = "#f4f1ea";
    public const string GridStaffedFill = "#dfe9f5";
    public const string GridVacantFill = "#f3a59c";
    public const string GridOutline = "#6f8fb5";
    public const string GridLabel = "#2d3e50";
    public const string LabelHalo = "#ffffff";

    /// <summary>Admin outline colour and width (px at 1×) by level: province 1 … village 5.</summary>
    public static (string Colour, float Width) AdminLine(int level) => level switch
    {
        1 => ("#1d3f6e", 3.0f),
        2 => ("#2a5c9a", 2.2f),
        3 => ("#3f73b4", 1.6f),
        4 => ("#6b8fc0", 1.0f),
        _ => ("#9fb6d6", 0.7f),
    };

    public static float AdminLabelSize(int level) => level switch
    {
        1 => 16f,
        2 => 14f,
        3 => 13f,
        4 => 12f,
        _ => 11f,
    };

    /// <summary>Grid labels (from z14, when the tiles carry label points) show the sequence ("007"), the full code from z16.</summary>
    public const int GridFullCodeMinZoom = 16;
}
