using System.Reflection;
using System.Text.Json;

namespace Compliance.Engine.Indicators;

/// <summary>How an indicator is kept, in C# and in the database.</summary>
public enum IndicatorKind
{
    /// <summary>Money in yuan, a <see cref="decimal"/>; stored exactly as integer fen.</summary>
    Money,

    /// <summary>A number of borrowers, a <see cref="long"/>; stored as an integer.</summary>
    Count,

    /// <summary>An exact <see cref="decimal"/> of any scale; stored unrounded as text.</summary>
    Exact,
}

/// <summary>Declares a property of <see cref="IndicatorSnapshot"/> an indicator, kept as <see cref="Kind"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IndicatorAttribute(IndicatorKind kind) : Attribute
{
    public IndicatorKind Kind { get; } = kind;

    /// <summary>
    /// Whether the indicator depends on the 口径 (the inclusive ones): the snapshot carries it again under the PBoC
    /// 口径, in <see cref="IndicatorSnapshot.Pboc"/>, and the store in a column of its own, <c>pboc_</c> and its name.
    /// </summary>
    public bool PerScope { get; init; }
}

/// <summary>
/// One indicator of the snapshot, as <see cref="IndicatorSnapshot"/> declares it: what stores and views of a
/// snapshot derive their columns and keys from. Not for the ingest's per-row sums, which stay plain fields.
/// </summary>
public sealed class Indicator
{
    private readonly PropertyInfo _property;

    // The property's accessors as delegates, made once: snapshots are read by the thousand, and reflection's
    // GetValue/SetValue cost far more than a call.
    private readonly Func<IndicatorSnapshot, object?> _get;
    private readonly Action<IndicatorSnapshot, object?> _set;

    private Indicator(PropertyInfo property, IndicatorKind kind, bool perScope)
    {
        _property = property;
        JsonName = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
        Column = JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
        PbocColumn = perScope ? "pboc_" + Column : null;
        Kind = kind;
        var value = kind == IndicatorKind.Count ? typeof(long) : typeof(decimal);
        IsNullable = Nullable.GetUnderlyingType(property.PropertyType) == value;
        Type = IsNullable ? typeof(Nullable<>).MakeGenericType(value) : value;
        if (property.PropertyType != Type || property.SetMethod is null || (IsNullable && perScope))
        {
            throw new InvalidOperationException($"The {kind} indicator {property.Name} must be a settable {value.Name} (or, where it is not per 口径, a {value.Name}?).");
        }

        (_get, _set) = (IsNullable, kind == IndicatorKind.Count) switch
        {
            (false, true) => Accessors<long>(property),
            (true, true) => Accessors<long?>(property),
            (false, false) => Accessors<decimal>(property),
            (true, false) => Accessors<decimal?>(property),
        };
    }

    private static (Func<IndicatorSnapshot, object?>, Action<IndicatorSnapshot, object?>) Accessors<T>(PropertyInfo property)
    {
        var get = property.GetMethod!.CreateDelegate<Func<IndicatorSnapshot, T>>();
        var set = property.SetMethod!.CreateDelegate<Action<IndicatorSnapshot, T>>();
        return (s => get(s), (s, v) => set(s, (T)v!));
    }

    /// <summary>Every indicator, in the order <see cref="IndicatorSnapshot"/> declares them (the order of the JSON keys).</summary>
    public static IReadOnlyList<Indicator> All { get; } = Declare();

    /// <summary>The indicators that depend on the 口径, in the same order: what <see cref="IndicatorSnapshot.Pboc"/> adds.</summary>
    public static IReadOnlyList<Indicator> PerScope { get; } = [.. All.Where(i => i.PbocColumn is not null)];

    /// <summary>The indicators that may be unknown, in the same order: each NULL of theirs marks a snapshot to recompute.</summary>
    public static IReadOnlyList<Indicator> AddedLater { get; } = [.. All.Where(i => i.IsNullable)];

    /// <summary>The property's name, <c>TotalBalance</c>.</summary>
    public string Name => _property.Name;

    /// <summary>The key of the API's JSON, <c>totalBalance</c>.</summary>
    public string JsonName { get; }

    /// <summary>The column of the <c>snapshots</c> table, <c>total_balance</c>.</summary>
    public string Column { get; }

    /// <summary>The column of its PBoC-口径 value (<c>pboc_inclusive_balance</c>), or <c>null</c> where the 口径 changes nothing.</summary>
    public string? PbocColumn { get; }

    public IndicatorKind Kind { get; }

    /// <summary><see cref="long"/> for a count, else <see cref="decimal"/>; nullable where <see cref="IsNullable"/>.</summary>
    public Type Type { get; }

    /// <summary>
    /// Whether the indicator may be unknown (<c>null</c>): one added after snapshots were stored without it, each of
    /// which lacks it until it is recomputed from its loans. Its column is nullable, and that NULL is what marks such a
    /// snapshot. Never an indicator per 口径, whose PBoC column is nullable already.
    /// </summary>
    public bool IsNullable { get; }

    /// <summary>The indicator's value in <paramref name="snapshot"/>, a boxed <see cref="Type"/>; <c>null</c> only where <see cref="IsNullable"/> and unknown.</summary>
    public object? ValueOf(IndicatorSnapshot snapshot) => _get(snapshot);

    /// <summary>
    /// A snapshot of the value of each indicator (a <see cref="Type"/> each), and its PBoC-口径 values from
    /// <paramref name="pbocValueOf"/> where given: <c>null</c> there for any indicator leaves <see cref="IndicatorSnapshot.Pboc"/> null.
    /// </summary>
    public static IndicatorSnapshot Snapshot(Func<Indicator, object?> valueOf, Func<Indicator, object?>? pbocValueOf = null)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        var snapshot = new IndicatorSnapshot();
        foreach (var indicator in All)
        {
            // Set before anyone sees the snapshot: it is immutable once returned.
            indicator._set(snapshot, valueOf(indicator));
        }

        if (pbocValueOf is null)
        {
            return snapshot;
        }

        var pboc = snapshot with { };
        foreach (var indicator in PerScope)
        {
            if (pbocValueOf(indicator) is not { } value)
            {
                return snapshot;
            }

            indicator._set(pboc, value);
        }

        return snapshot with { Pboc = pboc };
    }

    private static List<Indicator> Declare()
    {
        var indicators = new List<Indicator>();
        foreach (var property in typeof(IndicatorSnapshot).GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            if (property.GetCustomAttribute<IndicatorAttribute>() is { } declared)
            {
                indicators.Add(new Indicator(property, declared.Kind, declared.PerScope));
            }
            else if (property.SetMethod is not null && property.Name != nameof(IndicatorSnapshot.Pboc))
            {
                throw new InvalidOperationException($"{nameof(IndicatorSnapshot)}.{property.Name} is stored but not declared an indicator.");
            }
        }

        return indicators;
    }
}
