using System.Text;
using Compliance.Engine.Ledger;
using NodaTime;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>
/// Builds JSON and NDJSON ledgers for the reader's tests: loan objects with the valid defaults of
/// <see cref="LedgerCsv"/> (strings for text, JSON numbers for amounts and rates), with members a test cares about
/// replaced by raw JSON or removed.
/// </summary>
internal static class LedgerJson
{
    private static readonly string[] Columns = LedgerCsv.Header.Split(',');

    private static readonly HashSet<string> NumberColumns = ["credit_line", "amount", "balance", "annual_rate"];

    /// <summary>One loan object with the given loan id; an override's JSON replaces the member, a null JSON removes it.</summary>
    public static string Loan(string loanId, params (string Key, string? Json)[] overrides)
    {
        var values = Columns.Zip(LedgerCsv.Loan(loanId).Split(','))
            .Select(p => (Key: p.First, Json: (string?)(NumberColumns.Contains(p.First) ? p.Second : Quote(p.Second))))
            .ToList();
        foreach (var (key, json) in overrides)
        {
            var at = values.FindIndex(v => v.Key == key);
            if (at < 0)
            {
                throw new ArgumentException($"No column {key} in the test header.", nameof(overrides));
            }

            values[at] = (key, json);
        }

        return Object(values.Where(v => v.Json is not null).Select(v => (v.Key, v.Json!)).ToArray());
    }

    /// <summary>An object of the given members, each value raw JSON, keys quoted as they are.</summary>
    public static string Object(params (string Key, string Json)[] members) =>
        "{" + string.Join(",", members.Select(m => Quote(m.Key) + ":" + m.Json)) + "}";

    /// <summary>A JSON string literal; only the quote and the backslash are escaped, so Chinese stays as UTF-8.</summary>
    public static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>An application/json body: the objects in <c>loans</c>.</summary>
    public static string Json(params string[] loans) => "{\"loans\":[" + string.Join(",", loans) + "]}";

    /// <summary>An application/x-ndjson body: one object a line, each ending in LF.</summary>
    public static string Ndjson(params string[] loans) => string.Concat(loans.Select(l => l + "\n"));

    public static LedgerReadResult ReadJson(string text, RecordingSink? sink = null, YearMonth? period = null) =>
        ReadJson(Encoding.UTF8.GetBytes(text), sink, period);

    public static LedgerReadResult ReadJson(byte[] body, RecordingSink? sink = null, YearMonth? period = null)
    {
        using var stream = new MemoryStream(body);
        return JsonLedgerReader.ReadJson(stream, period ?? LedgerCsv.Period, sink ?? new RecordingSink());
    }

    public static LedgerReadResult ReadNdjson(string text, RecordingSink? sink = null, YearMonth? period = null) =>
        ReadNdjson(Encoding.UTF8.GetBytes(text), sink, period);

    public static LedgerReadResult ReadNdjson(byte[] body, RecordingSink? sink = null, YearMonth? period = null)
    {
        using var stream = new MemoryStream(body);
        return JsonLedgerReader.ReadNdjson(stream, period ?? LedgerCsv.Period, sink ?? new RecordingSink());
    }
}

/// <summary>A read-only stream that hands out at most a few bytes per read, as a slow network does.</summary>
internal sealed class TrickleStream(byte[] bytes, int bytesPerRead) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, bytesPerRead), bytes.Length - _position);
        Array.Copy(bytes, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A read-only stream of UTF-8 text produced part by part as it is read, so a big body never exists whole.</summary>
internal sealed class GeneratedStream(IEnumerable<string> parts) : Stream
{
    private readonly IEnumerator<string> _parts = parts.GetEnumerator();
    private byte[] _pending = [];
    private int _offset;

    /// <summary>How many bytes have been read, to show the body was bigger than any window.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        while (_offset == _pending.Length)
        {
            if (!_parts.MoveNext())
            {
                return 0;
            }

            _pending = Encoding.UTF8.GetBytes(_parts.Current);
            _offset = 0;
        }

        var n = Math.Min(count, _pending.Length - _offset);
        Array.Copy(_pending, _offset, buffer, offset, n);
        _offset += n;
        BytesRead += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _parts.Dispose();
        }

        base.Dispose(disposing);
    }
}
