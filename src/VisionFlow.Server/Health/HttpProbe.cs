namespace VisionFlow.Server.Health;

/// <summary>The HTTP surface is up by definition when it is answering this request.</summary>
internal sealed class HttpProbe : ISubsystemProbe
{
    private static readonly SubsystemStatus Status = new("http", SubsystemState.Up, "Kestrel is serving requests");

    public SubsystemStatus Probe() => Status;
}
