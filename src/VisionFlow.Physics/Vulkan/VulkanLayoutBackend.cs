using System.Runtime.InteropServices;
using Silk.NET.Vulkan;

namespace VisionFlow.Physics.Vulkan;

/// <summary>
/// The layout on a Vulkan compute device: a counting-sort hash grid built on the device each step (count, scan,
/// scatter) and one force+integrate pass over double-buffered positions. Uploads only what changed (CSR when the
/// topology version moves, the dirty node range otherwise) and reads back only when asked.
/// </summary>
internal sealed unsafe class VulkanLayoutBackend : ILayoutBackend
{
    private const uint GroupSize = 64;

    private readonly VulkanComputeDevice _gpu;
    private readonly Vk _vk;
    private readonly CommandBuffer _cmd;
    private readonly bool _direct;

    // Storage: positions are double-buffered (set A reads pos0 writes pos1, set B the reverse).
    private VulkanBuffer _pos0, _pos1, _vel, _flags, _offsets, _targets, _weights, _cellCount, _cellStart, _sorted, _nodeCell;
    private VulkanBuffer _stats, _staging;
    private ulong _stagingCursor;
    private int _nodeCapacity = -1, _edgeCapacity = -1, _tableSize;
    private int _nodeCount, _edgeCount;
    private long _uploadedTopology = -1;
    private long _uploadedWeights = -1;
    private LayoutGraph? _uploadedGraph;
    private int _current;
    private bool _lost;

    private VulkanLayoutBackend(VulkanComputeDevice gpu, bool forceStaging)
    {
        _gpu = gpu;
        _vk = gpu.Api;
        _cmd = gpu.Commands;
        try
        {
            _direct = !forceStaging && gpu.DeviceLocalIsHostVisible;
            _stats = gpu.CreateBuffer(16, BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferDstBit, hostVisible: true);
            Device = gpu.Info with { DirectlyMapped = _direct };
        }
        catch
        {
            DestroyAll();
            throw;
        }
    }

    /// <summary>Opens the best Vulkan device (discrete, integrated, virtual, then CPU) or throws <see cref="VulkanUnavailableException"/>.</summary>
    public static VulkanLayoutBackend Create() => Create(forceStaging: false);

    /// <summary>Opens the device; <paramref name="forceStaging"/> uses the discrete-GPU path (staging copies) even where memory is shared, so it can be tested anywhere.</summary>
    internal static VulkanLayoutBackend Create(bool forceStaging) => new(VulkanComputeDevice.Open(), forceStaging);

    /// <inheritdoc />
    public LayoutBackendKind Kind => LayoutBackendKind.Vulkan;

    /// <inheritdoc />
    public string DeviceName => Device.Name;

    /// <summary>The selected device.</summary>
    public VulkanDeviceInfo Device { get; private set; } = new("", "", "", false);

    /// <summary>How many bytes were written towards the device since creation (uploads only; for tests and metrics).</summary>
    public long BytesUploaded { get; private set; }

    /// <summary>How many times the CSR (ids, flags, edges) was uploaded.</summary>
    public int TopologyUploads { get; private set; }

