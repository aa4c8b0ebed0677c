using System.Reflection;
using System.Runtime.Loader;

namespace VisionFlow.Generators.Tests;

/// <summary>
/// Compiles the sample contract with both generators, loads the assembly and runs its client against its dispatch
/// table: every supported shape (no token, optional params, keyword names, arrays, generics, notifications) at run time.
/// </summary>
public sealed class GeneratedRuntimeTests
{
    [Test]
    public async Task Every_supported_shape_round_trips_at_run_time()
    {
        var outcome = GeneratorHarness.Run(Sources.ValidContract, ReadScenario());
        await Assert.That(outcome.CompilationErrors.Select(d => d.ToString()).ToList()).IsEmpty();

        using var image = new MemoryStream();
        var emitted = outcome.Output.Emit(image);
        await Assert.That(emitted.Success).IsTrue();

        var context = new AssemblyLoadContext("generated-sample", isCollectible: true);
        try
        {
            image.Position = 0;
            var assembly = context.LoadFromStream(image);
            var run = assembly.GetType("Sample.Rpc.Scenario")!.GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static)!;
            var transcript = await (Task<string>)run.Invoke(null, null)!;

            await Assert.That(transcript).IsEqualTo("""
                echo|{"Text":"hi"}|{"Text":"hi!"}
                echo.noToken|{"Text":"yo"}|{"Text":"yo?"}
                items.list|-|[{"Id":1},{"Id":2}]
                items.array|-|[{"Id":3}]
                items.map|-|{"k":{"Id":0}}
                items.map|{"Id":5}|{"k":{"Id":5}}
                items.page|{"Id":6}|{"Items":[{"Id":6}]}
                items.count|-|42
                odd "name"\path|-|7
                items.maybe|-|null
                note|{"Text":"n"}|
                log|-|
                log|{"Text":"x"}|
                heartbeat|-|
                --
                echo hi
                echo.noToken yo
                map null
                map 5
                note n
                log null
                log x
                heartbeat
                --
                hi!
                yo?
                1,2
                3
                0
                5
                6
                42
                7
                none
                """.ReplaceLineEndings("\n"));
        }
        finally
        {
            context.Unload();
        }
    }

    private static string ReadScenario()
    {
        using var stream = typeof(GeneratedRuntimeTests).Assembly.GetManifestResourceStream("Scenario.source")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
