namespace VisionFlow.Connections.Resilience;

/// <summary>An immutable reading of calls through the pipeline (<c>network_stats</c> of the network health contract).</summary>
/// <param name="TotalRequests">Calls made.</param>
/// <param name="SuccessfulRequests">Calls that returned a result.</param>
/// <param name="FailedRequests">Calls that ended in an exception (transport failure, timeout, rejection or application error).</param>
/// <param name="RejectedRequests">Of the failed, those the open circuit rejected without calling.</param>
/// <param name="ApplicationErrors">Of the failed, those that were errors answered by the server (not retried, not counted by the breaker).</param>
/// <param name="LastSuccessfulRequest">When a call last succeeded; null before the first.</param>
/// <param name="AverageResponseTimeMs">Mean duration of successful calls, retries included.</param>
internal sealed record RequestStats(
    long TotalRequests,
    long SuccessfulRequests,
    long FailedRequests,
    long RejectedRequests,
    long ApplicationErrors,
    DateTimeOffset? LastSuccessfulRequest,
    double AverageResponseTimeMs)
{
    /// <summary>Failed over total, in [0, 1].</summary>
    public double ErrorRate => TotalRequests == 0 ? 0 : (double)FailedRequests / TotalRequests;
}
