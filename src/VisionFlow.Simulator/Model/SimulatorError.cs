using VisionFlow.Protocol;

namespace VisionFlow.Simulator.Model;

/// <summary>A failed simulator operation: its kind and a message meant for people.</summary>
public readonly record struct SimulatorError(SimulatorErrorKind Kind, string Message)
{
    /// <summary>The JSON-RPC error code for this error.</summary>
    public int Code => SimulatorErrorCodes.For(Kind);

    /// <summary>This error as the exception a JSON-RPC handler throws to answer with an error object.</summary>
    public JsonRpcException ToException() => new SimulatorException(this);

    internal static SimulatorError Invalid(string message) => new(SimulatorErrorKind.InvalidArguments, message);
}
