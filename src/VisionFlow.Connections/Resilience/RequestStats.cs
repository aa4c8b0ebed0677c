namespace VisionFlow.Connections.Resilience;

/// <summary>An immutable reading of calls through the pipeline (<c>network_stats</c> of the network health contract).</summary>
/// <param name="TotalRequests">Calls made.</param>
/// <param name="SuccessfulRequests">Calls the server answered: with a result, or with an error of its own (not found, invalid arguments, a tool's refusal), which is a working round trip.</param>
/// <param name="FailedRequests">Calls the link failed: a transport failure, a timeout, a rejection by the open circuit, a cancellation.</param>
/// <param name="RejectedRequests">Of the failed, those the open circuit rejected without calling.</param>
/// <param name="ApplicationErrors">Of the successful, those the server answered with an error (not retried, not counted against the breaker).</param>
/// <param name="LastSuccessfulRequest">When a call last succeeded; null before the first.</param>
/// <param name="AverageResponseTimeMs">Mean duration of answered calls, retries included.</param>
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
