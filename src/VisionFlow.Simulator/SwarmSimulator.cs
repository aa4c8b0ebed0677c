using System.Buffers;
using System.Text.Json;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Mcp;
using VisionFlow.Protocol.Dispatch;
using VisionFlow.Simulator.Dialects;
using VisionFlow.Simulator.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator;

/// <summary>
/// A labelled, deterministic swarm simulator: swarms, agents, tasks and message flows with real state, driven by
/// <see cref="TimeProvider"/> and a seeded random source. It answers both dialects (plain methods and MCP tools
/// with claude-flow's names and shapes) and produces telemetry push lines. Everything it reports says
/// <c>"simulated": true</c>. Thread-safe: every entry point holds the state's one lock.
/// </summary>
/// <remarks>
/// The pieces: <see cref="SwarmState"/> (the world and its operations), <see cref="SwarmDynamics"/> (the simulation
/// step), <see cref="TelemetryWriter"/> (the push lines), <see cref="PlainDialect"/> and <see cref="McpDialect"/>
/// (the two dialects, served through the dispatch tables the contract generator emits for them).
/// </remarks>
public sealed class SwarmSimulator
{
    /// <summary>The name reported as <c>serverInfo.name</c>: never mistaken for a real Claude Flow server.</summary>
    public const string ServerName = SimulatorIdentity.ServerName;

    private readonly SwarmState _state;
    private readonly TelemetryWriter _telemetry;
    private readonly SwarmDynamics _dynamics;
    private readonly PlainDialect _plain;
    private readonly McpDialect _mcp;
    private readonly JsonRpcDispatchTable _plainTable;

    /// <summary>Creates a simulator with the given options and clock.</summary>
    public SwarmSimulator(SimulatorOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Options = options.Validate();
        _telemetry = new TelemetryWriter();
        _state = new SwarmState(Options, timeProvider, _telemetry);
        _dynamics = new SwarmDynamics(_state, _telemetry);
        _plain = new PlainDialect(_state);
        _mcp = new McpDialect(_state);
        _plainTable = SimulatorPlainDialectDispatch.Create(_plain);
    }

    /// <summary>MCP protocol revisions the simulator accepts; it echoes the client's when listed.</summary>
    public static IReadOnlyList<string> SupportedProtocolVersions => SimulatorIdentity.SupportedProtocolVersions;

    /// <summary>MCP method names the dispatch table answers besides the plain ones.</summary>
    public static IReadOnlyList<string> McpMethods { get; } =
        [McpDialectMethods.Initialize, McpDialectMethods.Initialized, McpDialectMethods.Ping, McpDialectMethods.ListTools, McpDialectMethods.CallTool];

    /// <summary>The options this simulator runs with.</summary>
    public SimulatorOptions Options { get; }

    /// <summary>Live (not terminated) agents.</summary>
    public int LiveAgentCount
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.Live.Count;
            }
        }
    }

    /// <summary>Swarms that are not shut down.</summary>
    public int ActiveSwarmCount
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.Swarms.Count(s => !s.IsTerminated);
            }
        }
    }

    /// <summary>Counts of the last frame produced by <see cref="Advance"/>.</summary>
    public TelemetryFrameInfo LastFrame
    {
        get
        {
            lock (_state.Gate)
            {
                return _dynamics.LastFrame;
            }
        }
    }

    /// <summary>
    /// A dispatch table answering every plain method and the MCP methods. <c>telemetry.subscribe</c> only validates
    /// and acknowledges here: starting the push stream is the connection's job (see <see cref="TelemetrySubscription"/>).
    /// </summary>
    public JsonRpcDispatchTable CreateDispatchTable() => SimulatorMcpDialectDispatch.AddTo(SimulatorPlainDialectDispatch.Create(_plain), _mcp);

    /// <summary>Handles a plain method into <paramref name="result"/> (UTF-8 JSON of the result value).</summary>
    /// <returns>False with <paramref name="error"/> set, and nothing written, when the request fails.</returns>
    public bool TryHandlePlain(string method, ReadOnlySpan<byte> paramsJson, IBufferWriter<byte> result, out SimulatorError error)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var writer = new Utf8JsonWriter(result);
        return TryHandlePlain(method, paramsJson, writer, out error);
    }

    /// <summary>Handles a plain method, writing the result value to <paramref name="result"/> only on success.</summary>
    /// <returns>False with <paramref name="error"/> set when the request fails.</returns>
    public bool TryHandlePlain(string method, ReadOnlySpan<byte> paramsJson, Utf8JsonWriter result, out SimulatorError error)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(result);
        if (!_plainTable.TryGet(method, out var handler))
        {
            error = new SimulatorError(SimulatorErrorKind.UnknownMethod, $"Method not found: {method}");
            return _state.CountRequest(false);
        }

        // The same handler a connection runs; the simulator's state is in memory, so it completes synchronously.
        var trimmed = paramsJson.Trim(" \t\r\n"u8);
        try
        {
            handler(trimmed.ToArray(), result, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            error = default;
            return true;
        }
        catch (SimulatorException e)
        {
            error = e.Error;
            return false;
        }
        catch (JsonRpcException e)
        {
            // Only params that are not JSON at all fail before the dialect sees them (a connection never passes such).
            error = SimulatorError.Invalid("params are not valid JSON: " + e.Message);
            return _state.CountRequest(false);
        }
    }

    /// <summary>
    /// Runs an MCP tool and writes its result <c>{"content":[{"type":"text","text":"&lt;json&gt;"}]}</c>; tool failures
    /// are results whose JSON says <c>"success": false</c> (or <c>"status": "not_found"</c>), as claude-flow does.
    /// </summary>
    /// <returns>False only for an unknown tool (a JSON-RPC <c>-32601</c> error, as claude-flow answers).</returns>
    public bool TryCallTool(string tool, JsonElement arguments, Utf8JsonWriter result, out SimulatorError error)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(result);
        if (!_mcp.TryCallTool(tool, arguments, out var text, out error))
        {
            return false;
        }

        JsonSerializer.Serialize(result, text, McpSessionJsonContext.Default.ToolText);
        return true;
    }

    /// <summary>Advances the simulation by <paramref name="elapsed"/> and writes that frame's push lines.</summary>
    /// <returns>The number of bytes written to <paramref name="destination"/>.</returns>
    public int Tick(TimeSpan elapsed, IBufferWriter<byte> destination, TelemetryEvents events = TelemetryEvents.All)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(destination);
        lock (_state.Gate)
        {
            _dynamics.Advance(elapsed);
            return _telemetry.WriteFrame(destination, events);
        }
    }

    /// <summary>
    /// Advances the simulation by <paramref name="elapsed"/> (agents change state and resource use, tasks progress,
    /// messages flow) and renders the frame's telemetry lines once, so any number of subscribers can copy them with
    /// <see cref="WriteFrame"/>. Steady state allocates nothing.
    /// </summary>
    public void Advance(TimeSpan elapsed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        lock (_state.Gate)
        {
            _dynamics.Advance(elapsed);
        }
    }

    /// <summary>Copies the current frame's lines of the requested types to <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    public int WriteFrame(IBufferWriter<byte> destination, TelemetryEvents events = TelemetryEvents.All)
    {
        ArgumentNullException.ThrowIfNull(destination);
        lock (_state.Gate)
        {
            return _telemetry.WriteFrame(destination, events);
        }
    }
}