    /// <inheritdoc />
    public float Step(LayoutGraph graph, PhysicsParameters parameters, int iterations)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(parameters);
        ThrowIfLost();
        try
        {
            return StepCore(graph, parameters, iterations);
        }
        catch (VulkanDeviceLostException)
        {
            _lost = true;
            throw;
        }
    }

    /// <inheritdoc />
    public void ReadBack(LayoutGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ThrowIfLost();
        if (_nodeCount == 0 || !ReferenceEquals(graph, _uploadedGraph) || graph.NodeCount != _nodeCount) return;
        try
        {
            var pos = _current == 0 ? _pos0 : _pos1;
            var posBytes = (ulong)_nodeCount * 16;
            float* p, v;
            if (_direct)
            {
                p = (float*)pos.Mapped;
                v = (float*)_vel.Mapped;
            }
            else
            {
                _gpu.Begin();
                _stagingCursor = 0;
                var region = new BufferCopy(0, 0, posBytes);
                _vk.CmdCopyBuffer(_cmd, pos.Buffer, _staging.Buffer, 1, &region);
                region = new BufferCopy(0, posBytes, posBytes);
                _vk.CmdCopyBuffer(_cmd, _vel.Buffer, _staging.Buffer, 1, &region);
                _gpu.Barrier(PipelineStageFlags.TransferBit, AccessFlags.TransferWriteBit, PipelineStageFlags.HostBit, AccessFlags.HostReadBit);
                _gpu.SubmitAndWait();
                p = (float*)_staging.Mapped;
                v = (float*)(_staging.Mapped + (nint)posBytes);
            }
            var x = graph.X; var y = graph.Y; var z = graph.Z; var vx = graph.VX; var vy = graph.VY; var vz = graph.VZ;
            for (var i = 0; i < _nodeCount; i++)
            {
                x[i] = p[4 * i]; y[i] = p[4 * i + 1]; z[i] = p[4 * i + 2];
                vx[i] = v[4 * i]; vy[i] = v[4 * i + 1]; vz[i] = v[4 * i + 2];
            }
        }
        catch (VulkanDeviceLostException)
        {
            _lost = true;
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => DestroyAll();

    private float StepCore(LayoutGraph graph, PhysicsParameters p, int iterations)
    {
        var n = graph.NodeCount;
        _gpu.Begin();
        _stagingCursor = 0;
        var uploaded = false;
        if (graph.TopologyVersion != _uploadedTopology || !ReferenceEquals(graph, _uploadedGraph))
        {
            EnsureCapacity(n, graph.EdgeEntryCount);
            UploadTopology(graph);
            uploaded = true;
        }
        else if (graph.WeightsVersion != _uploadedWeights && _edgeCount > 0)
        {
            // Same nodes and edges, new traffic weights: only the weights buffer changes.
            MemoryMarshal.AsBytes(graph.EdgeWeights).CopyTo(new Span<byte>(BeginWrite(_weights, 0, (ulong)_edgeCount * 4), _edgeCount * 4));
            _uploadedWeights = graph.WeightsVersion;
            uploaded = true;
        }
        var (start, count) = graph.ConsumeDirty();
        if (count > 0)
        {
            UploadNodes(graph, start, count);
            uploaded = true;
        }
        if (n == 0 || iterations <= 0)
        {
            if (uploaded)
            {
                _gpu.Barrier(PipelineStageFlags.TransferBit, AccessFlags.TransferWriteBit, PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit);
                _gpu.SubmitAndWait();
            }
            else
            {
                _gpu.Check(_vk.EndCommandBuffer(_cmd), "vkEndCommandBuffer");
            }
            return 0f;
        }

        // Transfers (staging copies, fills) must land before the first dispatch reads them.
        _vk.CmdFillBuffer(_cmd, _stats.Buffer, 0, 16, 0);
        _gpu.Barrier(PipelineStageFlags.TransferBit | PipelineStageFlags.HostBit, AccessFlags.TransferWriteBit | AccessFlags.HostWriteBit,
            PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit);

        var push = GpuPushConstants.From(p, n, _tableSize);
        var groups = ((uint)n + GroupSize - 1) / GroupSize;
        for (var it = 0; it < iterations; it++)
        {
            var set = _current == 0 ? _gpu.SetA : _gpu.SetB;
            _vk.CmdFillBuffer(_cmd, _cellCount.Buffer, 0, Vk.WholeSize, 0);
            _gpu.Barrier(PipelineStageFlags.TransferBit | PipelineStageFlags.ComputeShaderBit, AccessFlags.TransferWriteBit | AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit,
                PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit);
            _vk.CmdBindDescriptorSets(_cmd, PipelineBindPoint.Compute, _gpu.PipelineLayout, 0, 1, &set, 0, null);
            _vk.CmdPushConstants(_cmd, _gpu.PipelineLayout, ShaderStageFlags.ComputeBit, 0, (uint)sizeof(GpuPushConstants), &push);
            _gpu.Dispatch(_gpu.CountPipeline, groups);
            _gpu.Dispatch(_gpu.ScanPipeline, 1);
            _gpu.Dispatch(_gpu.ScatterPipeline, groups);
            _gpu.Dispatch(_gpu.ForcesPipeline, groups);
            _current ^= 1;
        }
        _gpu.Barrier(PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit, PipelineStageFlags.HostBit, AccessFlags.HostReadBit);
        _gpu.SubmitAndWait();
        var bits = *(uint*)_stats.Mapped;
        return MathF.Sqrt(BitConverter.UInt32BitsToSingle(bits));
    }

    private void UploadTopology(LayoutGraph g)
    {
        var n = g.NodeCount;
        _nodeCount = n;
        _edgeCount = g.EdgeEntryCount;
        var flags = (uint*)BeginWrite(_flags, 0, (ulong)n * 4);
        var ids = g.Ids; var pinned = g.Pinned;
        for (var i = 0; i < n; i++) flags[i] = (ids[i] & LayoutGraph.AgentBit) | (pinned[i] ? 1u : 0u);
        var offsets = g.EdgeOffsets;
        MemoryMarshal.AsBytes(offsets).CopyTo(new Span<byte>(BeginWrite(_offsets, 0, (ulong)(n + 1) * 4), (n + 1) * 4));
        if (_edgeCount > 0)
        {
            MemoryMarshal.AsBytes(g.EdgeTargets).CopyTo(new Span<byte>(BeginWrite(_targets, 0, (ulong)_edgeCount * 4), _edgeCount * 4));
            MemoryMarshal.AsBytes(g.EdgeWeights).CopyTo(new Span<byte>(BeginWrite(_weights, 0, (ulong)_edgeCount * 4), _edgeCount * 4));
        }
        _uploadedTopology = g.TopologyVersion;
        _uploadedWeights = g.WeightsVersion;
        _uploadedGraph = g;
        TopologyUploads++;
    }

    private void UploadNodes(LayoutGraph g, int start, int count)
    {
        var pos = (float*)BeginWrite(_current == 0 ? _pos0 : _pos1, (ulong)start * 16, (ulong)count * 16);
        var vel = (float*)BeginWrite(_vel, (ulong)start * 16, (ulong)count * 16);
        var flags = (uint*)BeginWrite(_flags, (ulong)start * 4, (ulong)count * 4);
        var x = g.X; var y = g.Y; var z = g.Z; var vx = g.VX; var vy = g.VY; var vz = g.VZ;
        var ids = g.Ids; var pinned = g.Pinned;
        for (var k = 0; k < count; k++)
        {
            var i = start + k;
            // w = agent flag, read by the force pass alongside the position (see forces.comp).
            pos[4 * k] = x[i]; pos[4 * k + 1] = y[i]; pos[4 * k + 2] = z[i]; pos[4 * k + 3] = (ids[i] & LayoutGraph.AgentBit) != 0 ? 1f : 0f;
            vel[4 * k] = vx[i]; vel[4 * k + 1] = vy[i]; vel[4 * k + 2] = vz[i]; vel[4 * k + 3] = 0;
            flags[k] = (ids[i] & LayoutGraph.AgentBit) | (pinned[i] ? 1u : 0u);
        }
    }

    /// <summary>Where to write bytes bound for a device buffer: the buffer itself when mapped, else a staging slice plus a recorded copy.</summary>
    private void* BeginWrite(VulkanBuffer dst, ulong offset, ulong size)
    {
        BytesUploaded += (long)size;
        if (dst.IsMapped) return (void*)(dst.Mapped + (nint)offset);
        // A zero-length copy region is invalid Vulkan usage; hand out scratch space and record nothing.
        if (size == 0) return (void*)_staging.Mapped;
        var region = new BufferCopy(_stagingCursor, offset, size);
        _vk.CmdCopyBuffer(_cmd, _staging.Buffer, dst.Buffer, 1, &region);
        var at = (void*)(_staging.Mapped + (nint)_stagingCursor);
        _stagingCursor += (size + 15) & ~15ul;
        return at;
    }

    private void EnsureCapacity(int n, int edges)
    {
        var table = PairMath.TableSize(n);
        if (n <= _nodeCapacity && edges <= _edgeCapacity && table == _tableSize) return;
        _gpu.WaitIdle();
        // Capacity grows by half again so a slowly growing swarm does not reallocate every change.
        var nodeCap = n <= _nodeCapacity ? _nodeCapacity : Math.Max(64, n + n / 2);
        var edgeCap = edges <= _edgeCapacity ? _edgeCapacity : Math.Max(64, edges + edges / 2);
        table = PairMath.TableSize(nodeCap);
        FreeStorage();
        var usage = BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferDstBit | BufferUsageFlags.TransferSrcBit;
        var nc = (ulong)nodeCap;
        _pos0 = _gpu.CreateBuffer(nc * 16, usage, _direct);
        _pos1 = _gpu.CreateBuffer(nc * 16, usage, _direct);
        _vel = _gpu.CreateBuffer(nc * 16, usage, _direct);
        _flags = _gpu.CreateBuffer(nc * 4, usage, _direct);
        _offsets = _gpu.CreateBuffer((nc + 1) * 4, usage, _direct);
        _targets = _gpu.CreateBuffer((ulong)edgeCap * 4, usage, _direct);
        _weights = _gpu.CreateBuffer((ulong)edgeCap * 4, usage, _direct);
        _cellCount = _gpu.CreateBuffer((ulong)table * 4, usage, _direct);
        _cellStart = _gpu.CreateBuffer((ulong)(table + 1) * 4, usage, _direct);
        _sorted = _gpu.CreateBuffer(nc * 4, usage, _direct);
        _nodeCell = _gpu.CreateBuffer(nc * 16, usage, _direct);
        if (!_direct)
        {
            // Worst case in one submission: positions, velocities, flags and the whole CSR, each 16-byte aligned.
            var stagingSize = nc * 16 * 2 + nc * 4 + (nc + 1) * 4 + (ulong)edgeCap * 8 + 6 * 16;
            _staging = _gpu.CreateBuffer(stagingSize, BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit, hostVisible: true);
        }
        _nodeCapacity = nodeCap;
        _edgeCapacity = edgeCap;
        _tableSize = table;
        _gpu.BindStorage([_pos0, _pos1, _vel, _flags, _offsets, _targets, _weights, _cellCount, _cellStart, _sorted, _nodeCell, _stats]);
    }

    private void ThrowIfLost()
    {
        if (_lost) throw new VulkanDeviceLostException("The Vulkan device was lost earlier; this backend can no longer run.");
    }

    private void FreeStorage()
    {
        _gpu.FreeBuffer(ref _pos0); _gpu.FreeBuffer(ref _pos1); _gpu.FreeBuffer(ref _vel); _gpu.FreeBuffer(ref _flags);
        _gpu.FreeBuffer(ref _offsets); _gpu.FreeBuffer(ref _targets); _gpu.FreeBuffer(ref _weights);
        _gpu.FreeBuffer(ref _cellCount); _gpu.FreeBuffer(ref _cellStart); _gpu.FreeBuffer(ref _sorted); _gpu.FreeBuffer(ref _nodeCell);
        _gpu.FreeBuffer(ref _staging);
    }

    private void DestroyAll()
    {
        _gpu.WaitIdleForDispose();
        FreeStorage();
        _gpu.FreeBuffer(ref _stats);
        _gpu.Dispose();
    }
}
