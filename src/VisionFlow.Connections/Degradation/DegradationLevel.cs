namespace VisionFlow.Connections.Degradation;

/// <summary>How much of the product works while MCP is in trouble, best first.</summary>
public enum DegradationLevel
{
    /// <summary>Everything on.</summary>
    FullyOperational,

    /// <summary>Agent graph off; knowledge graph and real-time updates on.</summary>
    PartialDegradation,

    /// <summary>Knowledge graph only, no real-time updates, reduced performance.</summary>
    EmergencyMode,

    /// <summary>Minimal functionality.</summary>
    SafeMode,
}
