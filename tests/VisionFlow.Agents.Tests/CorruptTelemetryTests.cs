using VisionFlow.Agents.Telemetry;

namespace VisionFlow.Agents.Tests;

/// <summary>Bytes corrupted on the wire must not become agents that do not exist.</summary>
public sealed class CorruptTelemetryTests
{
    [Test]
    public async Task Invalid_utf8_in_an_agent_id_is_refused_not_interned()
    {
        var parser = new TelemetryParser();
        var line = "{\"type\":\"agent.status\",\"data\":{\"agent_id\":\"agent-XX1\",\"status\":\"active\"},\"timestamp\":\"2026-11-25T12:00:00Z\"}"u8.ToArray();
        var at = Array.IndexOf(line, (byte)'X');
        line[at] = 0xC3;
        line[at + 1] = 0x28; // an invalid two-byte sequence
        var status = parser.Parse(line, out _);
        await Assert.That(status).IsEqualTo(TelemetryParseStatus.Malformed);
        await Assert.That(parser.AgentIdCount).IsEqualTo(0);
    }

    [Test]
    public async Task Invalid_utf8_in_a_status_is_refused()
    {
        var parser = new TelemetryParser();
        var line = "{\"type\":\"agent.status\",\"data\":{\"agent_id\":\"agent-1\",\"status\":\"acXXve\"}}"u8.ToArray();
        var at = Array.IndexOf(line, (byte)'X');
        line[at] = 0xFF;
        var status = parser.Parse(line, out _);
        await Assert.That(status).IsNotEqualTo(TelemetryParseStatus.Ok);
    }
}
