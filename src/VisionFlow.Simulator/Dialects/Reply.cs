using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Dialects;

/// <summary>A request handler's outcome: its result, or the error that fails the request.</summary>
internal readonly struct Reply<T>
    where T : class
{
    private Reply(T? value, SimulatorError error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The result, or null when the request failed.</summary>
    public T? Value { get; }

    /// <summary>Why the request failed (default when it succeeded).</summary>
    public SimulatorError Error { get; }

    public static implicit operator Reply<T>(T value) => new(value, default);

    public static implicit operator Reply<T>(SimulatorError error) => new(null, error);
}
