using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace VisionFlow.Protocol.Dispatch;

/// <summary>Method name → handler map used by JSON-RPC servers; lookups by UTF-8 name do not allocate.</summary>
public sealed class JsonRpcDispatchTable
{
    private const int MaxStackName = 256;
    private readonly Dictionary<string, JsonRpcHandler> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonRpcHandler>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    /// <summary>Creates an empty table.</summary>
    public JsonRpcDispatchTable() => _byChars = _handlers.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Registered method names.</summary>
    public IEnumerable<string> Methods => _handlers.Keys;

    /// <summary>Registers <paramref name="handler"/> for <paramref name="method"/>.</summary>
    /// <exception cref="ArgumentException">The method is already registered.</exception>
    public JsonRpcDispatchTable Add(string method, JsonRpcHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(method, handler))
        {
            throw new ArgumentException($"JSON-RPC method '{method}' is already registered", nameof(method));
        }

        return this;
    }

    /// <summary>Adds every handler of <paramref name="other"/> to this table.</summary>
    public JsonRpcDispatchTable AddRange(JsonRpcDispatchTable other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (method, handler) in other._handlers)
        {
            Add(method, handler);
        }

        return this;
    }

    /// <summary>Finds the handler for a method name.</summary>
    public bool TryGet(string method, [NotNullWhen(true)] out JsonRpcHandler? handler) => _handlers.TryGetValue(method, out handler);

    /// <summary>Finds the handler for a UTF-8 method name without allocating.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8Method, [NotNullWhen(true)] out JsonRpcHandler? handler)
    {
        if (utf8Method.Length > MaxStackName)
        {
            return _handlers.TryGetValue(Encoding.UTF8.GetString(utf8Method), out handler);
        }

        Span<char> chars = stackalloc char[MaxStackName];
        if (!Encoding.UTF8.TryGetChars(utf8Method, chars, out var written))
        {
            handler = null;
            return false;
        }

        return _byChars.TryGetValue(chars[..written], out handler);
    }
}
