namespace VisionFlow.Protocol.Contracts;

/// <summary>
/// Binds a contract method to a JSON-RPC method name. Supported shapes: <c>ValueTask&lt;TResult&gt; M([TParams p], [CancellationToken ct])</c>
/// for requests, and <c>ValueTask M([TParams p], [CancellationToken ct])</c> with <see cref="IsNotification"/> set for notifications.
/// </summary>
/// <param name="name">The JSON-RPC method name on the wire, e.g. <c>agent.spawn</c> or <c>tools/call</c>.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class JsonRpcMethodAttribute(string name) : Attribute
{
    /// <summary>The wire name.</summary>
    public string Name { get; } = name;

    /// <summary>True when the method is sent as a notification (no id, no response).</summary>
    public bool IsNotification { get; init; }
}
