namespace VisionFlow.Physics.Loop;

/// <summary>A node put somewhere by hand (<see cref="PhysicsLoop.MoveNode"/>), optionally pinned or unpinned there.</summary>
internal readonly record struct NodeMove(float X, float Y, float Z, bool? Pinned);
