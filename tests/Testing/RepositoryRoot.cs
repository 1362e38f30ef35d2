namespace GridMap.Testing;

/// <summary>The checkout the tests run from (the folder holding GridMap.sln), for fixtures, data and artifacts.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "GridMap.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("GridMap.sln not found above the test binaries.");
    }
}
