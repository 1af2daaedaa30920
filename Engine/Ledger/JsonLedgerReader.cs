using System.Globalization;
using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using NodaTime;

namespace Compliance.Engine.Ledger;

/// <summary>
/// Reads a JSON ledger (<c>application/json</c>, <c>{"loans": [ … ]}</c>) or an NDJSON ledger
/// (<c>application/x-ndjson</c>, one object per line) from a stream in one pass, with the keys of the CSV header
/// (English names or Chinese aliases), and hands each loan object to a <see cref="LedgerValidator"/> (ledger.md).
/// </summary>
/// <remarks>
/// The body is read through a byte window that grows only as far as one token (JSON) or one line (NDJSON) needs,
/// never as a whole. Issues are numbered by the 0-based index in <c>loans</c> for JSON and by the 1-based line for
/// NDJSON; an error about the whole body has no line.
/// </remarks>
public static class JsonLedgerReader
{
    /// <summary>The longest JSON token, or NDJSON line, read; a loan object is a few hundred bytes.</summary>
    private const int MaxWindowBytes = 1 << 20;

    private const int ChunkBytes = 1 << 16;

    /// <summary>Reads a JSON ledger, <c>{"loans": [ … ]}</c>, for <paramref name="period"/>, passing valid rows to <paramref name="sink"/>.</summary>
    public static LedgerReadResult ReadJson(Stream body, YearMonth period, ILedgerSink sink)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var validator = new LedgerValidator(period, sink);
        new JsonBody(new ByteWindow(body), new LoanObject(validator), validator).Read();
        return validator.Finish();
    }

    /// <summary>Reads an NDJSON ledger, one loan object per line, for <paramref name="period"/>, passing valid rows to <paramref name="sink"/>.</summary>
    public static LedgerReadResult ReadNdjson(Stream body, YearMonth period, ILedgerSink sink)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var validator = new LedgerValidator(period, sink);
        ReadLines(new ByteWindow(body), new LoanObject(validator), validator);
        return validator.Finish();
    }

    private static void ReadLines(ByteWindow window, LoanObject loan, LedgerValidator validator)
    {
        window.SkipByteOrderMark();
        var line = 1L;
        var scanned = 0;        // bytes of the window already searched for the line's end
        var discarding = false; // inside a line too long to read, looking for its end
        while (true)
        {
            var data = window.Data;
            var end = data[scanned..].IndexOf((byte)'\n');
            if (end >= 0)
            {
                if (!discarding)
                {
                    ReadLine(data[..(scanned + end)], line, loan, validator);
                }

                window.Consume(scanned + end + 1);
                scanned = 0;
                discarding = false;
                line++;
                continue;
            }

            if (discarding)
            {
                window.Consume(data.Length);
                scanned = 0;
            }
            else
            {
                scanned = data.Length;
            }

            var fill = window.Fill();
            if (fill == FillResult.Full)
            {
                validator.Error(line, null, LedgerCodes.Undecodable, LedgerMessages.LineTooLong, Invariant(line), Invariant(MaxWindowBytes));
                window.Consume(window.Data.Length);
                scanned = 0;
                discarding = true;
            }
            else if (fill == FillResult.End)
            {
                if (!discarding && !window.Data.IsEmpty)
                {
                    ReadLine(window.Data, line, loan, validator); // the last line has no line feed
                }

                return;
            }
        }
    }

    private static void ReadLine(ReadOnlySpan<byte> text, long line, LoanObject loan, LedgerValidator validator)
    {
        if (IsWhiteSpace(text))
        {
            return;
        }

        if (!Utf8.IsValid(text))
        {
            validator.Error(line, null, LedgerCodes.Undecodable, LedgerMessages.LineNotUtf8, Invariant(line));
            return;
        }

        var reader = new Utf8JsonReader(text, isFinalBlock: true, state: default);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                validator.Error(line, null, LedgerCodes.Undecodable, LedgerMessages.LineNotObject, Invariant(line));
                return;
            }

            loan.Begin(line);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!loan.TryKey(ref reader) || !reader.Read() || !loan.TryValue(ref reader))
                {
                    validator.Error(line, null, LedgerCodes.Undecodable, loan.Nested ? LedgerMessages.LineNested : LedgerMessages.LineLoneSurrogate, Invariant(line));
                    return;
                }
            }

            // The object has ended; anything after it on the line (a second object included) is malformed.
            reader.Read();
        }
        catch (JsonException)
        {
            validator.Error(line, null, LedgerCodes.Undecodable, LedgerMessages.LineMalformed, Invariant(line));
            return;
        }

        loan.End();
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool IsWhiteSpace(ReadOnlySpan<byte> text) => text.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    /// <summary>The body of an <c>application/json</c> ledger, read token by token through a growing window.</summary>
    private sealed class JsonBody(ByteWindow window, LoanObject loan, LedgerValidator validator)
    {
        private Where _where;
        private Where _afterSkip;
        private int _skipDepth;
        private long? _skipLine;
        private bool _sawLoans;
        private long _index;

        private enum Where
        {
            Start,
            Top,
            LoansValue,
            Loans,
            Loan,
            LoanValue,
            Skip,
            End,
        }

        /// <summary>The index of the loan being read, or null outside <c>loans</c>.</summary>
        private long? Line => _where switch
        {
            Where.Loans or Where.Loan or Where.LoanValue => _index,
            Where.Skip => _skipLine,
            _ => null,
        };

        public void Read()
        {
            window.SkipByteOrderMark();
            var state = default(JsonReaderState);
            var final = false;
            while (true)
            {
                if (_where == Where.Start && final && IsWhiteSpace(window.Data))
                {
                    return; // an empty body: no rows (E008)
                }

                var reader = new Utf8JsonReader(window.Data, final, state);
                try
                {
                    while (reader.Read())
                    {
                        if (!Take(ref reader))
                        {
                            return;
                        }
                    }
                }
                catch (JsonException)
                {
                    Stop(LedgerMessages.MalformedJson);
                    return;
                }

                if (final)
                {
                    return;
                }

                state = reader.CurrentState;
                window.Consume(checked((int)reader.BytesConsumed));
                window.SkipWhiteSpace();
                var fill = window.Fill();
                if (fill == FillResult.Full)
                {
                    Stop(LedgerMessages.TokenTooLong, Invariant(MaxWindowBytes));
                    return;
                }

                final = fill == FillResult.End;
            }
        }

        /// <summary>Handles one token; false when the body cannot be read further.</summary>
        private bool Take(ref Utf8JsonReader reader)
        {
            var token = reader.TokenType;
            switch (_where)
            {
                case Where.Start when token == JsonTokenType.StartObject:
                    _where = Where.Top;
                    return true;
                case Where.Start:
                    return Stop(LedgerMessages.NotLoansObject);
                case Where.Top when token == JsonTokenType.PropertyName && !_sawLoans && reader.ValueTextEquals("loans"u8):
                    _sawLoans = true;
                    _where = Where.LoansValue;
                    return true;
                case Where.Top when token == JsonTokenType.EndObject && _sawLoans:
                    _where = Where.End;
                    return true;
                case Where.Top:
                    return Stop(LedgerMessages.OnlyLoansKey);
                case Where.LoansValue when token == JsonTokenType.StartArray:
                    _where = Where.Loans;
                    return true;
                case Where.LoansValue:
                    return Stop(LedgerMessages.LoansNotArray);
                case Where.Loans when token == JsonTokenType.StartObject:
                    loan.Begin(_index);
                    _where = Where.Loan;
                    return true;
                case Where.Loans when token == JsonTokenType.EndArray:
                    _where = Where.Top;
                    return true;
                case Where.Loans:
                    validator.Error(_index, null, LedgerCodes.Undecodable, LedgerMessages.LoanNotObject, Invariant(_index));
                    SkipValue(ref reader, Where.Loans);
                    _index++;
                    return true;
                case Where.Loan when token == JsonTokenType.PropertyName:
                    _where = Where.LoanValue;
                    return loan.TryKey(ref reader) || Stop(LedgerMessages.LoanKeyNotText, Invariant(_index));
                case Where.Loan:
                    loan.End();
                    _index++;
                    _where = Where.Loans;
                    return true;
                case Where.LoanValue when token is JsonTokenType.StartObject or JsonTokenType.StartArray:
                    validator.Error(_index, null, LedgerCodes.Undecodable, LedgerMessages.LoanNested, Invariant(_index));
                    loan.Fault();
                    SkipValue(ref reader, Where.Loan);
                    return true;
                case Where.LoanValue:
                    _where = Where.Loan;
                    return loan.TryValue(ref reader) || Stop(LedgerMessages.LoanValueNotText, Invariant(_index));
                case Where.Skip:
                    if (token is (JsonTokenType.EndObject or JsonTokenType.EndArray) && reader.CurrentDepth == _skipDepth)
                    {
                        _where = _afterSkip;
                    }

                    return true;
                default:
                    return Stop(LedgerMessages.ContentAfterLoans);
            }
        }

        /// <summary>Skips a value token by token, so a long one needs no bigger window.</summary>
        private void SkipValue(ref Utf8JsonReader reader, Where after)
        {
            if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                _where = after;
                return;
            }

            _skipLine = Line;
            _skipDepth = reader.CurrentDepth;
            _afterSkip = after;
            _where = Where.Skip;
        }

        private bool Stop(LedgerMessage message, params string[] arguments)
        {
            validator.Error(Line, null, LedgerCodes.Undecodable, message, arguments);
            return false;
        }
    }

    /// <summary>
    /// One loan object, key by key: matches keys to columns, keeps the raw text of each value, reports unknown keys
    /// once per ledger (W002) and repeated ones once per object (E012), and passes the object to the validator.
    /// </summary>
    private sealed class LoanObject(LedgerValidator validator) : ILedgerRecord
    {
        private const int MaxCachedKeys = 1_024;

        private readonly int[] _starts = new int[LedgerColumns.All.Count];
        private readonly int[] _lengths = new int[LedgerColumns.All.Count];
        private readonly bool[] _present = new bool[LedgerColumns.All.Count];
        private readonly bool[] _repeatReported = new bool[LedgerColumns.All.Count];
        private readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);
        private readonly HashSet<string> _unknownReported = new(StringComparer.OrdinalIgnoreCase);
        private char[] _chars = new char[1_024];
        private char[] _key = new char[64];
        private int _used;
        private int _column;
        private long _line;
        private bool _faulted;

        /// <summary>Whether the value that failed was an object or an array (rather than undecodable text).</summary>
        public bool Nested { get; private set; }

        public void Begin(long line)
        {
            _line = line;
            _used = 0;
            _column = -1;
            _faulted = false;
            Nested = false;
            Array.Clear(_present);
            Array.Clear(_repeatReported);
        }

        /// <summary>Takes a property name; false when it is not valid text.</summary>
        public bool TryKey(ref Utf8JsonReader reader)
        {
            _column = -1;
            if (!TryCopy(ref reader, ref _key, 0, out var length))
            {
                return false;
            }

            var key = _key.AsSpan(0, length);
            var column = Match(key);
            if (column < 0)
            {
                ReportUnknown(key.Trim());
                return true;
            }

            if (_present[column])
            {
                if (!_repeatReported[column])
                {
                    _repeatReported[column] = true;
                    var name = LedgerColumns.NameOf((LedgerColumn)column);
                    validator.Error(_line, (LedgerColumn)column, LedgerCodes.DuplicateColumn, LedgerMessages.ObjectNamesTwice, name);
                }

                _faulted = true;
                return true;
            }

            _present[column] = true;
            _starts[column] = _used;
            _lengths[column] = 0;
            _column = column;
            return true;
        }

        /// <summary>Takes the value of the last key; false when it is an object, an array or not valid text.</summary>
        public bool TryValue(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    Nested = true;
                    return false;
                case JsonTokenType.String when _column < 0:
                    return Utf8.IsValid(reader.ValueSpan); // an ignored value must still be text
                case JsonTokenType.String or JsonTokenType.Number:
                    if (!TryCopy(ref reader, ref _chars, _used, out var length))
                    {
                        return false;
                    }

                    Keep(length);
                    return true;
                case JsonTokenType.True:
                    Append("true");
                    return true;
                case JsonTokenType.False:
                    Append("false");
                    return true;
                default:
                    return true; // null: an empty value, as a missing key is
            }
        }

        /// <summary>Marks the object as malformed, so it is not validated as a loan.</summary>
        public void Fault() => _faulted = true;

        public void End()
        {
            // An object that names a column twice, or holds a nested value, has no single reading; its E012 or
            // E009 stands for it rather than errors about values it may not mean.
            if (!_faulted)
            {
                validator.Record(_line, this);
            }
        }

        public ReadOnlySpan<char> Value(LedgerColumn column)
        {
            var i = (int)column;
            return _present[i] ? _chars.AsSpan(_starts[i], _lengths[i]) : [];
        }

        private int Match(ReadOnlySpan<char> key)
        {
            var cache = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
            if (cache.TryGetValue(key, out var column))
            {
                return column;
            }

            var text = key.ToString();
            column = LedgerColumns.TryMatch(text, out var matched) ? (int)matched : -1;
            if (_keys.Count < MaxCachedKeys)
            {
                _keys.Add(text, column);
            }

            return column;
        }

        private void ReportUnknown(ReadOnlySpan<char> key)
        {
            if (_unknownReported.GetAlternateLookup<ReadOnlySpan<char>>().Contains(key))
            {
                return;
            }

            var name = key.ToString();
            _unknownReported.Add(name);
            validator.Warning(_line, name, LedgerCodes.UnknownColumn, LedgerMessages.UnknownKey, name);
        }

        private void Append(string text)
        {
            if (_column < 0)
            {
                return;
            }

            Ensure(ref _chars, _used + text.Length);
            text.CopyTo(_chars.AsSpan(_used));
            Keep(text.Length);
        }

        private void Keep(int length)
        {
            if (_column < 0)
            {
                return;
            }

            _lengths[_column] = length;
            _used += length;
        }

        /// <summary>
        /// Copies a string's unescaped text, or a number's exact token text, into <paramref name="chars"/> at
        /// <paramref name="at"/>; false when the string is not valid UTF-8 or escapes a lone surrogate.
        /// </summary>
        private static bool TryCopy(ref Utf8JsonReader reader, ref char[] chars, int at, out int length)
        {
            length = 0;
            var raw = reader.ValueSpan;

            // A UTF-8 or escaped text never has more UTF-16 units than bytes.
            Ensure(ref chars, at + raw.Length);
            if (!reader.ValueIsEscaped)
            {
                if (Utf8.ToUtf16(raw, chars.AsSpan(at), out _, out length, replaceInvalidSequences: false) != OperationStatus.Done)
                {
                    return false;
                }

                return true;
            }

            if (!Utf8.IsValid(raw))
            {
                return false;
            }

            try
            {
                length = reader.CopyString(chars.AsSpan(at));
                return true;
            }
            catch (InvalidOperationException)
            {
                return false; // an escaped lone surrogate, such as "\ud800"
            }
        }

        private static void Ensure(ref char[] chars, int length)
        {
            if (chars.Length < length)
            {
                Array.Resize(ref chars, Math.Max(length, chars.Length * 2));
            }
        }
    }

    private enum FillResult
    {
        Read,
        End,
        Full,
    }

    /// <summary>The unread bytes of a stream: consumed from the front, refilled at the back, grown only when full.</summary>
    private sealed class ByteWindow(Stream stream)
    {
        private byte[] _buffer = new byte[ChunkBytes];
        private int _start;
        private int _end;
        private bool _ended;

        public ReadOnlySpan<byte> Data => _buffer.AsSpan(_start, _end - _start);

        public void Consume(int count) => _start += count;

        public void SkipByteOrderMark()
        {
            var more = FillResult.Read;
            while (Data.Length < 3 && more == FillResult.Read)
            {
                more = Fill();
            }

            if (Data.StartsWith("\uFEFF"u8))
            {
                Consume(3);
            }
        }

        /// <summary>
        /// Drops whitespace that JSON ignores from the front, so it never fills the window. The front is where the
        /// reader stopped, between tokens: whitespace, then perhaps a separator it has not consumed, whitespace, a
        /// property name waiting for its colon, and whitespace again; the tokens are kept, the whitespace goes.
        /// </summary>
        public void SkipWhiteSpace()
        {
            var kept = DropWhiteSpaceAfter(0);
            if (kept < Data.Length && Data[kept] is (byte)',' or (byte)':')
            {
                kept = DropWhiteSpaceAfter(kept + 1);
            }

            if (kept < Data.Length && Data[kept] == (byte)'"' && EndOfString(Data[kept..]) is > 0 and var length)
            {
                DropWhiteSpaceAfter(kept + length);
            }
        }

        /// <summary>Drops the whitespace after the first <paramref name="keep"/> bytes, moving them forward; returns <paramref name="keep"/>.</summary>
        private int DropWhiteSpaceAfter(int keep)
        {
            var data = Data;
            var token = data[keep..].IndexOfAnyExcept(" \t\r\n"u8);
            var drop = token < 0 ? data.Length - keep : token;
            if (drop > 0)
            {
                _buffer.AsSpan(_start, keep).CopyTo(_buffer.AsSpan(_start + drop));
                _start += drop;
            }

            return keep;
        }

        /// <summary>The length of the string token that <paramref name="data"/> starts with, or -1 when it does not end in it.</summary>
        private static int EndOfString(ReadOnlySpan<byte> data)
        {
            for (var i = 1; i < data.Length; i++)
            {
                var next = data[i..].IndexOfAny((byte)'\\', (byte)'"');
                if (next < 0)
                {
                    return -1;
                }

                i += next;
                if (data[i] == (byte)'"')
                {
                    return i + 1;
                }

                i++; // the escaped byte
            }

            return -1;
        }

        /// <summary>Reads more bytes after <see cref="Data"/>: <c>End</c> at the end of the stream, <c>Full</c> when it holds the most it may.</summary>
        public FillResult Fill()
        {
            if (_ended)
            {
                return FillResult.End;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                if (_buffer.Length >= MaxWindowBytes)
                {
                    return FillResult.Full;
                }

                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxWindowBytes));
            }

            var read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _ended = true;
                return FillResult.End;
            }

            _end += read;
            return FillResult.Read;
        }
    }
}
