using VisionFlow.Agents.Intake;

namespace VisionFlow.Agents.Tests;

/// <summary>Plays the MCP link's part for an intake: opens a session with a listing, pushes lines in it, ends it.</summary>
internal sealed class Session(TelemetryIntake intake, long id)
{
    public long Id { get; } = id;

    /// <summary>Opens session <paramref name="id"/> with <paramref name="listing"/> (no agents when null) and applies it.</summary>
    public static async Task<Session> OpenAsync(TelemetryIntake intake, long id = 1, byte[]? listing = null)
    {
        var applied = intake.ApplyListingAsync(id, listing ?? Wire.List(), CancellationToken.None);
        await intake.ProcessBatchAsync();
        await applied;
        return new Session(intake, id);
    }

    /// <summary>A line pushed by the server in this session.</summary>
    public void Post(byte[] line) => intake.OnPushLine(Id, line);

    /// <summary>A further full listing in this session (a poll); completes once applied, with whether it changed anything.</summary>
    public async Task<bool> ListAsync(byte[] listing)
    {
        var applied = intake.ApplyListingAsync(Id, listing, CancellationToken.None);
        await intake.ProcessBatchAsync();
        return await applied;
    }

    /// <summary>The link lost this session.</summary>
    public void End() => intake.EndSession(Id);
}
