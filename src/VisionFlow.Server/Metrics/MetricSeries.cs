namespace VisionFlow.Server.Metrics;

/// <summary>
/// The series of one pushed instrument, one cell per distinct set of tags. Finding a cell reads an array that is only
/// ever replaced (copy on write), so recording takes no lock once a series exists; new series are added under a lock.
/// </summary>
/// <remarks>
/// Tags are matched whatever their order. Past <see cref="MaxSeries"/> distinct sets (a defect, or a peer naming
/// endless tools) measurements go to one overflow series tagged <c>otel.metric.overflow="true"</c>, as the OpenTelemetry
/// SDK does, instead of growing without bound.
/// </remarks>
internal sealed class MetricSeries<TCell>(Func<TCell> create)
    where TCell : class
{
    public const int MaxSeries = 1000;

    private static readonly KeyValuePair<string, object?>[] OverflowTags = [new("otel.metric.overflow", true)];
    private readonly Lock _gate = new();
    private Entry[] _entries = [];

    /// <summary>The series so far, in the order they first appeared.</summary>
    public Entry[] Entries => Volatile.Read(ref _entries);

    /// <summary>The cell for <paramref name="tags"/>, made on first use.</summary>
    public TCell Get(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var entry in Volatile.Read(ref _entries))
        {
            if (entry.Matches(tags))
            {
                return entry.Cell;
            }
        }

        return Add(tags);
    }

    private TCell Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (entry.Matches(tags))
                {
                    return entry.Cell;
                }
            }

            if (_entries.Length >= MaxSeries)
            {
                foreach (var entry in _entries)
                {
                    if (entry.Matches(OverflowTags))
                    {
                        return entry.Cell;
                    }
                }

                tags = OverflowTags;
            }

            var added = new Entry(tags.ToArray(), PrometheusWriter.Labels(tags), create());
            Volatile.Write(ref _entries, [.. _entries, added]);
            return added.Cell;
        }
    }

    /// <summary>One series: its tags, its rendered labels and its cell.</summary>
    internal sealed class Entry(KeyValuePair<string, object?>[] tags, string labels, TCell cell)
    {
        public string Labels { get; } = labels;

        public TCell Cell { get; } = cell;

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> other)
        {
            if (other.Length != tags.Length)
            {
                return false;
            }

            foreach (var tag in other)
            {
                if (!Contains(tag))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Contains(KeyValuePair<string, object?> tag)
        {
            foreach (var own in tags)
            {
                if (string.Equals(own.Key, tag.Key, StringComparison.Ordinal))
                {
                    return ReferenceEquals(own.Value, tag.Value) || Equals(own.Value, tag.Value);
                }
            }

            return false;
        }
    }
}
