namespace GridMap.Store.Imports;

/// <summary>What an import did: every row of the file is counted in exactly one of the six outcomes.</summary>
public sealed record ImportReport(
    long ImportId, int Total, int Inserted, int Updated, int Unchanged, int Unmatched, int Conflicting, int Invalid,
    double Seconds, IReadOnlyList<ImportIssue> Issues)
{
    /// <summary>Rows that changed a record (special group or register type).</summary>
    public int Changed => Inserted + Updated;

    /// <summary>Merged rows that carried a village code (GridMap's or 2023's), checked against the register's place.</summary>
    public int PlaceChecked { get; init; }

    /// <summary>Of those, rows the code put elsewhere or could not place: merged, and listed as <c>place</c> issues.</summary>
    public int PlacedElsewhere { get; init; }
}

/// <summary>A row that was not merged, or (kind <c>place</c>) was merged but placed elsewhere than the register: its line
/// in the file (the header is line 1), why, and the ID number masked.</summary>
public sealed record ImportIssue(int Line, string Kind, string? IdMasked, string Reason);

public enum ImportStage { Reading, Merging, Finishing }

/// <summary>Progress of a running import: rows read so far and the file's estimated row count (0 if unknown).</summary>
public sealed record ImportProgress(long ImportId, ImportStage Stage, int Done, int Total);

/// <summary>An import as stored: status running, done or failed; the counts are final once it is done.</summary>
public sealed record ImportStatus(
    long Id, string Department, string FileName, string FileSha256, string Account, string Status, int TotalRows,
    int ProcessedRows, int Inserted, int Updated, int Unchanged, int Unmatched, int Conflicting, int Invalid,
    string? Error, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
{
    /// <summary>Rows placed by their village code (see <see cref="ImportReport.PlaceChecked"/>).</summary>
    public int PlaceChecked { get; init; }

    /// <summary>Of those, rows placed elsewhere than the register, listed as <c>place</c> issues.</summary>
    public int PlacedElsewhere { get; init; }
}
