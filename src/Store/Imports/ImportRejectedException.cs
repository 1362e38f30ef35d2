namespace GridMap.Store.Imports;

/// <summary>
/// A department file refused as a whole (unknown department, no header, missing columns, not UTF-8 text). The
/// message is meant for the clerk who sent the file; nothing of the file has been merged.
/// </summary>
public sealed class ImportRejectedException(string message) : Exception(message);
