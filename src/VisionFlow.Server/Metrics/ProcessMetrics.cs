using System.Diagnostics;

namespace VisionFlow.Server.Metrics;

/// <summary>Process-level figures operators watch on an edge box: memory, GC, threads, descriptors, uptime.</summary>
internal sealed class ProcessMetrics(Hosting.ServiceClock clock) : IMetricsSource
{
    public void WriteMetrics(PrometheusWriter writer)
    {
        using var process = Process.GetCurrentProcess();
        writer.Gauge("process_resident_memory_bytes", "Resident memory size.", process.WorkingSet64);
        writer.Gauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last GC.", GC.GetGCMemoryInfo().HeapSizeBytes);
        writer.Counter("dotnet_gc_collections_total", "Gen0 collections since start.", GC.CollectionCount(0));
        writer.Gauge("process_threads", "Threads in the process.", process.Threads.Count);
        writer.Gauge("process_open_fds", "Open file descriptors.", OpenDescriptors());
        writer.Gauge("visionflow_uptime_seconds", "Seconds since start.", clock.Uptime.TotalSeconds);
    }

    private static int OpenDescriptors()
    {
        try
        {
            return Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
