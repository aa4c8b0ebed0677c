namespace VisionFlow.Connections.Resilience;

/// <summary>An immutable reading of retry behaviour across calls through the pipeline.</summary>
/// <param name="TotalRetries">Retries performed (attempts beyond each call's first).</param>
/// <param name="SuccessfulRetries">Calls that succeeded after at least one retry.</param>
/// <param name="FailedRetries">Calls that failed after at least one retry.</param>
/// <param name="AverageAttempts">Attempts per call, averaged over all calls; null before the first call.</param>
/// <param name="MaxAttemptsReached">Calls that failed with every allowed attempt used.</param>
internal sealed record RetryStats(long TotalRetries, long SuccessfulRetries, long FailedRetries, double? AverageAttempts, long MaxAttemptsReached);
