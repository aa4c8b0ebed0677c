using System.Diagnostics;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Metrics;

/// <summary>Process-level figures operators watch on an edge box: memory, GC, threads, descriptors, uptime.</summary>
internal sealed class ProcessMetrics(ServiceClock clock) : IMetricsSource
{
    public void WriteMetrics(PrometheusWriter writer)
    {
        using var process = Process.GetCurrentProcess();
        writer.Gauge("process_resident_memory_bytes", "Resident memory size.", process.WorkingSet64);
        var gc = GC.GetGCMemoryInfo();
        writer.Gauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last GC.", gc.HeapSizeBytes);
        writer.Gauge("dotnet_gc_committed_bytes", "Memory the GC has committed.", gc.TotalCommittedBytes);
        writer.Gauge("dotnet_gc_fragmented_bytes", "Free space inside the heap after the last GC.", gc.FragmentedBytes);

        // The large object heap is where unpooled big buffers go; its size growing over time is the usual leak signature.
        writer.Gauge("dotnet_gc_loh_size_bytes", "Large object heap size after the last GC.", gc.GenerationInfo.Length > 3 ? gc.GenerationInfo[3].SizeAfterBytes : 0);
        writer.Counter("dotnet_gc_allocated_bytes_total", "Bytes allocated since start.", GC.GetTotalAllocatedBytes());
        writer.Counter("dotnet_gc_collections_total", "Gen0 collections since start.", GC.CollectionCount(0));
        writer.Counter("dotnet_gc_gen2_collections_total", "Gen2 (full) collections since start.", GC.CollectionCount(2));
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
