using System.Globalization;
using VisionFlow.Testing;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// The SIMD CPU physics path on arm64 (NEON, 128-bit vectors) against x64 (AVX2 where present) on the same graph:
/// the cross-check tool (tests/VisionFlow.Physics.CrossCheck) steps it 20 times and prints the layout, once published
/// for linux-arm64 and run under emulation, once as this machine's build. Same tolerance as the Vulkan agreement test
/// (VulkanLayoutBackendTests.AgreementTolerance, 0.05 units): both architectures compute the same float formulas in the
/// same order per node, so what may differ is the vector width of the integrator and an ulp in sqrt; a formula that
/// went wrong on one architecture moves nodes by whole units within a few steps.
/// </summary>
[NotInParallel("arm64-emulation")]
public sealed class Arm64PhysicsAgreementTests
{
    private const float AgreementTolerance = 0.05f;

    // The Vulkan test's dense case: 2,000 nodes, 5 edges each, in a cube of half-size 150 (~20 nodes per cutoff
    // sphere, so repulsion really sums many terms), seed 10, 20 steps.
    private static readonly string[] Case = ["2000", "5", "10", "150", "20"];

    [Test]
    public async Task Cpu_physics_on_arm64_agrees_with_x64_on_the_same_graph()
    {
        var (file, args) = Arm64Target.Launch(Arm64Target.CrossCheck(), Case);
        var arm64 = await RunAsync(file, args);
        var x64 = await RunAsync(X64CrossCheck(), Case);

        await Assert.That(arm64.Header).Contains("arch Arm64 simd True vector128 True");
        await Assert.That(x64.Header).Contains("arch X64 simd True");
        await Assert.That(arm64.Positions.Count).IsEqualTo(2000);
        await Assert.That(arm64.Positions.Keys).IsEquivalentTo(x64.Positions.Keys);

        var difference = 0f;
        foreach (var (id, p) in x64.Positions)
        {
            var q = arm64.Positions[id];
            difference = MathF.Max(difference, MathF.Max(MathF.Abs(p.X - q.X), MathF.Max(MathF.Abs(p.Y - q.Y), MathF.Abs(p.Z - q.Z))));
        }

        Console.WriteLine($"2000 nodes, 20 steps: max |x64 - arm64| = {difference}; x64: {x64.Header}; arm64: {arm64.Header}");
        await Assert.That(difference).IsLessThan(AgreementTolerance);
        await Assert.That(arm64.Speed).IsEqualTo(x64.Speed).Within(0.01f);
        // The comparison must be about something: the layout really moved from where the graph started.
        var start = await RunAsync(X64CrossCheck(), ["2000", "5", "10", "150", "0"]);
        var displacement = x64.Positions.Max(kv => MathF.Abs(kv.Value.X - start.Positions[kv.Key].X));
        await Assert.That(displacement).IsGreaterThan(1f);
    }

    /// <summary>This machine's own build of the tool (built with the solution).</summary>
    private static string X64CrossCheck()
    {
        var path = Repository.PathOf("tests", "VisionFlow.Physics.CrossCheck", "bin", "Release", "net10.0", "VisionFlow.Physics.CrossCheck");
        return File.Exists(path) ? path : throw new FileNotFoundException($"no build of the cross-check tool at {path}: dotnet build VisionFlow.Aot.sln -c Release");
    }

    private static async Task<Layout> RunAsync(string file, IEnumerable<string> args)
    {
        var (code, stdout, stderr) = await BinaryProcess.RunToEndAsync(file, args, Arm64Target.Patience);
        if (code != 0 || stdout.Count < 2)
        {
            throw new InvalidOperationException($"{file} exited with {code}; stderr: {string.Join(" | ", stderr)}");
        }

        var positions = new Dictionary<uint, (float X, float Y, float Z)>();
        foreach (var line in stdout.Skip(2))
        {
            var f = line.Split(' ');
            positions[uint.Parse(f[0], CultureInfo.InvariantCulture)] = (Parse(f[1]), Parse(f[2]), Parse(f[3]));
        }

        return new Layout(stdout[0], Parse(stdout[1].Split(' ')[1]), positions);
    }

    private static float Parse(string s) => float.Parse(s, CultureInfo.InvariantCulture);

    private sealed record Layout(string Header, float Speed, Dictionary<uint, (float X, float Y, float Z)> Positions);
}
