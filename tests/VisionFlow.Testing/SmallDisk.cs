using System.Diagnostics;

namespace VisionFlow.Testing;

/// <summary>
/// A real small disk: a size-limited tmpfs mounted on a fresh folder for one test (root only; CI runs as root), so a
/// full disk is the kernel's ENOSPC, not a simulation. Unmounted and removed on dispose.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    /// <summary>Where it is mounted.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (mount's syntax: <c>1m</c>); null when this process cannot (not root, not Linux).</summary>
    public static SmallDisk? TryMount(string size = "1m")
    {
        var mount = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vf-small-disk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mount);
        if (!Run("mount", $"-t tmpfs -o size={size} tmpfs {mount}"))
        {
            Directory.Delete(mount);
            return null;
        }

        return new SmallDisk(mount);
    }

    /// <summary>Fills what is left with a file (<paramref name="name"/>) until the kernel says there is no space.</summary>
    public string Fill(string name = "filler")
    {
        var filler = System.IO.Path.Combine(Path, name);
        using var fill = new FileStream(filler, FileMode.Create);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                fill.Write(block);
                fill.Flush();
            }
        }
        catch (IOException)
        {
            // Full.
        }

        return filler;
    }

    public void Dispose()
    {
        Run("umount", $"-l {Path}");
        try
        {
            Directory.Delete(Path, true);
        }
        catch (IOException)
        {
            // A lazy unmount may still hold it for a moment; the temp folder is cleaned by the OS.
        }
    }

    private static bool Run(string file, string arguments)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return false;
        }

        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
