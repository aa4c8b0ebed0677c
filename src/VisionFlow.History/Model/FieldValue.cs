using System.Globalization;

namespace VisionFlow.History.Model;

/// <summary>
/// One field's value as recorded: typed, null when unknown. Built from the CLR values the live layers hold (a null
/// nullable is <see cref="FieldType.Null"/>), so a change set maps onto records without conversions of its own.
/// </summary>
public readonly struct FieldValue : IEquatable<FieldValue>
{
    private readonly long _bits;
    private readonly object? _reference;

    private FieldValue(FieldType type, long bits, object? reference)
    {
        Type = type;
        _bits = bits;
        _reference = reference;
    }

    /// <summary>How the value is stored.</summary>
    public FieldType Type { get; }

    /// <summary>Unknown.</summary>
    public static FieldValue Null => default;

    /// <summary>Whether the value is unknown.</summary>
    public bool IsNull => Type == FieldType.Null;

    /// <summary>A boolean.</summary>
    public static FieldValue Of(bool value) => new(value ? FieldType.True : FieldType.False, 0, null);

    /// <summary>An integer.</summary>
    public static FieldValue Of(long value) => new(FieldType.Int, value, null);

    /// <summary>A 32-bit float.</summary>
    public static FieldValue Of(float value) => new(FieldType.Float32, BitConverter.SingleToInt32Bits(value), null);

    /// <summary>A 64-bit float.</summary>
    public static FieldValue Of(double value) => new(FieldType.Float64, BitConverter.DoubleToInt64Bits(value), null);

    /// <summary>Text; null is unknown.</summary>
    public static FieldValue Of(string? value) => value is null ? Null : new(FieldType.Text, 0, value);

    /// <summary>A moment, kept to the microsecond.</summary>
    public static FieldValue Of(DateTimeOffset value) => new(FieldType.Time, Micros.From(value), null);

    /// <summary>A list of texts; null is unknown.</summary>
    public static FieldValue Of(IReadOnlyList<string>? value) => value is null ? Null : new(FieldType.TextList, 0, value);

    /// <summary>A moment from its microseconds since the Unix epoch.</summary>
    public static FieldValue FromMicros(long micros) => new(FieldType.Time, micros, null);

#pragma warning disable CA2225 // the named factories are Of(...)
    /// <summary>A nullable boolean (null is unknown).</summary>
    public static implicit operator FieldValue(bool? value) => value is { } v ? Of(v) : Null;

    /// <summary>A nullable integer.</summary>
    public static implicit operator FieldValue(long? value) => value is { } v ? Of(v) : Null;

    /// <summary>A nullable integer.</summary>
    public static implicit operator FieldValue(int? value) => value is { } v ? Of((long)v) : Null;

    /// <summary>A nullable 32-bit float.</summary>
    public static implicit operator FieldValue(float? value) => value is { } v ? Of(v) : Null;

    /// <summary>A nullable 64-bit float.</summary>
    public static implicit operator FieldValue(double? value) => value is { } v ? Of(v) : Null;

    /// <summary>Text.</summary>
    public static implicit operator FieldValue(string? value) => Of(value);

    /// <summary>A nullable moment.</summary>
    public static implicit operator FieldValue(DateTimeOffset? value) => value is { } v ? Of(v) : Null;
#pragma warning restore CA2225

    /// <summary>The boolean, or null when unknown or of another type.</summary>
    public bool? AsBool => Type switch { FieldType.True => true, FieldType.False => false, _ => null };

    /// <summary>The integer, or null.</summary>
    public long? AsInt => Type == FieldType.Int ? _bits : null;

    /// <summary>The number (either float or an integer) as a double, or null.</summary>
    public double? AsDouble => Type switch
    {
        FieldType.Float32 => BitConverter.Int32BitsToSingle((int)_bits),
        FieldType.Float64 => BitConverter.Int64BitsToDouble(_bits),
        FieldType.Int => _bits,
        _ => null,
    };

    /// <summary>The 32-bit float, or null.</summary>
    public float? AsFloat => Type == FieldType.Float32 ? BitConverter.Int32BitsToSingle((int)_bits) : null;

    /// <summary>The text, or null.</summary>
    public string? AsText => _reference as string;

    /// <summary>The moment, or null.</summary>
    public DateTimeOffset? AsTime => Type == FieldType.Time ? Micros.ToTime(_bits) : null;

    /// <summary>The list of texts, or null.</summary>
    public IReadOnlyList<string>? AsTextList => _reference as IReadOnlyList<string>;

    /// <summary>The raw 64 bits (integer, float bits or microseconds).</summary>
    internal long Bits => _bits;

    /// <inheritdoc />
    public bool Equals(FieldValue other)
    {
        if (Type != other.Type || _bits != other._bits)
        {
            return false;
        }

        return (_reference, other._reference) switch
        {
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (IReadOnlyList<string> a, IReadOnlyList<string> b) => a.SequenceEqual(b, StringComparer.Ordinal),
            (null, null) => true,
            _ => false,
        };
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FieldValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, _bits, _reference is string s ? s.GetHashCode(StringComparison.Ordinal) : 0);

    /// <summary>Equal values.</summary>
    public static bool operator ==(FieldValue left, FieldValue right) => left.Equals(right);

    /// <summary>Different values.</summary>
    public static bool operator !=(FieldValue left, FieldValue right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        FieldType.Null => "null",
        FieldType.True => "true",
        FieldType.False => "false",
        FieldType.Int => _bits.ToString(CultureInfo.InvariantCulture),
        FieldType.Float32 or FieldType.Float64 => AsDouble!.Value.ToString("R", CultureInfo.InvariantCulture),
        FieldType.Text => (string)_reference!,
        FieldType.Time => AsTime!.Value.ToString("O", CultureInfo.InvariantCulture),
        FieldType.TextList => string.Join(",", (IReadOnlyList<string>)_reference!),
        _ => "?",
    };
}
