using System.Text;
using CsvHelper;

namespace GridMap.Store.Imports;

/// <summary>
/// Streams the records of a department list with CsvHelper (RFC 4180: quoted fields may hold commas, line breaks and
/// doubled quotes; records end in CRLF, LF or CR), and turns what makes a file unreadable into the clerk's message.
/// Knows the line each record starts on, for the issue report. Reads asynchronously, so a request body can be streamed
/// as it arrives.
/// </summary>
internal sealed class CsvRecordReader : IAsyncDisposable
{
    public const string NotTextMessage =
        "The file is not text (it holds NUL bytes): export the list as CSV (UTF-8), not as a spreadsheet or archive.";

    private readonly CsvReader reader;
    private long unterminatedQuoteLine;

    public CsvRecordReader(TextReader text)
    {
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false,
            TrackLineNumbers = true,
            // Blank lines come through as records, so a list that starts with one is refused for lacking its header.
            SkipEmptyLines = false,
            // Lenient, as clerks' exports need: a stray quote inside a field, or text after a closing quote, is kept.
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = m =>
            {
                // Recovering would read the rest of the file as one field: refuse the file instead.
                if (m.Reason == CsvMalformedReason.UnterminatedQuote)
                    unterminatedQuoteLine = m.LineNumber;
            },
        };
        reader = CsvReader.Create(text, options, leaveOpen: true);
    }

    /// <summary>The line (1-based) the last record read starts on.</summary>
    public int RecordLine { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the file.</summary>
    public async ValueTask<bool> ReadAsync(List<string> fields, CancellationToken ct)
    {
        fields.Clear();
        try
        {
            if (!await reader.ReadAsync(ct))
                return false;
        }
        catch (DecoderFallbackException)
        {
            throw new ImportRejectedException(
                $"The file is not UTF-8 text (from about line {Math.Max(1, RecordLine)}); save the list as \"CSV UTF-8\" — a GBK/ANSI export or a spreadsheet cannot be read.");
        }
        RecordLine = (int)reader.LineNumber;
        if (unterminatedQuoteLine != 0)
            throw new ImportRejectedException($"Line {unterminatedQuoteLine} opens a quoted field that is never closed.");
        if (reader.RawRecord.Contains((byte)0))
            throw new ImportRejectedException(NotTextMessage);
        for (var i = 0; i < reader.FieldCount; i++)
            fields.Add(reader.GetString(i));
        return true;
    }

    public ValueTask DisposeAsync() => reader.DisposeAsync();
}
