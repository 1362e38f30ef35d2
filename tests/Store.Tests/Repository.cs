namespace GridMap.Store.Tests;

internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GridMap.slnx")))
                return dir.FullName;
        throw new DirectoryNotFoundException("GridMap.slnx not found above the test binaries.");
    }
}
