namespace VisionFlow.Protocol.Contracts;

/// <summary>
/// Marks an interface as a JSON-RPC contract. The VisionFlow generator emits, for each contract <c>IFoo</c>:
/// <c>FooMethods</c> (method-name constants), <c>FooClient</c> (a typed client over <see cref="IJsonRpcInvoker"/>)
/// and <c>FooDispatch</c> (a server-side <see cref="Dispatch.JsonRpcDispatchTable"/> over an implementation).
/// </summary>
/// <param name="serializerContext">
/// The <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> that must declare every parameter and
/// result type of the contract's methods; serialization goes through it, never through reflection.
/// </param>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class JsonRpcContractAttribute(Type serializerContext) : Attribute
{
    /// <summary>The source-generated serializer context for the contract's types.</summary>
    public Type SerializerContext { get; } = serializerContext;

    /// <summary>
    /// Emits <c>FooMethods</c> public even when the contract is internal: the wire names are shared with code on the other
    /// side of the wire (a server of the same dialect, a tool that lists its methods) that has no use for the typed client.
    /// </summary>
    public bool PublicMethodNames { get; init; }
}
