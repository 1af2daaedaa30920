using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace Compliance.Engine.Ledger;

/// <summary>
/// Numbers the distinct ids of a ledger (loan ids, borrower ids) 0, 1, 2, … exactly, in little memory per id: each
/// id is kept once as UTF-8 in one growing byte arena and found by its 64-bit hash; a hash match is compared byte
/// for byte, so two ids that share a hash are told apart, the later one kept in a small overflow map.
/// </summary>
/// <param name="expected">How many ids to make room for at once (sizing up later costs a copy of everything).</param>
/// <param name="hash">The hash of an id's UTF-8 bytes: XxHash3 unless a test forces collisions.</param>
internal sealed class IdTable(int expected = 0, IdTable.Hasher? hash = null)
{
    private const int MaxIdBytes = 1024;

    private readonly Hasher _hash = hash ?? (static bytes => XxHash3.HashToUInt64(bytes));
    private readonly Dictionary<ulong, int> _byHash = new(expected);
    private Dictionary<string, int>? _collided;
    private byte[] _arena = new byte[Math.Max(1 << 16, expected * 12)];
    private int[] _starts = new int[Math.Max(1 << 12, expected + 2)];
    private int _used;

    /// <summary>How many distinct ids there are.</summary>
    public int Count { get; private set; }

    /// <summary>The number of <paramref name="id"/>; <paramref name="added"/> tells whether it was seen for the first time.</summary>
    public int Find(ReadOnlySpan<char> id, out bool added)
    {
        Span<byte> buffer = stackalloc byte[MaxIdBytes];
        var bytes = Encoding.UTF8.GetByteCount(id) <= MaxIdBytes ? buffer[..Encoding.UTF8.GetBytes(id, buffer)] : Encoding.UTF8.GetBytes(id.ToString());
        var hash = _hash(bytes);
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_byHash, hash, out var exists);
        if (!exists)
        {
            slot = Append(bytes);
            added = true;
            return slot;
        }

        if (Stored(slot).SequenceEqual(bytes))
        {
            added = false;
            return slot;
        }

        // Another id has this hash: rare, so these few are kept by their text.
        _collided ??= new Dictionary<string, int>(StringComparer.Ordinal);
        var text = id.ToString();
        if (_collided.TryGetValue(text, out var index))
        {
            added = false;
            return index;
        }

        index = Append(bytes);
        _collided.Add(text, index);
        added = true;
        return index;
    }

    /// <summary>A 64-bit hash of an id's UTF-8 bytes; replaceable so tests can force collisions.</summary>
    internal delegate ulong Hasher(ReadOnlySpan<byte> bytes);

    private ReadOnlySpan<byte> Stored(int index) => _arena.AsSpan(_starts[index], _starts[index + 1] - _starts[index]);

    private int Append(ReadOnlySpan<byte> bytes)
    {
        if (_used + bytes.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + bytes.Length));
        }

        if (Count + 2 > _starts.Length)
        {
            Array.Resize(ref _starts, _starts.Length * 2);
        }

        bytes.CopyTo(_arena.AsSpan(_used));
        _starts[Count] = _used;
        _used += bytes.Length;
        _starts[Count + 1] = _used;
        return Count++;
    }
}
