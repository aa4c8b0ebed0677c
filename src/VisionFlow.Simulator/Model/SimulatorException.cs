using VisionFlow.Protocol;

namespace VisionFlow.Simulator.Model;

/// <summary>A failed simulator request as the JSON-RPC error it answers with, keeping the <see cref="SimulatorError"/> it came from.</summary>
internal sealed class SimulatorException(SimulatorError error) : JsonRpcException(error.Code, error.Message)
{
    /// <summary>The simulator's own description of the failure.</summary>
    public SimulatorError Error { get; } = error;
}
