using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Text;

namespace Compliance.Engine.Ledger;

/// <summary>
/// Numbers the distinct ids of a ledger (loan ids, borrower ids) 0, 1, 2, … exactly, in little memory per id, outside
/// the managed heap (<see cref="NativeBuffer{T}"/>) until disposed; or, not numbered, only tells new ids from those
/// seen. Each id is kept once in one growing byte arena, as its number (where numbered), its length and its UTF-8
/// bytes; an open-addressing table, never more than half full, holds where each id's entry starts at the slot its hash
/// gives (or the next free one). A probe compares the id byte for byte, so ids that share a hash are told apart. About
/// 23 bytes an id of ten characters, 19 not numbered.
/// </summary>
internal sealed class IdTable : IDisposable
{
    private const int MaxIdBytes = 1024;

    // An entry: the id's number (4 bytes, where numbered), its length in bytes (2), then its bytes.
    private readonly int _header;
    private readonly Hasher _hash;
    private readonly NativeBuffer<byte> _arena;
    private NativeBuffer<int> _slots;
    private int _used;

    /// <param name="expected">How many ids to make room for at once (sizing up later costs a copy of everything).</param>
    /// <param name="hash">The hash of an id's UTF-8 bytes: XxHash3 unless a test forces collisions.</param>
    /// <param name="numbered">Whether ids are numbered (<see cref="Find"/>), or only told apart (<see cref="Add"/>).</param>
    public IdTable(int expected = 0, Hasher? hash = null, bool numbered = true)
    {
        _hash = hash ?? (static bytes => XxHash3.HashToUInt64(bytes));
        _header = numbered ? 6 : 2;
        var ids = Math.Max(1 << 12, expected);
        _slots = new NativeBuffer<int>(SlotsFor(ids));
        _arena = new NativeBuffer<byte>(Math.Max(1 << 16, ids * (_header + 10)));
    }

    /// <summary>How many distinct ids there are.</summary>
    public int Count { get; private set; }

    /// <summary>The number of <paramref name="id"/>; <paramref name="added"/> tells whether it was seen for the first time.</summary>
    public int Find(ReadOnlySpan<char> id, out bool added)
    {
        if (_header == 2)
        {
            throw new InvalidOperationException("This table does not number its ids.");
        }

        var entry = Locate(id, out added);
        return added ? Count - 1 : BinaryPrimitives.ReadInt32LittleEndian(_arena.Span[entry..]);
    }

    /// <summary>Whether <paramref name="id"/> is seen for the first time (and is now kept).</summary>
    public bool Add(ReadOnlySpan<char> id)
    {
        Locate(id, out var added);
        return added;
    }

    public void Dispose()
    {
        _slots.Dispose();
        _arena.Dispose();
    }

    /// <summary>A 64-bit hash of an id's UTF-8 bytes; replaceable so tests can force collisions.</summary>
    internal delegate ulong Hasher(ReadOnlySpan<byte> bytes);

    // The smallest power of two at least twice the ids: the table stays at most half full.
    private static int SlotsFor(int ids) => (int)Math.Min(1u << 30, BitOperations.RoundUpToPowerOf2((uint)ids * 2));

    private static int Slot(ulong hash, int slots) => (int)(hash & (uint)(slots - 1));

    // Where the entry of the id starts, appended where it is new.
    private int Locate(ReadOnlySpan<char> id, out bool added)
    {
        Span<byte> buffer = stackalloc byte[MaxIdBytes];
        var bytes = Encoding.UTF8.GetByteCount(id) <= MaxIdBytes ? buffer[..Encoding.UTF8.GetBytes(id, buffer)] : Encoding.UTF8.GetBytes(id.ToString());
        var slot = Slot(_hash(bytes), _slots.Length);
        var slots = _slots.Span;
        while (slots[slot] != 0)
        {
            var start = slots[slot] - 1;
            var entry = _arena.Span[start..];
            if (BinaryPrimitives.ReadUInt16LittleEndian(entry[(_header - 2)..]) == bytes.Length && entry.Slice(_header, bytes.Length).SequenceEqual(bytes))
            {
                added = false;
                return start;
            }

            slot = (slot + 1) & (slots.Length - 1);
        }

        added = true;
        var appended = Append(bytes);
        slots[slot] = appended + 1;
        if (Count * 2 > slots.Length)
        {
            Grow();
        }

        return appended;
    }

    // Appends the entry of the next number; answers where it starts.
    private int Append(ReadOnlySpan<byte> bytes)
    {
        if (_used + _header + bytes.Length > _arena.Length)
        {
            _arena.Resize(Math.Max(_arena.Length * 2, _used + _header + bytes.Length));
        }

        var start = _used;
        var entry = _arena.Span[start..];
        if (_header == 6)
        {
            BinaryPrimitives.WriteInt32LittleEndian(entry, Count);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(entry[(_header - 2)..], checked((ushort)bytes.Length));
        bytes.CopyTo(entry[_header..]);
        _used += _header + bytes.Length;
        Count++;
        return start;
    }

    // Twice the slots, every id placed again by its hash.
    private void Grow()
    {
        var grown = new NativeBuffer<int>(_slots.Length * 2);
        var slots = grown.Span;
        for (var start = 0; start < _used;)
        {
            var entry = _arena.Span[start..];
            var length = BinaryPrimitives.ReadUInt16LittleEndian(entry[(_header - 2)..]);
            var slot = Slot(_hash(entry.Slice(_header, length)), slots.Length);
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & (slots.Length - 1);
            }

            slots[slot] = start + 1;
            start += _header + length;
        }

        _slots.Dispose();
        _slots = grown;
    }
}
