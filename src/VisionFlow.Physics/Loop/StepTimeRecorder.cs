namespace VisionFlow.Physics.Loop;

/// <summary>
/// Fixed ring of recent step durations. Percentiles are computed into preallocated scratch, and only again once
/// <see cref="RefreshEvery"/> steps have been recorded since: the status is published with every position frame (60 a
/// second), and sorting 512 durations each time was a visible share of a small layout's CPU (issue 23).
/// </summary>
internal sealed class StepTimeRecorder
{
    /// <summary>Steps recorded before the percentiles are computed again.</summary>
    internal const int RefreshEvery = 64;

    private readonly double[] _ring;
    private readonly double[] _scratch;
    private int _next;
    private int _count;
    private int _sinceComputed = -1; // -1: never computed
    private (double P50, double P99) _last;

    public StepTimeRecorder(int capacity = 512)
    {
        _ring = new double[capacity];
        _scratch = new double[capacity];
    }

    public void Record(TimeSpan elapsed)
    {
        _ring[_next] = elapsed.TotalMicroseconds;
        _next = (_next + 1) % _ring.Length;
        if (_count < _ring.Length) _count++;
        if (_sinceComputed >= 0) _sinceComputed++;
    }

    public (double P50, double P99) Percentiles()
    {
        if (_count == 0) return (0, 0);
        if (_sinceComputed >= 0 && _sinceComputed < Math.Min(RefreshEvery, Math.Max(1, _count / 8))) return _last;
        var span = _scratch.AsSpan(0, _count);
        _ring.AsSpan(0, _count).CopyTo(span);
        span.Sort();
        _last = (span[(int)Math.Round(0.50 * (_count - 1))], span[(int)Math.Round(0.99 * (_count - 1))]);
        _sinceComputed = 0;
        return _last;
    }
}
