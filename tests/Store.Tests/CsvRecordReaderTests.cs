using GridMap.Store.Imports;

namespace GridMap.Store.Tests;

/// <summary>How the department import reads a list: records with the line each starts on, leniency, and refusals.</summary>
public class CsvRecordReaderTests
{
    [Theory]
    [InlineData("a,b\r\nc,d\re,f\ng", "1:a|b 2:c|d 3:e|f 4:g")]
    [InlineData("h,\"x\r\ny\",z\r\nn,m\r\n", "1:h|x\r\ny|z 3:n|m")]
    [InlineData("h\n\"a\"\"b\",\"\"\n", "1:h 2:a\"b|")]
    [InlineData("h\n\n\nx,y\n\n", "1:h 2: 3: 4:x|y 5:")]
    [InlineData("h\nx,,\n,,,\n", "1:h 2:x|| 3:|||")]
    [InlineData("h\r\n\"abc\"", "1:h 2:abc")]
    // Lenient outside quotes: a stray quote inside a field, or text after a closing quote, is kept.
    [InlineData("h\nab\"c,d\nx,y\n", "1:h 2:ab\"c|d 3:x|y")]
    [InlineData("h\n\"ab\"c,d\nx,y\n", "1:h 2:abc|d 3:x|y")]
    public async Task Records_come_with_the_line_they_start_on(string text, string expected)
    {
        await using var reader = new CsvRecordReader(new StringReader(text));
        var fields = new List<string>();
        var records = new List<string>();
        while (await reader.ReadAsync(fields, CancellationToken.None))
            records.Add($"{reader.RecordLine}:{string.Join('|', fields)}");

        Assert.Equal(expected, string.Join(' ', records));
    }

    [Theory]
    [InlineData("h\n\"abc\nde\n", "Line 2 opens a quoted field that is never closed.")]
    [InlineData("h\nab\0c\n", CsvRecordReader.NotTextMessage)]
    public async Task An_unreadable_file_is_refused_with_the_clerks_message(string text, string message)
    {
        await using var reader = new CsvRecordReader(new StringReader(text));
        var fields = new List<string>();

        var error = await Assert.ThrowsAsync<ImportRejectedException>(async () =>
        {
            while (await reader.ReadAsync(fields, CancellationToken.None))
            {
            }
        });

        Assert.Equal(message, error.Message);
    }
}
