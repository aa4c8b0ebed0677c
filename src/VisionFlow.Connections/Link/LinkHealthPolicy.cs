using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using VisionFlow.Connections.Degradation;
using VisionFlow.Connections.Failures;
using VisionFlow.Connections.Health;
using VisionFlow.Connections.Resilience;

namespace VisionFlow.Connections.Link;

/// <summary>
/// The one place link events become decisions (YARP's passive health policy, kept apart from the probes and from the
/// state it writes): what moves the degradation level, when the breaker is closed by hand, and when the open session is
/// given up. Each failure is counted once, where it is first seen; a session given up because of it is not a second
/// failure.
/// </summary>
/// <remarks>
/// The breaker itself is fed by the pipelines it sits in (requests, and connection attempts through the reconnector's
/// pipeline); this policy only uses its manual control, as Polly's <c>CircuitBreakerManualControl</c> would be used.
/// </remarks>
internal sealed partial class LinkHealthPolicy(GracefulDegradationManager degradation, McpCircuitBreaker breaker, ILogger logger)
{
    /// <summary>A session opened: the server answered a fresh session, so calls are let through again and recovery may start.</summary>
    public async ValueTask OnSessionOpenedAsync()
    {
        if (breaker.State != CircuitState.Closed)
        {
            await breaker.CloseAsync().ConfigureAwait(false); // forget the failed attempts that led here
        }

        degradation.ReportHealthy();
    }

    /// <summary>A connection attempt failed.</summary>
    public void OnAttemptFailed(McpFailure failure) => degradation.HandleFailure(failure);

    /// <summary>Failures counted so far: taken when a request starts, so its outcome can tell whether it is news.</summary>
    public long FailuresSoFar => degradation.Failures;

    /// <summary>
    /// A request was answered. It says the link works only if no failure was counted since it started
    /// (<paramref name="failuresBefore"/>): an answer that arrived on a connection since lost says nothing about the next one.
    /// </summary>
    public void OnRequestSucceeded(long failuresBefore) => degradation.ReportHealthy(failuresBefore);

    /// <summary>
    /// A request failed; returns whether the failure proves the session's connection gone (the caller then gives the
    /// session up, which counts nothing more). An answer from the server (not found, invalid arguments, a refusal) is a
    /// working link.
    /// </summary>
    public bool OnRequestFailed(McpFailure failure, Exception exception, long failuresBefore)
    {
        if (!failure.IsExpected)
        {
            LogRequestFailedUnexpectedly(logger, exception);
            return false;
        }

        if (failure.IsAnswer)
        {
            degradation.ReportHealthy(failuresBefore);
            return false;
        }

        degradation.HandleFailure(failure);
        return failure.LosesLink;
    }

    /// <summary>A ping the health check's own deadline cut short: the peer did not answer in time, a connection timeout.</summary>
    public void OnPingTimedOut() => degradation.HandleFailure(McpFailureType.ConnectionTimeout);

    /// <summary>
    /// A health check ended. Returns the failure to give the open session up with, or null. Every failed ping was
    /// already counted where it failed (a request failure, or <see cref="OnPingTimedOut"/>), so the loss it leads to moves
    /// the level no further: one timeout is one step down.
    /// </summary>
    public McpFailure? OnHealthChecked(HealthCheckResult result, bool connected)
    {
        if (result.Succeeded)
        {
            // The ping went through the request pipeline, which reported the success already (or found it stale).
            return null;
        }

        // Only a peer that keeps failing pings while we think it is up says something new: a hung peer (its socket open,
        // nothing answered) is found here and nowhere else.
        return result.Failure is { Kind: not McpFailureKind.LinkDown } failure && result.Status == HealthStatus.Unhealthy && connected
            ? failure with { Message = "health checks failing: " + failure.Message }
            : null;
    }

    /// <summary>The open session's connection closed: the first news of it, counted here.</summary>
    public void OnConnectionClosed(McpFailure failure) => degradation.HandleFailure(failure);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Error, Message = "MCP request failed unexpectedly")]
    private static partial void LogRequestFailedUnexpectedly(ILogger logger, Exception exception);
}
