using Microsoft.Extensions.DependencyInjection;
using VisionFlow.Server.Api;
using VisionFlow.Server.Graph;
using VisionFlow.Server.History;
using VisionFlow.Server.Mcp;

namespace VisionFlow.Server.Runtime;

/// <summary>
/// Where the runtime (the MCP link with its telemetry intake, the knowledge graph and the physics loop with its device
/// probe) stands in start-up, and the one place it is composed. With the runtime on, nothing of it is built before
/// Kestrel listens: the first <c>/api/health</c> is answered from what exists and says "starting" for the rest, and
/// <see cref="RuntimeServices"/> composes and starts it in the background once the listener is up. With the runtime off
/// (tests that drive the HTTP surface alone) it is composed on first use and never started.
/// </summary>
internal sealed class RuntimeStart(IServiceProvider services, bool scheduled)
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private Composed? _composed;
    private HistoryService? _history;
    private Exception? _failure;

    /// <summary>
    /// The runtime as the health probes see it before the host exists (the early listener's answers): scheduled, not
    /// started, nothing composed. Asking it to compose is a defect, and says so.
    /// </summary>
    public static RuntimeStart BeforeHost() => new(NoServices.Instance, scheduled: true);

    /// <summary>Whether the runtime is started in the background after the listener (false: composed on first use, never started).</summary>
    public bool Scheduled => scheduled;

    /// <summary>True from the moment the runtime is scheduled to start until it has started (or failed to).</summary>
    public bool Starting => scheduled && !_started.Task.IsCompleted;

    /// <summary>Why the start failed, or null.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Completes once the history is open, the link has been started and the physics loop runs (its backend chosen); faults when the start failed.</summary>
    public Task Started => _started.Task;

    /// <summary>The MCP link and intake, or null while they are still to be built.</summary>
    public McpServices? Mcp => Current?.Mcp;

    /// <summary>The graph and physics service, or null while it is still to be built.</summary>
    public GraphService? Graph => Current?.Graph;

    private Composed? Current => scheduled ? Volatile.Read(ref _composed) : Compose();

    /// <summary>
    /// The history (recorder or replayed file), or null while it is still to be opened: opening the folder reads every
    /// segment's index, which grows with what was recorded, so with the runtime scheduled it is opened after the
    /// listener, as part of <see cref="Run"/> (and by the history runtime, whichever comes first), never by a health probe.
    /// </summary>
    public HistoryService? History => scheduled ? Volatile.Read(ref _history) : OpenHistory();

    /// <summary>Opens the history (once; the container holds the one instance).</summary>
    public HistoryService OpenHistory()
    {
        var history = services.GetRequiredService<HistoryService>();
        Volatile.Write(ref _history, history);
        return history;
    }

    /// <summary>Builds the link, the intake, the graph service and the physics loop (once).</summary>
    public Composed Compose()
    {
        lock (_gate)
        {
            if (_composed is { } composed)
            {
                return composed;
            }

            var mcp = services.GetRequiredService<McpServices>();

            // The /ws topics subscribe as they are made: before the link starts, so they hear its first batch and read.
            services.GetRequiredService<AgentsTopic>();
            services.GetRequiredService<StructureTopics>();
            var graph = services.GetRequiredService<GraphService>();
            services.GetRequiredService<GraphTopics>(); // after the graph: it follows the graph's publications too
            composed = new Composed(mcp, graph);
            Volatile.Write(ref _composed, composed);
            return composed;
        }
    }

    /// <summary>The runtime's two parts, built together.</summary>
    public sealed record Composed(McpServices Mcp, GraphService Graph);

    /// <summary>Composes the runtime, opens the history, starts the link and then the graph (which probes the device and starts physics).</summary>
    public void Run()
    {
        try
        {
            var (mcp, graph) = Compose();
            OpenHistory();
            mcp.Start();
            graph.Start();
            _started.TrySetResult();
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _failure, ex);
            _started.TrySetException(ex);
            throw;
        }
    }

    private sealed class NoServices : IServiceProvider
    {
        public static readonly NoServices Instance = new();

        public object GetService(Type serviceType) =>
            throw new InvalidOperationException($"the runtime is not built before the host ({serviceType.Name} was asked for)");
    }
}
