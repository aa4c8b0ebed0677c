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
}
