using System.Diagnostics;
using Xunit;

namespace GridMap.Testing;

/// <summary>GDAL's command-line tools (Debian gdal-bin), the independent reader of the files GridMap writes.</summary>
public static class Gdal
{
    /// <summary>Runs ogrinfo, ogr2ogr …, fails the test on a non-zero exit, returns standard output.</summary>
    public static string Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["CPL_DEBUG"] = "OFF" },
        })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed: {error.Result}");
        return output;
    }

    /// <summary>The "Feature Count: N" of <c>ogrinfo -so</c>.</summary>
    public static int FeatureCount(string summary) =>
        int.Parse(summary.Split('\n').Single(l => l.StartsWith("Feature Count:", StringComparison.Ordinal))["Feature Count:".Length..].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How GDAL opens a file of an export: a zipped shapefile through /vsizip/.</summary>
    public static string Source(string path) => path.EndsWith(".zip", StringComparison.Ordinal) ? "/vsizip/" + path : path;
}
