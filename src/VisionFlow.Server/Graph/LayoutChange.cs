namespace VisionFlow.Server.Graph;

/// <summary>What a build of the graph meant for physics (<see cref="PhysicsFeed.Hand"/>).</summary>
internal enum LayoutChange
{
    /// <summary>The same nodes, edges and weights: physics was not called.</summary>
    None,

    /// <summary>Only edge weights moved: physics got those weights, by node ids.</summary>
    Weights,

    /// <summary>Nodes or edges came or went: physics got the new topology.</summary>
    Topology,
}
