using System.Runtime;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// No garbage collection on the way to the listener. Building and starting the host allocates ~10 MB (DI call sites,
/// reflection caches, options, Kestrel), nearly all of it still live when the host listens; with gen0's budget at its
/// floor (a machine that reports no cache sizes, like this 2-core VM) that was one or two blocking collections on the
/// main thread before the first answer, ~10 ms of compacting objects that survive anyway. A no-GC region over the start
/// lets the first collection come after the listener, when the runtime composes in the background.
/// </summary>
internal static class StartupGcPause
{
    /// <summary>Room for the start-up's allocations (three times what it took) before the runtime collects anyway.</summary>
    private const long Budget = 32L << 20;

    /// <summary>Enters the region; false when the runtime refused (then collections happen as usual).</summary>
    public static bool Begin()
    {
        try
        {
            return GC.TryStartNoGCRegion(Budget);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentOutOfRangeException)
        {
            // Already in one, or more than this GC's ephemeral range allows: start without it.
            return false;
        }
    }

    /// <summary>Leaves the region, if it is still open: allocating past the budget ends it (with a collection) by itself.</summary>
    public static void End(bool begun)
    {
        if (!begun || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
        {
            return;
        }

        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The runtime's start (on its own threads since the listener came up) used the rest of the budget meanwhile.
        }
    }
}
