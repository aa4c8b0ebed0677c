using System.Globalization;

namespace VisionFlow.Testing;

/// <summary>The live child processes of a process, read from <c>/proc</c> (Linux): to find, kill or prove gone what a process started.</summary>
public static class ChildProcesses
{
    /// <summary>The live (not zombie) children of <paramref name="parent"/>, with their command lines (arguments joined by spaces).</summary>
    public static IReadOnlyList<(int Pid, string CommandLine)> Of(int parent)
    {
        var children = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    children.Add((pid, File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim()));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // it exited while we looked
            }
        }

        return children;
    }

    /// <summary>Whether <paramref name="pid"/> is alive (a zombie, exited but not yet reaped, is not).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0] != "Z";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
