using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace VisionFlow.Protocol.Dispatch;

/// <summary>Reads a request's <c>params</c> for generated dispatch handlers, mapping every failure to -32602.</summary>
public static class JsonRpcParams
{
    /// <summary>Deserializes required params.</summary>
    /// <exception cref="JsonRpcException">-32602 when params are absent, <c>null</c> or do not match <typeparamref name="T"/>.</exception>
    public static T Read<T>(ReadOnlyMemory<byte> parameters, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (parameters.IsEmpty)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "params required");
        }

        return Deserialize(parameters, typeInfo) ?? throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "params required");
    }

    /// <summary>Deserializes params the method may go without; absent or <c>null</c> params give <c>null</c>.</summary>
    /// <exception cref="JsonRpcException">-32602 when params are present but do not match <typeparamref name="T"/>.</exception>
    public static T? ReadOptional<T>(ReadOnlyMemory<byte> parameters, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return parameters.IsEmpty ? null : Deserialize(parameters, typeInfo);
    }

    private static T? Deserialize<T>(ReadOnlyMemory<byte> parameters, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return JsonSerializer.Deserialize(parameters.Span, typeInfo);
        }
        catch (JsonException e)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, e.Message, e);
        }
    }
}
