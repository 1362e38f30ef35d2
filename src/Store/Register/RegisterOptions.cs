namespace GridMap.Store.Register;

/// <summary>The register's write path (section <c>Register</c>).</summary>
public sealed class RegisterOptions
{
    public const string SectionName = "Register";

    /// <summary>
    /// Register changes in their transactions at once, at most; more wait their turn in this process. Every change
    /// ends at the audit chain's head, which one transaction holds until its commit is flushed: with more transactions
    /// than the database has cores to run them, the holder waits for a core while the rest wait for it. Measured on
    /// the 2-core machine at 500 changes/s from 32 writers (`./bench.sh register --rate 500`): 32 at once p95 ≈ 180 ms,
    /// 12 at once p95 ≈ 32 ms (README). Raise it with the database's cores.
    /// </summary>
    public int ConcurrentWrites { get; set; } = 12;
}
