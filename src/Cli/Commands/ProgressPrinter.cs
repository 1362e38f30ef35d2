namespace GridMap.Cli.Commands;

/// <summary>
/// Prints progress of long steps: a bar redrawn in place on a terminal, one line per 10% when the output is a
/// log (CI, pipes), so both people and logs see how far a job got.
/// </summary>
internal sealed class ProgressPrinter : IProgress<(string Step, int Done, int Total)>
{
    private readonly Lock gate = new();
    private readonly bool interactive = !Console.IsOutputRedirected;
    private string lastStep = "";
    private int lastDecile = -1;

    public void Report((string Step, int Done, int Total) value)
    {
        var (step, done, total) = value;
        lock (gate)
        {
            var fraction = total == 0 ? 1 : (double)done / total;
            if (interactive)
            {
                var width = 30;
                var filled = (int)Math.Round(fraction * width);
                Console.Write($"\r  {step,-10} [{new string('#', filled)}{new string('.', width - filled)}] {done,7:N0}/{total:N0}");
                if (done >= total)
                    Console.WriteLine();
                return;
            }
            var decile = (int)(fraction * 10);
            if (step != lastStep || decile != lastDecile)
            {
                Console.WriteLine($"  {step,-10} {fraction,4:P0} ({done:N0}/{total:N0})");
                lastStep = step;
                lastDecile = decile;
            }
        }
    }
}
