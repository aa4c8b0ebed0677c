namespace VisionFlow.Server.Metrics;

/// <summary>A component that contributes metric families to <c>/metrics</c>; reads snapshots, never locks hot paths.</summary>
public interface IMetricsSource
{
    /// <summary>Writes this component's metric families.</summary>
    void WriteMetrics(PrometheusWriter writer);
}
