using System.CommandLine;
using GridMap.Store.Audit;
using GridMap.Store.Database;

namespace GridMap.Cli.Commands;

internal static class AuditCommands
{
    public static Command Build()
    {
        var db = CommonOptions.Database();
        var verify = new Command("verify", "Recompute the audit log's hash chain; exit 1 and name the first broken entry if it was tampered with.") { db };
        verify.SetAction(async (result, ct) =>
        {
            await using var dataSource = CommonOptions.OpenDatabase(result, db, "gridmap-audit");
            var verification = await new AuditLog(dataSource).VerifyAsync(ct);
            if (verification.Break is { } broken)
            {
                Console.Error.WriteLine($"audit chain BROKEN at entry {broken.Seq}: {broken.Reason} ({verification.Entries:N0} entries read)");
                return 1;
            }
            Console.WriteLine($"audit chain intact: {verification.Entries:N0} entries");
            return 0;
        });
        return new Command("audit", "The append-only, hash-chained audit log.") { verify };
    }
}
