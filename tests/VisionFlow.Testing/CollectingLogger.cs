using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace VisionFlow.Testing;

/// <summary>Keeps every log entry so tests can assert that a reason was logged.</summary>
public sealed class CollectingLogger : ILogger
{
    /// <summary>Every entry logged so far, in order.</summary>
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Entries { get; } = new();

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));

    /// <summary>Whether any entry's message contains <paramref name="text"/>.</summary>
    public bool Contains(string text) => Entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal));
}
