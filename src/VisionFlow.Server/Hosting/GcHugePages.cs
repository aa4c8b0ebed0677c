using System.Runtime.InteropServices;

namespace VisionFlow.Server.Hosting;

/// <summary>
/// Transparent huge pages behind the GC's allocation space for the start only, as the ELF constructor
/// (Native/hydrated_hugepages.c) does for the rehydrated data. Building and starting the host allocates ~10 MB, and each
/// fresh 4 KiB page of it was a page fault (the GC clearing fresh allocation space was ~18 % of the main thread on this
/// VM). The window is the 32 MB of the GC's reserved range from where gen0 allocates now (the no-GC region's budget:
/// <see cref="StartupGcPause"/>); once the host listens it is advised back to small pages, so khugepaged never fills
/// a sparsely used 2 MiB range of a long-running service: the huge pages taken during the start stay until the GC
/// frees them. Only advice: where THP is off or no huge page is free, nothing changes.
/// </summary>
internal static class GcHugePages
{
    private const nint HugePage = 2 << 20;
    private const nint Window = 32 << 20;
    private const int MadvHugePage = 14;
    private const int MadvNoHugePage = 15;

    /// <summary>Advises the window the next allocations fall in; returns its start (0: nothing advised).</summary>
    public static nint Advise()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        // A fresh object lies in the region gen0 allocates from now; pinned only long enough to read its address.
        var handle = GCHandle.Alloc(new byte[16], GCHandleType.Pinned);
        var start = handle.AddrOfPinnedObject() & ~(HugePage - 1);
        handle.Free();
        return Madvise(start, Window, MadvHugePage) == 0 ? start : 0;
    }

    /// <summary>Back to small pages for whatever the window holds next.</summary>
    public static void Release(nint start)
    {
        if (start != 0)
        {
            _ = Madvise(start, Window, MadvNoHugePage);
        }
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nint length, int advice);
}
