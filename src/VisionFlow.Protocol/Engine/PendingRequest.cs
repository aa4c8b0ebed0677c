using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks.Sources;

namespace VisionFlow.Protocol.Engine;

/// <summary>
/// One in-flight request awaiting its response. Whoever removes it from the connection's pending table (response,
/// cancellation or close) completes it, so it completes exactly once without a separate state flag.
/// </summary>
/// <remarks>
/// Two parties hold it: the completer and the caller awaiting <see cref="PendingRequest{TResult}.Task"/>. It returns to
/// the pool only when both are done (a reference count of two), because the caller can observe completion and read the
/// result while the completer is still inside <c>SetResult</c>; recycling on either side alone would let the next
/// request's continuation be signalled by the previous request's completion.
/// </remarks>
internal abstract class PendingRequest
{
    public long Sequence { get; set; }

    public string Method { get; set; } = string.Empty;

    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>The connection whose table holds this request (for the cancellation callback).</summary>
    public JsonRpcConnection? Owner { get; set; }

    /// <summary>Deserializes <paramref name="resultJson"/> and completes the caller (on the read loop); the completer is then done with it.</summary>
    public abstract void Complete(ReadOnlySpan<byte> resultJson);

    /// <summary>Fails the caller; the completer is then done with it.</summary>
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
    private int _references;

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
        p._references = 2;
        return p;
    }

    /// <summary>Returns a request that was never handed to a caller (the connection closed first).</summary>
    public void Discard() => Recycle();

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
            Fail(new JsonRpcException(
                JsonRpcErrorCodes.ParseError, $"The result of '{Method}' could not be read as {typeof(TResult).Name}: {e.Message}", e));
            return;
        }

        _core.SetResult(value!);
        Unref();
    }

    public override void Fail(Exception exception)
    {
        _core.SetException(exception);
        Unref();
    }

    /// <summary>The caller's single read of the result; the caller is then done with it.</summary>
    public TResult GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            // Dispose waits for a running cancellation callback, so that callback never touches a recycled object.
            Registration.Dispose();
            Registration = default;
            Unref();
        }
    }

    private void Unref()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Recycle();
        }
    }

    private void Recycle()
    {
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

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
