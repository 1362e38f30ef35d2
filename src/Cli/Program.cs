using System.CommandLine;
using GridMap.Cli.Commands;

try
{
    return await CommandTree.Build().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is not OperationCanceledException)
{
    // A person reads this: the message, not a stack trace (set GRIDMAP_DEBUG=1 for the trace).
    Console.Error.WriteLine($"gridmap: {e.Message}");
    if (Environment.GetEnvironmentVariable("GRIDMAP_DEBUG") == "1")
        Console.Error.WriteLine(e);
    return 1;
}
