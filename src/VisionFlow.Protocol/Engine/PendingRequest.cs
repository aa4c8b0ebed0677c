using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks.Sources;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// One in-flight request awaiting its response. Whoever removes it from the connection's pending table (response,
/// cancellation or close) completes it, so it completes exactly once without a separate state flag.
/// </summary>
internal abstract class PendingRequest
{
    public long Sequence { get; set; }

    public string Method { get; set; } = string.Empty;

    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>The connection whose table holds this request (for the cancellation callback).</summary>
    public JsonRpcConnection? Owner { get; set; }

    /// <summary>Deserializes <paramref name="resultJson"/> and completes the caller (on the read loop).</summary>
    public abstract void Complete(ReadOnlySpan<byte> resultJson);

    public abstract void Fail(Exception exception);
}

/// <summary>A pooled, reusable <see cref="IValueTaskSource{TResult}"/> for results of type <typeparamref name="TResult"/>.</summary>
internal sealed class PendingRequest<TResult> : PendingRequest, IValueTaskSource<TResult>
{
    private const int MaxPooled = 256;
    private static readonly Stack<PendingRequest<TResult>> Pool = new();

    // Continuations run on the thread pool so a caller never runs on (and never stalls) the connection's read loop.
    private ManualResetValueTaskSourceCore<TResult> _core = new() { RunContinuationsAsynchronously = true };
    private JsonTypeInfo<TResult>? _resultType;

    public ValueTask<TResult> Task => new(this, _core.Version);

    public static PendingRequest<TResult> Rent(JsonTypeInfo<TResult> resultType, long sequence, string method)
    {
        PendingRequest<TResult>? p = null;
        lock (Pool)
        {
            Pool.TryPop(out p);
        }

        p ??= new PendingRequest<TResult>();
        p._resultType = resultType;
        p.Sequence = sequence;
        p.Method = method;
        return p;
    }

    /// <summary>Called by the awaiting caller once it has the result: unhooks cancellation and recycles the object.</summary>
    public void Release()
    {
        // Dispose waits for a running cancellation callback, so nothing touches this object after it is pooled.
        Registration.Dispose();
        Registration = default;
        Owner = null;
        _resultType = null;
        Method = string.Empty;
        _core.Reset();
        lock (Pool)
        {
            if (Pool.Count < MaxPooled)
            {
                Pool.Push(this);
            }
        }
    }

    public override void Complete(ReadOnlySpan<byte> resultJson)
    {
        TResult? value;
        try
        {
            value = JsonSerializer.Deserialize(resultJson, _resultType!);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            // A result that does not fit the expected type fails this caller only, never the read loop.
            _core.SetException(new JsonRpcException(
                JsonRpcErrorCodes.ParseError, $"The result of '{Method}' could not be read as {typeof(TResult).Name}: {e.Message}", e));
            return;
        }

        _core.SetResult(value!);
    }

    public override void Fail(Exception exception) => _core.SetException(exception);

    public TResult GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
