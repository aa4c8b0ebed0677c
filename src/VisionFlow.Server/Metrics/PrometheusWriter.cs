using System.Buffers;
using System.Globalization;
using System.Text;

namespace VisionFlow.Server.Metrics;

/// <summary>Writes the Prometheus text exposition format (version 0.0.4) into a buffer.</summary>
public sealed class PrometheusWriter(IBufferWriter<byte> output)
{
    /// <summary>Writes the HELP and TYPE lines of a metric family.</summary>
    public void Family(string name, string type, string help)
    {
        Raw($"# HELP {name} {help}\n# TYPE {name} {type}\n");
    }

    /// <summary>Writes one sample without labels.</summary>
    public void Sample(string name, double value) => Raw($"{name} {Format(value)}\n");

    /// <summary>Writes one sample with a single label.</summary>
    public void Sample(string name, string label, string labelValue, double value) =>
        Raw($"{name}{{{label}=\"{Escape(labelValue)}\"}} {Format(value)}\n");

    /// <summary>Writes one sample with two labels.</summary>
    public void Sample(string name, string label1, string value1, string label2, string value2, double value) =>
        Raw($"{name}{{{label1}=\"{Escape(value1)}\",{label2}=\"{Escape(value2)}\"}} {Format(value)}\n");

    /// <summary>Shorthand: a gauge family with one unlabelled sample.</summary>
    public void Gauge(string name, string help, double value)
    {
        Family(name, "gauge", help);
        Sample(name, value);
    }

    /// <summary>Shorthand: a counter family with one unlabelled sample.</summary>
    public void Counter(string name, string help, double value)
    {
        Family(name, "counter", help);
        Sample(name, value);
    }

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Appends pre-formatted exposition text (from a component that writes its own families).</summary>
    public void Raw(string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
