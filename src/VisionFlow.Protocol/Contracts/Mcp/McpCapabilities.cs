using System.Text.Json;

namespace VisionFlow.Protocol.Contracts.Mcp;

/// <summary>Capabilities either side announces in <c>initialize</c>; each member is free-form JSON and present when supported.</summary>
public sealed record McpCapabilities
{
    /// <summary>Server: tools are offered (<c>{listChanged}</c>).</summary>
    public JsonElement? Tools { get; init; }

    /// <summary>Server: resources are offered.</summary>
    public JsonElement? Resources { get; init; }

    /// <summary>Server: prompts are offered.</summary>
    public JsonElement? Prompts { get; init; }

    /// <summary>Server: log messages can be sent.</summary>
    public JsonElement? Logging { get; init; }

    /// <summary>Client: roots can be listed.</summary>
    public JsonElement? Roots { get; init; }

    /// <summary>Client: sampling is supported.</summary>
    public JsonElement? Sampling { get; init; }

    /// <summary>Non-standard capabilities.</summary>
    public JsonElement? Experimental { get; init; }
}
