namespace GridMap.Synthetic.Generation;

/// <summary>
/// Random streams derived from the dataset seed and a stable key (a unit code), so that every unit's
/// geometry and figures are the same on every run and independent of thread scheduling.
/// </summary>
public static class StableRandom
{
    public static Random For(int seed, string key, string purpose = "")
    {
        // FNV-1a: string.GetHashCode is randomised per process and would break determinism.
        var hash = 2166136261u;
        foreach (var c in $"{seed}|{purpose}|{key}")
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return new Random(unchecked((int)hash));
    }

    /// <summary>A log-normal draw with the given median and spread (σ of the logarithm).</summary>
    public static double LogNormal(this Random random, double median, double sigma)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return median * Math.Exp(sigma * z);
    }

    public static double Gaussian(this Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
