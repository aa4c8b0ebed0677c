using BenchmarkDotNet.Running;
using VisionFlow.Bench;

// `startup` measures the published binary as a process; everything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "startup")
{
    var iterations = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
    return await StartupHarness.RunAsync(iterations, args.Length > 2 ? args[2] : null);
}

// The out-of-process round-trip peers used by the client comparison benchmarks.
if (args.Length > 0 && args[0] == "serve-peers")
{
    return await VisionFlow.Bench.Goals.PeerProcess.ServeAsync();
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

// `load`, `chaos` and `soak` drive the published binary as processes (simulator and service) over 127.0.0.1.
if (args.Length > 0 && args[0] == "load")
{
    return await VisionFlow.Bench.Load.LoadHarness.RunAsync(
        args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 20);
}

if (args.Length > 0 && args[0] == "chaos")
{
    return await VisionFlow.Bench.Load.ChaosHarness.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100,
        args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10,
        args.Length > 3 ? args[3] : null);
}

if (args.Length > 0 && args[0] == "soak")
{
    return await VisionFlow.Bench.Load.SoakHarness.RunAsync(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
}

// Event → /ws latency on one clock; agent counts comma-separated; an optional baseline binary runs in the same invocation.
if (args.Length > 0 && args[0] == "latency")
{
    return await VisionFlow.Bench.Load.LatencyHarness.RunAsync(
        (args.Length > 1 ? args[1] : "2000,10000").Split(',').Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 300,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 40,
        args.Length > 4 ? args[4] : null,
        args.Length > 5 ? int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 100);
}

// An agent's status change → /ws on one clock, and the agents messages' bytes per attribute change; agent counts comma-separated.
if (args.Length > 0 && args[0] == "attributes")
{
    return await VisionFlow.Bench.Load.AttributesHarness.RunAsync(
        (args.Length > 1 ? args[1] : "2000,10000").Split(',').Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 300,
        args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 20,
        args.Length > 4 ? args[4] : null);
}

// What a settled graph costs: service CPU and /ws frames once the layout rests; an optional baseline binary first.
if (args.Length > 0 && args[0] == "idle")
{
    return await VisionFlow.Bench.Load.IdleHarness.RunAsync(
        args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60,
        args.Length > 2 && args[2] != "-" ? args[2] : null,
        args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 900);
}

// What the service costs while telemetry flows: N agents at 10 Hz, V /ws viewers; an optional baseline binary first.
if (args.Length > 0 && args[0] == "cpu")
{
    return await VisionFlow.Bench.Load.CpuHarness.RunAsync(
        args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30,
        args.Length > 2 && args[2] != "-" ? args[2] : null,
        args.Length > 3 ? args[3] : VisionFlow.Bench.Load.CpuHarness.DefaultRows);
}

// What polling 10 idle agents costs the real claude-flow, fixed 10 Hz against adaptive, in the same run.
if (args.Length > 0 && args[0] == "peer-cpu")
{
    return await VisionFlow.Bench.Load.PeerCpuHarness.RunAsync(
        args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2);
}

// The built-in viewer in headless Chromium against the published binary: frame rate, and the README screenshot.
if (args.Length > 0 && args[0] == "viewer")
{
    return await VisionFlow.Bench.Viewer.ViewerHarness.RunFrameRateAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
        args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10);
}

if (args.Length > 1 && args[0] == "screenshot" && args[1] == "claude-flow")
{
    return await VisionFlow.Bench.Viewer.ViewerHarness.RunClaudeFlowScreenshotAsync(args.Length > 2 ? args[2] : "docs/viewer-claude-flow.png");
}

if (args.Length > 0 && args[0] == "screenshot")
{
    return await VisionFlow.Bench.Viewer.ViewerHarness.RunScreenshotAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000,
        args.Length > 2 ? args[2] : "docs/viewer.png");
}

// The history store's costs: CPU and bytes per hour, state-at latency in a long recording, kill -9 recovery.
if (args.Length > 0 && args[0] == "history")
{
    return await VisionFlow.Bench.History.HistoryHarness.RunAsync(args[1..]);
}

// Never BenchmarkDotNet's interactive picker: without a suite it would wait for keyboard input, in CI forever.
switch (BenchSuites.Resolve(args))
{
    case { Error: { } error }:
        Console.Error.WriteLine(error);
        Console.Error.Write(BenchSuites.List());
        return 2;
    case { Arguments: { } benchmarkArgs }:
        BenchmarkSwitcher.FromAssembly(typeof(StartupHarness).Assembly).Run(benchmarkArgs);
        return 0;
    default:
        Console.Out.Write(BenchSuites.List());
        return 0;
}
