using BenchmarkDotNet.Running;
using VisionFlow.Bench;

// `startup` measures the published binary as a process; everything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "startup")
{
    var iterations = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
    return await StartupHarness.RunAsync(iterations);
}

if (args.Length > 0 && args[0] == "fuzz")
{
    var inputs = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    return await FuzzHarness.RunAsync(inputs);
}

if (args.Length > 0 && args[0] == "agents-throughput")
{
    return AgentsThroughputHarness.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
}

BenchmarkSwitcher.FromAssembly(typeof(StartupHarness).Assembly).Run(args);
return 0;
