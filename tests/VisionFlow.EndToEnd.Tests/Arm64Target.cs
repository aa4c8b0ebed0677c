using System.Runtime.InteropServices;
using VisionFlow.Testing;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// The linux-arm64 builds and how to run them here: natively on an arm64 machine, otherwise under qemu's user-mode
/// emulator, which loads the arm64 libraries Debian's multiarch packages put in /usr/lib/aarch64-linux-gnu.
/// <c>./build.sh test</c> publishes both builds on x64 (and installs qemu-user-static and the libraries); a test skips,
/// saying so, only where a build is absent.
/// </summary>
internal static class Arm64Target
{
    public const string Emulator = "/usr/bin/qemu-aarch64-static";

    /// <summary>Emulated start-up of the 20 MB binary costs seconds of CPU (about 8 s for --version) and on a busy two-core machine minutes of wall time. A hang guard, not a measure.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    public static bool Emulated => RuntimeInformation.OSArchitecture != Architecture.Arm64;

    /// <summary>The published server (<c>./build.sh publish linux-arm64</c>).</summary>
    public static string Server() => Require("VISIONFLOW_ARM64_BINARY", "artifacts/bin-linux-arm64/visionflow", "./build.sh publish linux-arm64");

    /// <summary>The physics cross-check tool published for linux-arm64 (tests/VisionFlow.Physics.CrossCheck).</summary>
    public static string CrossCheck() => Require("VISIONFLOW_ARM64_CROSSCHECK", "artifacts/crosscheck-linux-arm64/VisionFlow.Physics.CrossCheck", "./build.sh test");

    /// <summary>What to start for an arm64 executable here: the emulator with the executable first, or the executable itself.</summary>
    public static (string FileName, IEnumerable<string> Args) Launch(string executable, IEnumerable<string> args)
    {
        if (!Emulated)
        {
            return (executable, args);
        }

        // Present whenever a build is: ./build.sh installs it with the cross toolchain. Missing here is a failure, not a skip.
        if (!File.Exists(Emulator))
        {
            throw new FileNotFoundException($"{Emulator} is missing: install the Debian package qemu-user-static (./build.sh setup does)");
        }

        return (Emulator, [executable, .. args]);
    }

    private static string Require(string variable, string relative, string builtBy)
    {
        var path = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnv ? fromEnv : Repository.PathOf(relative.Split('/'));
        if (!File.Exists(path))
        {
            Skip.Test($"no linux-arm64 build at {path} ({builtBy} builds it; ./build.sh test does on an x64 machine)");
        }

        return path;
    }
}
