using VisionFlow.Agents.Intake;
using VisionFlow.Connections.Link;

namespace VisionFlow.Agents.Tests;

/// <summary>Plays the MCP link's part for an intake: writes into the feed it reads a session's listing, its pushed lines, its end.</summary>
internal sealed class Session(TelemetryIntake intake, long id)
{
    /// <summary>An intake reading a feed of its own, with <paramref name="pushBufferBytes"/> for pushed lines.</summary>
    public static TelemetryIntake NewIntake(AgentTelemetryOptions options, TimeProvider time, int pushBufferBytes = 4 * 1024 * 1024) =>
        new(options, time, new McpSessionFeed(pushBufferBytes));

    public long Id { get; } = id;

    /// <summary>Opens session <paramref name="id"/> with <paramref name="listing"/> (no agents when null) and applies it.</summary>
    public static async Task<Session> OpenAsync(TelemetryIntake intake, long id = 1, byte[]? listing = null)
    {
        var applied = intake.Feed.PublishListingAsync(id, listing ?? Wire.List(), CancellationToken.None);
        await intake.ProcessBatchAsync();
        await applied;
        return new Session(intake, id);
    }

    /// <summary>A line pushed by the server in this session.</summary>
    public void Post(byte[] line) => intake.Feed.PublishLine(Id, line);

    /// <summary>A further full listing in this session (a poll); completes once applied, with whether it changed anything.</summary>
    public async Task<bool> ListAsync(byte[] listing)
    {
        var applied = intake.Feed.PublishListingAsync(Id, listing, CancellationToken.None);
        await intake.ProcessBatchAsync();
        return await applied;
    }

    /// <summary>The link lost this session.</summary>
    public void End() => intake.Feed.PublishEnd(Id);
}
