using System.Globalization;
using System.Text;
using NodaTime;
using Sylvan.Data.Csv;

namespace Compliance.Engine.Ledger;

/// <summary>The encodings a CSV ledger may declare (ledger.md, "Encodings and media types").</summary>
public static class LedgerEncodings
{
    /// <summary>The encoding of a <c>charset</c> parameter (UTF-8 when absent), or <c>null</c> when it is not accepted.</summary>
    public static Encoding? ForCharset(string? charset)
    {
        var name = charset?.Trim().Trim('"');
        if (string.IsNullOrEmpty(name) || name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        }

        if (name.Equals("gb18030", StringComparison.OrdinalIgnoreCase) || name.Equals("gbk", StringComparison.OrdinalIgnoreCase) || name.Equals("gb2312", StringComparison.OrdinalIgnoreCase))
        {
            // GBK and GB2312 are subsets of GB18030, so one strict decoder reads all three.
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }

        return null;
    }
}

/// <summary>
/// Reads a CSV ledger (RFC 4180, header first) from a stream in one pass: decodes, maps the header (English
/// names or Chinese aliases), and hands each record to a <see cref="LedgerValidator"/>.
/// </summary>
public static class LedgerReader
{
    private const int MaxRecordChars = 1 << 20;
    private const int BytesPerRow = 128;

    /// <summary>Reads a CSV ledger for <paramref name="period"/>, passing valid rows to <paramref name="sink"/>.</summary>
    public static LedgerReadResult ReadCsv(Stream body, Encoding encoding, YearMonth period, ILedgerSink sink)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(encoding);
        // A loan takes about 128 bytes of CSV: size the per-id state for that many rows at once.
        using var validator = new LedgerValidator(period, sink, body.CanSeek ? body.Length / BytesPerRow : 0);
        using var text = new StreamReader(body, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        string? detected = null;
        try
        {
            ReadRecords(text, validator);
        }
        catch (DecoderFallbackException)
        {
            detected = encoding is UTF8Encoding && ReadsAsGb18030(body) ? Gb18030 : null;
            validator.Error(null, null, LedgerCodes.Undecodable, detected is null ? LedgerMessages.NotInCharset : LedgerMessages.ReadsAsGb18030,
                detected is null ? [encoding.WebName] : []);
        }
        catch (CsvRecordTooLargeException)
        {
            validator.Error(null, null, LedgerCodes.Undecodable, LedgerMessages.RecordTooLong, MaxRecordChars.ToString(CultureInfo.InvariantCulture));
        }
        catch (CsvFormatException e)
        {
            validator.Error(e.RowNumber + 1, null, LedgerCodes.Undecodable, LedgerMessages.MalformedCsv);
        }

        return validator.Finish() with { DetectedCharset = detected };
    }

    /// <summary>The name a client declares GB18030 by, as <see cref="LedgerReadResult.DetectedCharset"/> reports it.</summary>
    public const string Gb18030 = "gb18030";

    // Whether the whole body, read again from its start, decodes as GB18030 with no invalid sequence: what an upload
    // from a Chinese-locale spreadsheet usually is. Only a body that can be read again is tried.
    private static bool ReadsAsGb18030(Stream body)
    {
        if (!body.CanSeek)
        {
            return false;
        }

        body.Position = 0;
        using var text = new StreamReader(body, LedgerEncodings.ForCharset(Gb18030)!, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        var buffer = new char[1 << 14];
        try
        {
            while (text.Read(buffer, 0, buffer.Length) > 0)
            {
            }

            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static void ReadRecords(TextReader text, LedgerValidator validator)
    {
        // A UTF-8 byte order mark decodes to U+FEFF; skip it so the first header matches.
        if (text.Peek() == '\uFEFF')
        {
            text.Read();
        }

        if (text.Peek() < 0)
        {
            return; // an empty body: no header, no rows (E008)
        }

        var options = new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = ',',
            Quote = '"',
            Comment = '\0', // RFC 4180 has no comment lines: a loan_id may start with '#'
            BufferSize = 1 << 16,
            MaxBufferSize = MaxRecordChars,
            ResultSetMode = ResultSetMode.SingleResult,
        };
        using var csv = CsvDataReader.Create(text, options);
        if (csv.FieldCount == 0 || (csv.FieldCount == 1 && csv.GetName(0).Length == 0))
        {
            return;
        }

        var record = new CsvRecord(csv);
        if (!MapHeader(csv, record, validator))
        {
            return;
        }

        // The header is line 1; each record starts one line after the previous one ended.
        var line = 1L + NewlinesIn(csv, -1);
        while (csv.Read())
        {
            var start = line + 1;
            line = start + NewlinesIn(csv, csv.RowFieldCount);
            if (csv.RowFieldCount != csv.FieldCount)
            {
                if (csv.RowFieldCount == 1 && csv.GetFieldSpan(0).IsEmpty)
                {
                    continue; // a blank line
                }

                validator.Error(start, null, LedgerCodes.FieldCount, LedgerMessages.FieldCount, csv.RowFieldCount.ToString(CultureInfo.InvariantCulture), csv.FieldCount.ToString(CultureInfo.InvariantCulture));
                continue;
            }

            validator.Record(start, record);
        }
    }

    private static bool MapHeader(CsvDataReader csv, CsvRecord record, LedgerValidator validator)
    {
        var seen = new HashSet<LedgerColumn>();
        var reported = new HashSet<LedgerColumn>();
        for (var i = 0; i < csv.FieldCount; i++)
        {
            var name = csv.GetName(i);
            if (!LedgerColumns.TryMatch(name, out var column))
            {
                validator.Warning(1, name.Trim(), LedgerCodes.UnknownColumn, LedgerMessages.UnknownColumn, name.Trim());
                continue;
            }

            if (!seen.Add(column))
            {
                if (reported.Add(column))
                {
                    validator.Error(1, column, LedgerCodes.DuplicateColumn, LedgerMessages.HeaderNamesTwice, LedgerColumns.NameOf(column));
                }

                continue;
            }

            record.Map(column, i);
        }

        foreach (var column in LedgerColumns.All)
        {
            if (LedgerColumns.IsRequired(column) && !seen.Contains(column))
            {
                validator.Error(1, column, LedgerCodes.MissingColumn, LedgerMessages.MissingColumn, LedgerColumns.NameOf(column), LedgerColumns.AliasOf(column));
            }
        }

        // With the header wrong, every row would repeat the same complaint; report the header alone.
        return !validator.HasErrors;
    }

    /// <summary>Line breaks inside the quoted fields of the current record (or of the header, for -1).</summary>
    private static long NewlinesIn(CsvDataReader csv, int fields)
    {
        long count = 0;
        if (fields < 0)
        {
            for (var i = 0; i < csv.FieldCount; i++)
            {
                count += csv.GetName(i).AsSpan().Count('\n');
            }

            return count;
        }

        for (var i = 0; i < fields; i++)
        {
            count += csv.GetFieldSpan(i).Count('\n');
        }

        return count;
    }

    private sealed class CsvRecord(CsvDataReader csv) : ILedgerRecord
    {
        private readonly int[] _ordinals = Enumerable.Repeat(-1, LedgerColumns.All.Count).ToArray();

        public void Map(LedgerColumn column, int ordinal) => _ordinals[(int)column] = ordinal;

        public ReadOnlySpan<char> Value(LedgerColumn column)
        {
            var ordinal = _ordinals[(int)column];
            return ordinal < 0 ? [] : csv.GetFieldSpan(ordinal);
        }
    }
}
