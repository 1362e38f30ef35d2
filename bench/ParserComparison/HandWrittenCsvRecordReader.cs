using System.Text;

using GridMap.Store.Imports;

namespace GridMap.ParserComparison;

/// <summary>
/// The department import's hand-written reader before CsvHelper replaced it, kept here as the other side of the
/// comparison. Streams RFC 4180 records: comma-separated fields; a field in double quotes may hold commas, line breaks and
/// doubled quotes; records end in CRLF, LF or CR. Knows the line each record starts on, for the issue report. Reads
/// asynchronously, so a request body can be streamed as it arrives.
/// </summary>
internal sealed class HandWrittenCsvRecordReader(TextReader reader)
{
    private enum State { FieldStart, Unquoted, Quoted, QuoteInQuoted }

    private readonly char[] buffer = new char[1 << 16];
    private readonly StringBuilder field = new();
    private int position;
    private int length;
    private int line = 1;
    private State state;
    // The previous record ended in CR; a LF right after it belongs to that record.
    private bool skipLineFeed;

    /// <summary>The line (1-based) the last record read starts on.</summary>
    public int RecordLine { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the file.</summary>
    public async ValueTask<bool> ReadAsync(List<string> fields, CancellationToken ct)
    {
        fields.Clear();
        field.Clear();
        state = State.FieldStart;
        var started = false;
        while (true)
        {
            if (position == length && !await FillAsync(ct))
            {
                if (!started)
                    return false;
                if (state == State.Quoted)
                    throw new ImportRejectedException($"Line {RecordLine} opens a quoted field that is never closed.");
                fields.Add(field.ToString());
                return true;
            }
            if (skipLineFeed)
            {
                skipLineFeed = false;
                if (buffer[position] == '\n')
                {
                    position++;
                    continue;
                }
            }
            if (!started)
            {
                started = true;
                RecordLine = line;
            }
            if (Scan(fields))
                return true;
        }
    }

    /// <summary>Consumes buffered characters until the record ends (true) or the buffer does (false).</summary>
    private bool Scan(List<string> fields)
    {
        while (position < length)
        {
            var c = buffer[position++];
            if (c == '\0')
                throw new ImportRejectedException(CsvRecordReader.NotTextMessage);
            switch (state)
            {
                case State.Quoted:
                    if (c == '"')
                        state = State.QuoteInQuoted;
                    else
                    {
                        if (c == '\n')
                            line++;
                        field.Append(c);
                    }
                    continue;
                case State.QuoteInQuoted when c == '"':
                    field.Append('"');
                    state = State.Quoted;
                    continue;
                case State.FieldStart when c == '"':
                    state = State.Quoted;
                    continue;
            }
            switch (c)
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    state = State.FieldStart;
                    break;
                case '\r':
                    skipLineFeed = true;
                    line++;
                    fields.Add(field.ToString());
                    return true;
                case '\n':
                    line++;
                    fields.Add(field.ToString());
                    return true;
                default:
                    // Lenient outside quotes: a stray quote inside a field, or text after a closing quote, is kept as is.
                    field.Append(c);
                    state = State.Unquoted;
                    break;
            }
        }
        return false;
    }

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        try
        {
            length = await reader.ReadAsync(buffer.AsMemory(), ct);
        }
        catch (DecoderFallbackException)
        {
            throw new ImportRejectedException(
                $"The file is not UTF-8 text (from about line {line}); save the list as \"CSV UTF-8\" — a GBK/ANSI export or a spreadsheet cannot be read.");
        }
        position = 0;
        return length > 0;
    }
}
