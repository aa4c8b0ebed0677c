using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Testing.Interop;

namespace VisionFlow.Interop.Tests;

/// <summary>
/// Answers our generated clients with replies recorded from the real server: each method (each tool, for
/// <c>tools/call</c>) gets its recorded replies in the order they were recorded. Records every call it was asked to make,
/// so a test sees exactly what the product sent.
/// </summary>
internal sealed class ReplayInvoker : IJsonRpcInvoker
{
    private readonly ConcurrentDictionary<string, Queue<RecordedExchange>> _replies = new();

    public ReplayInvoker(params RecordedExchange[] exchanges)
    {
        foreach (var e in exchanges)
        {
            _replies.GetOrAdd(e.Tool ?? e.Method, _ => new Queue<RecordedExchange>()).Enqueue(e);
        }
    }

    /// <summary>What was sent: method (or tool) and its params as JSON.</summary>
    public List<(string Name, string Params)> Sent { get; } = [];

    public ValueTask<TResult> InvokeAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> parametersType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        var name = parameters is McpToolCallParams call ? call.Name : method;
        Sent.Add((name, JsonSerializer.Serialize(parameters, parametersType)));
        return Answer(name, resultType);
    }

    public ValueTask<TResult> InvokeAsync<TResult>(string method, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        Sent.Add((method, "null"));
        return Answer(method, resultType);
    }

    public ValueTask NotifyAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> parametersType, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask NotifyAsync(string method, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    private ValueTask<TResult> Answer<TResult>(string name, JsonTypeInfo<TResult> resultType)
    {
        if (!_replies.TryGetValue(name, out var queue) || queue.Count == 0)
        {
            return ValueTask.FromException<TResult>(new JsonRpcException(JsonRpcErrorCodes.MethodNotFound, $"no recorded reply for {name}"));
        }

        var reply = queue.Dequeue().Reply;
        if (reply.TryGetProperty("error", out var error))
        {
            return ValueTask.FromException<TResult>(new JsonRpcException(error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString()!));
        }

        return ValueTask.FromResult(reply.GetProperty("result").Deserialize(resultType)!);
    }
}
