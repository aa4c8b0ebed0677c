using System.Net.Sockets;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Pooling;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Dialects;
using VisionFlow.Protocol.Engine;

namespace VisionFlow.Connections.Tests;

/// <summary>The one classifier: every failure the MCP side can produce gets one kind, and each kind one meaning for retry, link, degradation.</summary>
public sealed class FailureClassifierTests
{
    public static IEnumerable<Func<(Exception Error, McpFailureKind Kind)>> Cases()
    {
        yield return () => (new ConnectException(ConnectFailureKind.Refused, "h", 1, null), McpFailureKind.Refused);
        yield return () => (new ConnectException(ConnectFailureKind.Timeout, "h", 1, null), McpFailureKind.Timeout);
        yield return () => (new ConnectException(ConnectFailureKind.HostNotFound, "h", 1, null), McpFailureKind.HostNotFound);
        yield return () => (new ConnectException(ConnectFailureKind.Unreachable, "h", 1, null), McpFailureKind.Unreachable);
        yield return () => (new TimeoutRejectedException(), McpFailureKind.Timeout);
        yield return () => (new TimeoutException(), McpFailureKind.Timeout);
        yield return () => (new BrokenCircuitException(), McpFailureKind.CircuitOpen);
        yield return () => (new PoolExhaustedException(), McpFailureKind.PoolExhausted);
        yield return () => (new SocketException((int)SocketError.ConnectionReset), McpFailureKind.Reset);
        yield return () => (new SocketException((int)SocketError.ConnectionRefused), McpFailureKind.Refused);
        yield return () => (new JsonRpcConnectionClosedException(JsonRpcCloseReason.PeerClosed, "eof"), McpFailureKind.Closed);
        yield return () => (new JsonRpcConnectionClosedException(JsonRpcCloseReason.LineTooLong, "too long"), McpFailureKind.Protocol);
        yield return () => (new JsonRpcConnectionClosedException(JsonRpcCloseReason.TransportError, "x", new SocketException((int)SocketError.ConnectionReset)), McpFailureKind.Reset);
        yield return () => (new IOException("broken pipe"), McpFailureKind.Closed);
        yield return () => (new JsonRpcException(JsonRpcErrorCodes.InternalError, "send failed", new IOException("x")), McpFailureKind.Closed);
        yield return () => (new McpAuthenticationException("refused"), McpFailureKind.Authentication);
        yield return () => (new McpUnavailableException("down", new McpFailure(McpFailureKind.Refused, "x")), McpFailureKind.LinkDown);
        yield return () => (new OperationNotOfferedException("no"), McpFailureKind.NotOffered);
        yield return () => (new JsonRpcException(JsonRpcErrorCodes.MethodNotFound, "nope"), McpFailureKind.NotOffered);
        yield return () => (new ToolFailedException("agent_status", "Agent not found", notFound: true), McpFailureKind.NotFound);
        yield return () => (new ToolFailedException("swarm_init", "bad topology", notFound: false), McpFailureKind.Refusal);
        yield return () => (new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "bad"), McpFailureKind.InvalidParams);
        yield return () => (new JsonRpcException(VisionFlow.Protocol.Contracts.Plain.PlainErrorCodes.UnknownAgent, "Agent not found: x"), McpFailureKind.NotFound);
        // A server error that merely mentions authentication is still just a server error: no message matching.
        yield return () => (new JsonRpcException(JsonRpcErrorCodes.ServerError, "Authentication failed"), McpFailureKind.ServerError);
        yield return () => (new OperationCanceledException(), McpFailureKind.Cancelled);
        yield return () => (new InvalidOperationException("a defect"), McpFailureKind.Unexpected);
    }

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task Each_failure_has_one_kind(Exception error, McpFailureKind kind)
    {
        var failure = FailureClassifier.Classify(error);
        await Assert.That(failure.Kind).IsEqualTo(kind);
        await Assert.That(failure.Message).IsNotEmpty();
        await Assert.That(failure.Message).DoesNotContain("\n");
        await Assert.That(FailureClassifier.IsTransient(error)).IsEqualTo(failure.IsTransient);
    }

    [Test]
    public async Task Transport_trouble_is_transient_and_answers_never_are()
    {
        foreach (var kind in new[] { McpFailureKind.Refused, McpFailureKind.Timeout, McpFailureKind.Reset, McpFailureKind.Closed, McpFailureKind.PoolExhausted })
        {
            await Assert.That(new McpFailure(kind, "x").IsTransient).IsTrue();
        }

        foreach (var kind in new[] { McpFailureKind.NotOffered, McpFailureKind.NotFound, McpFailureKind.Refusal, McpFailureKind.InvalidParams,
                     McpFailureKind.ServerError, McpFailureKind.CircuitOpen, McpFailureKind.LinkDown, McpFailureKind.Cancelled, McpFailureKind.Authentication })
        {
            await Assert.That(new McpFailure(kind, "x").IsTransient).IsFalse();
        }
    }

    [Test]
    public async Task Degradation_triggers_follow_the_contract()
    {
        await Assert.That(new McpFailure(McpFailureKind.Timeout, "x").DegradationTrigger).IsEqualTo(McpFailureType.ConnectionTimeout);
        await Assert.That(new McpFailure(McpFailureKind.Refused, "x").DegradationTrigger).IsEqualTo(McpFailureType.ServiceUnavailable);
        await Assert.That(new McpFailure(McpFailureKind.Reset, "x").DegradationTrigger).IsEqualTo(McpFailureType.ServiceUnavailable);
        await Assert.That(new McpFailure(McpFailureKind.Authentication, "x").DegradationTrigger).IsEqualTo(McpFailureType.AuthenticationFailure);
        // Answers from the server and our own refusals say nothing new about the peer.
        await Assert.That(new McpFailure(McpFailureKind.NotFound, "x").DegradationTrigger).IsNull();
        await Assert.That(new McpFailure(McpFailureKind.LinkDown, "x").DegradationTrigger).IsNull();
        await Assert.That(new McpFailure(McpFailureKind.CircuitOpen, "x").DegradationTrigger).IsNull();
    }

    [Test]
    public async Task A_slow_answer_degrades_but_does_not_drop_the_link()
    {
        await Assert.That(new McpFailure(McpFailureKind.Timeout, "x").LosesLink).IsFalse();
        await Assert.That(new McpFailure(McpFailureKind.Reset, "x").LosesLink).IsTrue();
        await Assert.That(new McpFailure(McpFailureKind.Authentication, "x").LosesLink).IsTrue();
    }
}
