using System.Buffers;
using System.Globalization;
using System.Text;

namespace VisionFlow.Server.Metrics;

/// <summary>Writes the Prometheus text exposition format (version 0.0.4) as UTF-8 into a buffer.</summary>
internal sealed class PrometheusWriter(IBufferWriter<byte> output)
{
    /// <summary>Writes the HELP and TYPE lines of a metric family.</summary>
    public void Family(string name, string type, string? help)
    {
        Text("# HELP ");
        Text(name);
        if (!string.IsNullOrEmpty(help))
        {
            output.Write(" "u8);
            Text(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));
        }

        Text("\n# TYPE ");
        Text(name);
        output.Write(" "u8);
        Text(type);
        output.Write("\n"u8);
    }

    /// <summary>
    /// Writes one sample: <paramref name="name"/> and <paramref name="suffix"/> (<c>_bucket</c>, <c>_sum</c>, …), the
    /// pre-rendered <paramref name="labels"/> (<c>a="x",b="y"</c>, see <see cref="Label"/>), an optional <c>le</c> bound.
    /// </summary>
    public void Sample(string name, string suffix, string labels, string? le, double value)
    {
        Text(name);
        Text(suffix);
        if (labels.Length > 0 || le is not null)
        {
            output.Write("{"u8);
            Text(labels);
            if (le is not null)
            {
                if (labels.Length > 0)
                {
                    output.Write(","u8);
                }

                output.Write("le=\""u8);
                Text(le);
                output.Write("\""u8);
            }

            output.Write("}"u8);
        }

        output.Write(" "u8);
        Number(value);
        output.Write("\n"u8);
    }

    /// <summary>Renders tags as Prometheus labels, sorted by name: <c>a="x",b="y"</c>.</summary>
    public static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }

        var sorted = tags.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var labels = new string[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            labels[i] = Label(sorted[i].Key, sorted[i].Value switch
            {
                null => string.Empty,
                string s => s,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString() ?? string.Empty,
            });
        }

        return string.Join(',', labels);
    }

    /// <summary>Renders one label, its name made legal (<c>error.type</c> → <c>error_type</c>) and its value escaped.</summary>
    public static string Label(string name, string value) =>
        $"{Name(name)}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"";

    /// <summary>A metric or label name with every character Prometheus does not allow replaced by <c>_</c>.</summary>
    public static string Name(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (!(char.IsAsciiLetter(c) || c == '_' || (i > 0 && char.IsAsciiDigit(c))))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    /// <summary>A bucket bound or value as Prometheus reads it (<c>+Inf</c>, <c>NaN</c>, shortest round-trip form).</summary>
    public static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private void Number(double value)
    {
        if (!double.IsFinite(value))
        {
            Text(Format(value));
            return;
        }

        var span = output.GetSpan(32);
        if (!value.TryFormat(span, out var written, "R", CultureInfo.InvariantCulture))
        {
            Text(Format(value));
            return;
        }

        output.Advance(written);
    }

    private void Text(string text) => Encoding.UTF8.GetBytes(text.AsSpan(), output);
}
