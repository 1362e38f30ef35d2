namespace GridMap.Domain.Codes;

/// <summary>
/// A grid's 15-digit code (网格编码): the 12-digit village code followed by a 3-digit sequence that runs
/// west→east, then north→south inside the village (see <see cref="Geometry.GridNumbering"/>).
/// Codes are never reused: a retired grid keeps its code in history.
/// </summary>
public static class GridCode
{
    public const int MaxSequence = 999;

    public static AdminCode Compose(AdminCode village, int sequence)
    {
        if (village.Level != AdminLevel.Village)
            throw new ArgumentException($"{village} is not a village code.", nameof(village));
        if (sequence is < 1 or > MaxSequence)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "A grid sequence runs from 001 to 999.");
        return AdminCode.Parse(village.Value + sequence.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
    }

    public static int Sequence(AdminCode grid) =>
        grid.Level == AdminLevel.Grid
            ? int.Parse(grid.Value.AsSpan(12), provider: System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentException($"{grid} is not a grid code.", nameof(grid));

    /// <summary>The name a grid goes by in lists: its sequence, "007号网格" (grid No. 007).</summary>
    public static string DisplayName(AdminCode grid) => $"{grid.Value[12..]}号网格";
}
