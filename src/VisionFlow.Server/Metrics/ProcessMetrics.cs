using System.Diagnostics;
using System.Diagnostics.Metrics;
using VisionFlow.Server.Runtime;

namespace VisionFlow.Server.Metrics;

/// <summary>
/// Process-level figures operators watch on an edge box, as observable instruments on the server meter: memory, GC,
/// threads, descriptors, uptime. Read only when a listener collects.
/// </summary>
internal static class ProcessMetrics
{
    public static void Observe(Meter meter, ServiceClock clock)
    {
        meter.CreateObservableUpDownCounter("process.resident_memory", static () => { using var p = Process.GetCurrentProcess(); return p.WorkingSet64; }, "By", "Resident memory size.");
        meter.CreateObservableUpDownCounter("dotnet.gc.heap_size", static () => AfterLastGc(static gc => gc.HeapSizeBytes), "By", "Managed heap size after the last GC.");
        meter.CreateObservableUpDownCounter("dotnet.gc.committed", static () => AfterLastGc(static gc => gc.TotalCommittedBytes), "By", "Memory the GC has committed.");
        meter.CreateObservableUpDownCounter("dotnet.gc.fragmented", static () => AfterLastGc(static gc => gc.FragmentedBytes), "By", "Free space inside the heap after the last GC.");

        // The large object heap is where unpooled big buffers go; its size growing over time is the usual leak signature.
        meter.CreateObservableUpDownCounter("dotnet.gc.loh_size", static () => AfterLastGc(static gc => gc.GenerationInfo.Length > 3 ? gc.GenerationInfo[3].SizeAfterBytes : -1), "By", "Large object heap size after the last GC.");
        meter.CreateObservableCounter("dotnet.gc.allocated", static () => GC.GetTotalAllocatedBytes(), "By", "Bytes allocated since start.");
        meter.CreateObservableCounter("dotnet.gc.collections", static () => GC.CollectionCount(0), "{collection}", "Gen0 collections since start.");
        meter.CreateObservableCounter("dotnet.gc.gen2_collections", static () => GC.CollectionCount(2), "{collection}", "Gen2 (full) collections since start.");
        meter.CreateObservableUpDownCounter("process.threads", static () => { using var p = Process.GetCurrentProcess(); return p.Threads.Count; }, "{thread}", "Threads in the process.");
        meter.CreateObservableUpDownCounter("process.open_fds", static () => OpenDescriptors(), "{fd}", "Open file descriptors.");
        meter.CreateObservableGauge("visionflow.uptime", () => clock.Uptime.TotalSeconds, "s", "Seconds since start.");
    }

    // Before the first collection there is no "after the last GC": nothing is reported rather than zeros.
    private static Measurement<long>[] AfterLastGc(Func<GCMemoryInfo, long> read)
    {
        var gc = GC.GetGCMemoryInfo();
        var value = gc.Index == 0 ? -1 : read(gc);
        return value < 0 ? [] : [new Measurement<long>(value)];
    }

    // Unknown (no /proc, or not readable) is reported as nothing, never as a count.
    private static Measurement<int>[] OpenDescriptors()
    {
        try
        {
            return [new Measurement<int>(Directory.GetFileSystemEntries("/proc/self/fd").Length)];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }
}
