namespace VisionFlow.Physics.Loop;

/// <summary>What <see cref="LayoutInbox.TryTake"/> took: a topology, then weights (by <see cref="LayoutInbox.EdgeKey"/>), then moves.</summary>
internal readonly record struct InboxItems(TopologySubmission? Topology, Dictionary<ulong, float> Weights, Dictionary<uint, NodeMove> Moves, bool Resume);
