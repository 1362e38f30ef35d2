namespace GridMap.Synthetic.Generation;

/// <summary>Largest-remainder apportionment: split an exact total in proportion to weights, with a floor per item.</summary>
public static class Apportionment
{
    public static int[] LargestRemainder(IReadOnlyList<double> weights, int total, int minimum = 1, int maximum = int.MaxValue)
    {
        var n = weights.Count;
        if (n == 0)
            return total == 0 ? [] : throw new ArgumentException("Nothing to apportion a non-zero total to.");
        if ((long)minimum * n > total || (long)maximum * n < total)
            throw new ArgumentException($"Cannot give {n} items between {minimum} and {maximum} each from a total of {total}.");

        var result = new int[n];
        var free = total - minimum * n;
        var weightSum = weights.Sum();
        var remainders = new double[n];
        for (var i = 0; i < n; i++)
        {
            var share = weightSum > 0 ? free * weights[i] / weightSum : (double)free / n;
            var whole = (int)Math.Min(Math.Floor(share), maximum - minimum);
            result[i] = minimum + whole;
            remainders[i] = share - whole;
        }
        var left = total - result.Sum();
        // Ties break by index so the result is deterministic; the loop repeats if caps absorb nothing.
        while (left > 0)
        {
            var order = Enumerable.Range(0, n).Where(i => result[i] < maximum).OrderByDescending(i => remainders[i]).ThenBy(i => i).ToList();
            foreach (var i in order.Take(left))
            {
                result[i]++;
                remainders[i] = -1;
            }
            left = total - result.Sum();
        }
        return result;
    }
}
