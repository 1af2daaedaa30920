using System.Runtime.InteropServices;

namespace Compliance.Engine.Ledger;

/// <summary>
/// An array of plain values outside the managed heap, freed when disposed: the per-id state of a ledger being read,
/// which lives exactly as long as the read. Kept on the managed heap, tens of megabytes a large ledger, it would stay
/// there after the read until a full collection found it, beside the next ledger's; here it is given back to the system
/// when the read ends (<see cref="NativeHeap"/>). Every access is bounds-checked, and a disposed buffer has no element.
/// </summary>
/// <typeparam name="T">A value type without references.</typeparam>
internal sealed unsafe class NativeBuffer<T> : IDisposable
    where T : unmanaged
{
    private T* _items;

    /// <param name="length">How many elements, each zero.</param>
    public NativeBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _items = (T*)NativeHeap.Allocate(Bytes(length));
        Length = length;
    }

    ~NativeBuffer() => Free();

    public int Length { get; private set; }

    public Span<T> Span => new(_items, Length);

    public ref T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Length)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, "Outside the buffer.");
            }

            return ref _items[index];
        }
    }

    /// <summary>Makes the buffer <paramref name="length"/> long, keeping its elements; those added are zero.</summary>
    public void Resize(int length)
    {
        ObjectDisposedException.ThrowIf(_items is null, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, Length);
        _items = (T*)NativeHeap.Reallocate(_items, Bytes(Length), Bytes(length));
        Length = length;
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private static nuint Bytes(int length) => (nuint)Math.Max(length, 1) * (nuint)sizeof(T);

    private void Free()
    {
        if (_items is not null)
        {
            NativeHeap.Free(_items, Bytes(Length));
            _items = null;
            Length = 0;
        }
    }
}

/// <summary>
/// Zeroed memory for <see cref="NativeBuffer{T}"/>. On Linux a block of 64 KiB or more is a private anonymous mapping of
/// its own (<c>mmap</c>): freed, its pages go back to the system at once, and pages never written are never resident.
/// From the C heap instead, glibc would keep what is freed in the arena of the thread that allocated it, for that thread
/// to use again: the tables of one ledger read on one thread would stay resident while the next is read on another.
/// Elsewhere the C heap already maps a block that large on its own.
/// </summary>
internal static unsafe class NativeHeap
{
    private const nuint MappedFrom = 64 * 1024;
    private const int ProtectReadWrite = 0x1 | 0x2;
    private const int MapPrivateAnonymous = 0x02 | 0x20;
    private const int RemapMayMove = 1;

    private static readonly Mapping? Linux = Mapping.Find();

    public static void* Allocate(nuint bytes)
    {
        if (Linux is { } map && bytes >= MappedFrom)
        {
            var block = map.Map(null, bytes, ProtectReadWrite, MapPrivateAnonymous, -1, 0);
            return (nint)block == -1 ? throw new InsufficientMemoryException($"Could not map {bytes} bytes.") : block;
        }

        return NativeMemory.AllocZeroed(bytes);
    }

    /// <summary>The block made <paramref name="bytes"/> long, its content kept and what is added zero.</summary>
    public static void* Reallocate(void* block, nuint had, nuint bytes)
    {
        if (Linux is { } map && had >= MappedFrom)
        {
            var moved = map.Remap(block, had, bytes, RemapMayMove);
            return (nint)moved == -1 ? throw new InsufficientMemoryException($"Could not map {bytes} bytes.") : moved;
        }

        var grown = Allocate(bytes);
        Buffer.MemoryCopy(block, grown, bytes, had);
        Free(block, had);
        return grown;
    }

    public static void Free(void* block, nuint bytes)
    {
        if (Linux is { } map && bytes >= MappedFrom)
        {
            map.Unmap(block, bytes);
        }
        else
        {
            NativeMemory.Free(block);
        }
    }

    /// <summary>The C library's mapping calls, where it is Linux's.</summary>
    private sealed class Mapping
    {
        public delegate* unmanaged<void*, nuint, int, int, int, nint, void*> Map { get; private init; }

        public delegate* unmanaged<void*, nuint, nuint, int, void*> Remap { get; private init; }

        public delegate* unmanaged<void*, nuint, int> Unmap { get; private init; }

        public static Mapping? Find() =>
            OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var libc)
                && NativeLibrary.TryGetExport(libc, "mmap", out var map)
                && NativeLibrary.TryGetExport(libc, "mremap", out var remap)
                && NativeLibrary.TryGetExport(libc, "munmap", out var unmap)
                ? new Mapping
                {
                    Map = (delegate* unmanaged<void*, nuint, int, int, int, nint, void*>)map,
                    Remap = (delegate* unmanaged<void*, nuint, nuint, int, void*>)remap,
                    Unmap = (delegate* unmanaged<void*, nuint, int>)unmap,
                }
                : null;
    }
}
