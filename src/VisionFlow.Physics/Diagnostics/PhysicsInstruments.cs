using System.Diagnostics.Metrics;
using VisionFlow.Physics.Loop;

namespace VisionFlow.Physics.Diagnostics;

/// <summary>
/// The physics loop's instruments on the <see cref="MeterName"/> meter: the backend in use, steps, step time (median and
/// 99th percentile over the recent steps the loop already keeps), errors and the layout's size. All are observable,
/// read from the loop's immutable status, so a step does no extra work for them.
/// </summary>
/// <remarks>Names map onto the <c>/metrics</c> families the service has always exposed (see <c>McpLinkInstruments</c>).</remarks>
public static class PhysicsInstruments
{
    /// <summary>The physics layer's meter name.</summary>
    public const string MeterName = "VisionFlow.Physics";

    /// <summary>Observes <paramref name="loop"/> on <paramref name="meter"/>.</summary>
    public static void Observe(Meter meter, PhysicsLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        Observe(meter, () => loop.Status);
    }

    /// <summary>
    /// Observes the loop whose status <paramref name="status"/> reads, null while there is no loop yet (the server builds
    /// it after it listens): then nothing is reported rather than zeros.
    /// </summary>
    public static void Observe(Meter meter, Func<PhysicsStatus?> status)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(status);
        meter.CreateObservableGauge("visionflow.physics.backend", () => status() is { } s ? [Backend(s)] : (Measurement<int>[])[], null, "Physics backend in use (1 for the active one).");
        meter.CreateObservableCounter("visionflow.physics.steps", () => Value(status(), s => s.Steps), "{step}", "Physics steps run.");
        // Before the first step there is no step time: nothing is reported rather than a zero.
        meter.CreateObservableGauge("visionflow.physics.step.p50", () => status() is { } s ? StepTime(s, p99: false) : [], "s", "Median physics step time.");
        meter.CreateObservableGauge("visionflow.physics.step.p99", () => status() is { } s ? StepTime(s, p99: true) : [], "s", "99th percentile physics step time.");
        meter.CreateObservableCounter("visionflow.physics.errors", () => Value(status(), s => s.Errors), "{error}", "Physics ticks that failed (an exception, or the Vulkan device lost).");
        meter.CreateObservableUpDownCounter("visionflow.physics.nodes", () => Value(status(), s => s.NodeCount), "{node}", "Nodes in the layout.");
        meter.CreateObservableUpDownCounter("visionflow.physics.edges", () => Value(status(), s => s.EdgeCount), "{edge}", "Edges in the layout.");
    }

    private static Measurement<T>[] Value<T>(PhysicsStatus? status, Func<PhysicsStatus, T> read)
        where T : struct => status is { } s ? [new Measurement<T>(read(s))] : [];

    private static Measurement<int> Backend(PhysicsStatus status) =>
        new(1, new KeyValuePair<string, object?>("backend", status.BackendName),
            new KeyValuePair<string, object?>("device", string.IsNullOrEmpty(status.DeviceName) ? "cpu" : status.DeviceName));

    private static Measurement<double>[] StepTime(PhysicsStatus status, bool p99) =>
        status.Steps == 0 ? [] : [new Measurement<double>((p99 ? status.StepP99Microseconds : status.StepP50Microseconds) / 1e6)]; // base unit: seconds
}
