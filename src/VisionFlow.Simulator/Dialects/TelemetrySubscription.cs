using System.Text.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Dialects;

/// <summary>A parsed <c>telemetry.subscribe</c> request: which event types, at which interval.</summary>
public readonly record struct TelemetrySubscription(TelemetryEvents Events, TimeSpan Interval, IReadOnlyList<string> Patterns)
{
    /// <summary>Event type names the simulator pushes, matched by the subscription's globs.</summary>
    public static IReadOnlyList<string> EventTypes { get; } =
        ["agent.spawned", "agent.terminated", "agent.status", "message.flow", "metrics.system", "metrics.swarm"];

    private static readonly TelemetryEvents[] EventTypeFlags =
        [TelemetryEvents.AgentSpawned, TelemetryEvents.AgentTerminated, TelemetryEvents.AgentStatus, TelemetryEvents.MessageFlow, TelemetryEvents.Metrics, TelemetryEvents.Metrics];

    /// <summary>Default when <c>events</c> is absent: everything, at the seed's 100 ms.</summary>
    public static TelemetrySubscription Default { get; } = new(TelemetryEvents.All, TimeSpan.FromMilliseconds(100), ["*"]);

    /// <summary>Parses <c>{"events": ["agent.*", …], "interval_ms": 100}</c> (both optional).</summary>
    public static bool TryParse(ReadOnlySpan<byte> paramsJson, out TelemetrySubscription subscription, out SimulatorError error)
    {
        subscription = Default;
        if (!Args.TryParse(paramsJson, out var doc, out error))
        {
            return false;
        }

        using (doc)
        {
            return TryParse(doc.RootElement, out subscription, out error);
        }
    }

    /// <summary>Parses the subscription from an already parsed params object.</summary>
    public static bool TryParse(JsonElement args, out TelemetrySubscription subscription, out SimulatorError error)
    {
        subscription = Default;
        var a = new Args(args);
        if (!a.TryGetStringArray("events", required: false, out var patterns, out error)
            || !a.TryGetNumber("interval_ms", required: false, min: 1, max: 60_000, out var intervalMs, out error))
        {
            return false;
        }

        var events = TelemetryEvents.None;
        if (patterns is null)
        {
            patterns = ["*"];
            events = TelemetryEvents.All;
        }

        foreach (var pattern in patterns)
        {
            var matched = TelemetryEvents.None;
            for (var i = 0; i < EventTypes.Count; i++)
            {
                if (GlobMatches(pattern, EventTypes[i]))
                {
                    matched |= EventTypeFlags[i];
                }
            }

            if (matched == TelemetryEvents.None)
            {
                error = SimulatorError.Invalid($"events pattern '{pattern}' matches no telemetry event type ({string.Join(", ", EventTypes)})");
                return false;
            }

            events |= matched;
        }

        subscription = new TelemetrySubscription(events, TimeSpan.FromMilliseconds(intervalMs ?? 100), patterns);
        return true;
    }

    /// <summary>Matches <paramref name="text"/> against a glob where <c>*</c> is any run of characters.</summary>
    public static bool GlobMatches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
