namespace Compliance.Data;

/// <summary>A page of a list: <see cref="Number"/> counts from 1.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Number, int Size, long Total);

/// <summary>Which page of a list to read.</summary>
public readonly record struct PageRequest(int Number, int Size)
{
    public int Skip => (Number - 1) * Size;

    public int Take => Size;
}
