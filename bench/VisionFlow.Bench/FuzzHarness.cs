using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using VisionFlow.Server.Security;
using VisionFlow.Server.Api;
using VisionFlow.Server.Streaming;
using VisionFlow.Testing.Fuzzing;

namespace VisionFlow.Bench;

/// <summary>
/// The long fuzz run (`./build.sh bench fuzz [N]`, default 1,000,000 inputs per target): every hostile input must be
/// answered (accepted or refused with a reason); an exception escaping a target is counted as a failure.
/// </summary>
internal static class FuzzHarness
{
    public static async Task<int> RunAsync(long inputs)
    {
        var failures = 0L;
        var unobserved = 0L;
        TaskScheduler.UnobservedTaskException += (_, e) =>
        {
            Interlocked.Increment(ref unobserved);
            Console.WriteLine($"  unobserved task exception: {e.Exception.GetBaseException().Message}");
        };

        var sw = Stopwatch.StartNew();
        var engine = await EngineFuzz.RunAsync(inputs).ConfigureAwait(false);
        Console.WriteLine($"framing + json-rpc engine: {inputs:N0} lines in {sw.Elapsed.TotalSeconds:F1} s over {engine.Sessions:N0} sessions "
            + $"({engine.Closed:N0} closed by an oversize line as they must be, {engine.Requests:N0} requests, each answered or failed), {engine.Failures} failed");
        failures += engine.Failures;

        failures += Run("json-rpc classifier", inputs, static (random) =>
        {
            var line = System.Text.Encoding.UTF8.GetBytes(HostileLines.Next(random, 4096, VisionFlow.Protocol.Engine.JsonRpcConnection.RequestIdPrefix));
            var message = VisionFlow.Protocol.Messages.JsonRpcMessage.Parse(line);
            _ = message.Kind;
        });

        failures += Run("ws control messages", inputs, static (random) =>
        {
            var input = HostileInputs.Next(random);
            if (!StreamControl.TryParse(input, 60, out _, out var error) && error.Length == 0)
            {
                throw new InvalidOperationException("rejected without a reason");
            }
        });

        failures += await RunAsync("http json bodies", inputs, static async (random) =>
        {
            var body = HostileInputs.Next(random);
            var context = new DefaultHttpContext();
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
            var read = await JsonBody.ReadAsync(context, SecurityJsonContext.Default.SessionRequest).ConfigureAwait(false);
            if (read.Value is null && read.Problem is null)
            {
                throw new InvalidOperationException("neither a value nor a problem");
            }
        }).ConfigureAwait(false);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        failures += Interlocked.Read(ref unobserved);
        Console.WriteLine($"unhandled exceptions: {failures}");
        return failures == 0 ? 0 : 1;
    }

    private static long Run(string name, long inputs, Action<Random> target)
    {
        var random = new Random(20261125);
        var failures = 0L;
        var sw = Stopwatch.StartNew();
        for (var i = 0L; i < inputs; i++)
        {
            try
            {
                target(random);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (failures++ < 5)
                {
                    Console.WriteLine($"  {name} #{i}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        Console.WriteLine($"{name}: {inputs:N0} inputs in {sw.Elapsed.TotalSeconds:F1} s, {failures} unhandled");
        return failures;
    }

    private static async Task<long> RunAsync(string name, long inputs, Func<Random, Task> target)
    {
        var random = new Random(20261125);
        var failures = 0L;
        var sw = Stopwatch.StartNew();
        for (var i = 0L; i < inputs; i++)
        {
            try
            {
                await target(random).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (failures++ < 5)
                {
                    Console.WriteLine($"  {name} #{i}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        Console.WriteLine($"{name}: {inputs:N0} inputs in {sw.Elapsed.TotalSeconds:F1} s, {failures} unhandled");
        return failures;
    }
}
