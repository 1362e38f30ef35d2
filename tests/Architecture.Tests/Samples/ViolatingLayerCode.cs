using GridMap.Store.Database;
using GridMap.Synthetic.Generation;
using Microsoft.AspNetCore.Http;

namespace GridMap.Architecture.Tests.Samples;

/// <summary>A rule that reads a file and the database (Domain must not), and store code that answers HTTP (Store must not).</summary>
internal static class ViolatingLayerCode
{
    public static string ReadLimits(string path) => File.ReadAllText(path) + SqlResource.Get("Units/GetUnit.sql");

    public static IResult Answer(HttpContext http) => Results.Ok(http.Request.Path.Value);

    /// <summary>A host that builds data with the synthetic makers.</summary>
    public static Random SeededRandom() => StableRandom.For(2013, "sample");
}
