namespace GridMap.Store.Boundaries;

/// <summary>The files in <c>data/boundaries</c> that the province generator reads (see that folder's README).</summary>
public sealed record BoundaryFiles(string Directory)
{
    public string Counties => Path.Combine(Directory, "shanxi-counties-2013.geojson");
    public string Cities => Path.Combine(Directory, "shanxi-cities-2013.csv");
    public string Townships => Path.Combine(Directory, "shanxi-townships.csv");
    public string Villages => Path.Combine(Directory, "shanxi-villages.csv");
    /// <summary>Hand-written rules placing each 2023 township under the 2013 county that held it.</summary>
    public string CountyRules => Path.Combine(Directory, "crosswalk-2023-to-2013.csv");

    /// <summary>Every 2023 township and village code and the GridMap (2016) units it covers.</summary>
    public string Crosswalk2016 => Path.Combine(Directory, "crosswalk-2023-to-2016.csv");

    /// <summary>
    /// The boundaries folder: <paramref name="explicitPath"/>, else <c>GRIDMAP_BOUNDARIES</c>, else the first
    /// <c>data/boundaries</c> found walking up from the current directory and then from the program's directory.
    /// </summary>
    public static BoundaryFiles Locate(string? explicitPath = null)
    {
        var candidate = explicitPath ?? Environment.GetEnvironmentVariable("GRIDMAP_BOUNDARIES");
        if (!string.IsNullOrEmpty(candidate))
            return new BoundaryFiles(Path.GetFullPath(candidate));
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, "data", "boundaries");
                if (File.Exists(Path.Combine(path, "shanxi-counties-2013.geojson")))
                    return new BoundaryFiles(path);
            }
        }
        throw new DirectoryNotFoundException(
            "Cannot find data/boundaries (looked upward from the current and program directories); pass --boundaries or set GRIDMAP_BOUNDARIES.");
    }
}
