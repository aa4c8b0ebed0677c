namespace VisionFlow.Physics.Loop;

/// <summary>Fixed ring of recent step durations; percentiles are computed on demand into preallocated scratch.</summary>
internal sealed class StepTimeRecorder
{
    private readonly double[] _ring;
    private readonly double[] _scratch;
    private int _next;
    private int _count;

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
    }

    public (double P50, double P99) Percentiles()
    {
        if (_count == 0) return (0, 0);
        var span = _scratch.AsSpan(0, _count);
        _ring.AsSpan(0, _count).CopyTo(span);
        span.Sort();
        return (span[(int)Math.Round(0.50 * (_count - 1))], span[(int)Math.Round(0.99 * (_count - 1))]);
    }
}
