using Microsoft.Extensions.Time.Testing;
using VisionFlow.History.Recording;

namespace VisionFlow.History.Tests;

/// <summary>A recorder on a fresh folder and a fake clock; <see cref="TickAsync"/> moves the clock one flush interval and
/// waits until what was recorded is on disk.</summary>
internal sealed class HistoryFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 3, 0, 0, TimeSpan.Zero);

    private HistoryFixture(string directory)
    {
        Directory = directory;
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public string Directory { get; }

    public HistoryRecorder Recorder { get; private set; } = null!;

    public HistoryRecorderOptions Options { get; private set; } = null!;

    public static HistoryFixture Create(Func<HistoryRecorderOptions, HistoryRecorderOptions>? configure = null, string? directory = null)
    {
        var dir = directory ?? Path.Combine(Path.GetTempPath(), "vf-history-tests", Guid.NewGuid().ToString("N"));
        var fixture = new HistoryFixture(dir);
        fixture.Open(configure);
        return fixture;
    }

    public void Open(Func<HistoryRecorderOptions, HistoryRecorderOptions>? configure = null)
    {
        var options = new HistoryRecorderOptions { Directory = Directory };
        Options = configure?.Invoke(options) ?? options;
        Recorder = new HistoryRecorder(Options, Time);
    }

    public async Task ReopenAsync()
    {
        await Recorder.DisposeAsync();
        Open(o => Options);
    }

    public async Task TickAsync(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Time.Advance(Options.FlushInterval);
        }

        await Recorder.FlushAsync();
    }

    /// <summary>Moves the clock by <paramref name="by"/> and waits for the writer to have taken the frames that sealed
    /// (a fake clock runs flush ticks faster than any disk; a real one gives the writer a second per tick).</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await Recorder.WhenWrittenAsync();
    }

    public IEnumerable<string> Segments() => System.IO.Directory.EnumerateFiles(Directory, "*.vfh").Order(StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await Recorder.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
