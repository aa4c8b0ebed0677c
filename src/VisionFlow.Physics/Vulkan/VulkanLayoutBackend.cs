using System.Runtime.InteropServices;
using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;
using VkMemoryBarrier = Silk.NET.Vulkan.MemoryBarrier;

namespace VisionFlow.Physics.Vulkan;

/// <summary>
/// The layout on a Vulkan compute device: a counting-sort hash grid built on the device each step (count, scan,
/// scatter) and one force+integrate pass over double-buffered positions. Uploads only what changed (CSR when the
/// topology version moves, the dirty node range otherwise) and reads back only when asked.
/// </summary>
public sealed unsafe class VulkanLayoutBackend : ILayoutBackend
{
    private const int BindingCount = 12;
    private const uint GroupSize = 64;
    private const ulong FenceTimeoutNs = 10_000_000_000;

    private readonly VulkanNativeContext _context;
    private readonly Vk _vk;
    private readonly bool _direct;
    private Instance _instance;
    private PhysicalDevice _physical;
    private Device _device;
    private Queue _queue;
    private PhysicalDeviceMemoryProperties _memory;
    private DescriptorSetLayout _setLayout;
    private PipelineLayout _pipelineLayout;
    private Pipeline _countPipeline, _scanPipeline, _scatterPipeline, _forcesPipeline;
    private DescriptorPool _descriptorPool;
    private DescriptorSet _setA, _setB;
    private CommandPool _commandPool;
    private CommandBuffer _cmd;
    private Fence _fence;

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

    private VulkanLayoutBackend(VulkanNativeContext context, bool forceStaging)
    {
        _context = context;
        _vk = new Vk(context);
        try
        {
            CreateInstance();
            SelectDevice(out var family);
            CreateDevice(family);
            _vk.GetPhysicalDeviceMemoryProperties(_physical, out _memory);
            _direct = !forceStaging && DeviceLocalIsHostVisible();
            CreatePipelines();
            CreateCommands(family);
            _stats = CreateBuffer(16, BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferDstBit, hostVisible: true);
            Device = Device with { DirectlyMapped = _direct };
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
    internal static VulkanLayoutBackend Create(bool forceStaging)
    {
        VulkanNativeContext context;
        try
        {
            context = VulkanNativeContext.Load();
        }
        catch (DllNotFoundException ex)
        {
            throw new VulkanUnavailableException("Vulkan loader could not be loaded.", ex);
        }
        return new VulkanLayoutBackend(context, forceStaging);
    }

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
                Begin();
                _stagingCursor = 0;
                var region = new BufferCopy(0, 0, posBytes);
                _vk.CmdCopyBuffer(_cmd, pos.Buffer, _staging.Buffer, 1, &region);
                region = new BufferCopy(0, posBytes, posBytes);
                _vk.CmdCopyBuffer(_cmd, _vel.Buffer, _staging.Buffer, 1, &region);
                Barrier(PipelineStageFlags.TransferBit, AccessFlags.TransferWriteBit, PipelineStageFlags.HostBit, AccessFlags.HostReadBit);
                SubmitAndWait();
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
        Begin();
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
                Barrier(PipelineStageFlags.TransferBit, AccessFlags.TransferWriteBit, PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit);
                SubmitAndWait();
            }
            else
            {
                Check(_vk.EndCommandBuffer(_cmd), "vkEndCommandBuffer");
            }
            return 0f;
        }

        // Transfers (staging copies, fills) must land before the first dispatch reads them.
        _vk.CmdFillBuffer(_cmd, _stats.Buffer, 0, 16, 0);
        Barrier(PipelineStageFlags.TransferBit | PipelineStageFlags.HostBit, AccessFlags.TransferWriteBit | AccessFlags.HostWriteBit,
            PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit);

        var push = GpuPushConstants.From(p, n, _tableSize);
        var groups = ((uint)n + GroupSize - 1) / GroupSize;
        for (var it = 0; it < iterations; it++)
        {
            var set = _current == 0 ? _setA : _setB;
            _vk.CmdFillBuffer(_cmd, _cellCount.Buffer, 0, Vk.WholeSize, 0);
            Barrier(PipelineStageFlags.TransferBit | PipelineStageFlags.ComputeShaderBit, AccessFlags.TransferWriteBit | AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit,
                PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit);
            _vk.CmdBindDescriptorSets(_cmd, PipelineBindPoint.Compute, _pipelineLayout, 0, 1, &set, 0, null);
            _vk.CmdPushConstants(_cmd, _pipelineLayout, ShaderStageFlags.ComputeBit, 0, (uint)sizeof(GpuPushConstants), &push);
            Dispatch(_countPipeline, groups);
            Dispatch(_scanPipeline, 1);
            Dispatch(_scatterPipeline, groups);
            Dispatch(_forcesPipeline, groups);
            _current ^= 1;
        }
        Barrier(PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit, PipelineStageFlags.HostBit, AccessFlags.HostReadBit);
        SubmitAndWait();
        var bits = *(uint*)_stats.Mapped;
        return MathF.Sqrt(BitConverter.UInt32BitsToSingle(bits));
    }

    private void Dispatch(Pipeline pipeline, uint groups)
    {
        _vk.CmdBindPipeline(_cmd, PipelineBindPoint.Compute, pipeline);
        _vk.CmdDispatch(_cmd, groups, 1, 1);
        Barrier(PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit,
            PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit, AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit);
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
        Check(_vk.DeviceWaitIdle(_device), "vkDeviceWaitIdle");
        // Capacity grows by half again so a slowly growing swarm does not reallocate every change.
        var nodeCap = n <= _nodeCapacity ? _nodeCapacity : Math.Max(64, n + n / 2);
        var edgeCap = edges <= _edgeCapacity ? _edgeCapacity : Math.Max(64, edges + edges / 2);
        table = PairMath.TableSize(nodeCap);
        FreeStorage();
        var usage = BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferDstBit | BufferUsageFlags.TransferSrcBit;
        var nc = (ulong)nodeCap;
        _pos0 = CreateBuffer(nc * 16, usage, _direct);
        _pos1 = CreateBuffer(nc * 16, usage, _direct);
        _vel = CreateBuffer(nc * 16, usage, _direct);
        _flags = CreateBuffer(nc * 4, usage, _direct);
        _offsets = CreateBuffer((nc + 1) * 4, usage, _direct);
        _targets = CreateBuffer((ulong)edgeCap * 4, usage, _direct);
        _weights = CreateBuffer((ulong)edgeCap * 4, usage, _direct);
        _cellCount = CreateBuffer((ulong)table * 4, usage, _direct);
        _cellStart = CreateBuffer((ulong)(table + 1) * 4, usage, _direct);
        _sorted = CreateBuffer(nc * 4, usage, _direct);
        _nodeCell = CreateBuffer(nc * 16, usage, _direct);
        if (!_direct)
        {
            // Worst case in one submission: positions, velocities, flags and the whole CSR, each 16-byte aligned.
            var stagingSize = nc * 16 * 2 + nc * 4 + (nc + 1) * 4 + (ulong)edgeCap * 8 + 6 * 16;
            _staging = CreateBuffer(stagingSize, BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit, hostVisible: true);
        }
        _nodeCapacity = nodeCap;
        _edgeCapacity = edgeCap;
        _tableSize = table;
        WriteDescriptors();
    }

    private void WriteDescriptors()
    {
        var a = stackalloc DescriptorBufferInfo[BindingCount];
        var b = stackalloc DescriptorBufferInfo[BindingCount];
        VulkanBuffer[] order = [_pos0, _pos1, _vel, _flags, _offsets, _targets, _weights, _cellCount, _cellStart, _sorted, _nodeCell, _stats];
        for (var i = 0; i < BindingCount; i++)
        {
            a[i] = new DescriptorBufferInfo(order[i].Buffer, 0, Vk.WholeSize);
            b[i] = a[i];
        }
        (b[0], b[1]) = (a[1], a[0]);
        var writes = stackalloc WriteDescriptorSet[2];
        writes[0] = new WriteDescriptorSet { SType = StructureType.WriteDescriptorSet, DstSet = _setA, DstBinding = 0, DescriptorCount = BindingCount, DescriptorType = DescriptorType.StorageBuffer, PBufferInfo = a };
        writes[1] = new WriteDescriptorSet { SType = StructureType.WriteDescriptorSet, DstSet = _setB, DstBinding = 0, DescriptorCount = BindingCount, DescriptorType = DescriptorType.StorageBuffer, PBufferInfo = b };
        _vk.UpdateDescriptorSets(_device, 2, writes, 0, null);
    }

    private void Begin()
    {
        Check(_vk.ResetCommandBuffer(_cmd, 0), "vkResetCommandBuffer");
        var info = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        Check(_vk.BeginCommandBuffer(_cmd, &info), "vkBeginCommandBuffer");
    }

    private void SubmitAndWait()
    {
        Check(_vk.EndCommandBuffer(_cmd), "vkEndCommandBuffer");
        var cmd = _cmd;
        var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &cmd };
        var fence = _fence;
        Check(_vk.ResetFences(_device, 1, &fence), "vkResetFences");
        Check(_vk.QueueSubmit(_queue, 1, &submit, fence), "vkQueueSubmit");
        var r = _vk.WaitForFences(_device, 1, &fence, true, FenceTimeoutNs);
        if (r == Result.Timeout) throw new VulkanDeviceLostException("Vulkan fence wait timed out after 10 s; treating the device as lost.");
        Check(r, "vkWaitForFences");
    }

    private void Barrier(PipelineStageFlags src, AccessFlags srcAccess, PipelineStageFlags dst, AccessFlags dstAccess)
    {
        var barrier = new VkMemoryBarrier { SType = StructureType.MemoryBarrier, SrcAccessMask = srcAccess, DstAccessMask = dstAccess };
        _vk.CmdPipelineBarrier(_cmd, src, dst, 0, 1, &barrier, 0, null, 0, null);
    }

    private void ThrowIfLost()
    {
        if (_lost) throw new VulkanDeviceLostException("The Vulkan device was lost earlier; this backend can no longer run.");
    }

    private void Check(Result result, string call)
    {
        if (result == Result.Success) return;
        if (_device.Handle == 0 || _cmd.Handle == 0)
            throw new VulkanUnavailableException($"{call} failed: {result}.");
        throw new VulkanDeviceLostException($"{call} failed: {result}.");
    }

    // ---- creation ----

    private void CreateInstance()
    {
        var appName = (byte*)Marshal.StringToCoTaskMemUTF8("VisionFlow");
        try
        {
            var app = new ApplicationInfo
            {
                SType = StructureType.ApplicationInfo,
                PApplicationName = appName,
                ApplicationVersion = 1,
                PEngineName = appName,
                EngineVersion = 1,
                ApiVersion = (1u << 22) | (1u << 12),
            };
            var info = new InstanceCreateInfo { SType = StructureType.InstanceCreateInfo, PApplicationInfo = &app };
            Instance instance;
            var r = _vk.CreateInstance(&info, null, &instance);
            if (r != Result.Success) throw new VulkanUnavailableException($"vkCreateInstance failed: {r} (no Vulkan driver installed?).");
            _instance = instance;
        }
        finally
        {
            Marshal.FreeCoTaskMem((nint)appName);
        }
    }

    private void SelectDevice(out uint family)
    {
        uint count = 0;
        _vk.EnumeratePhysicalDevices(_instance, &count, null);
        if (count == 0) throw new VulkanUnavailableException("Vulkan reports no physical devices.");
        var devices = new PhysicalDevice[count];
        fixed (PhysicalDevice* pd = devices) _vk.EnumeratePhysicalDevices(_instance, &count, pd);

        var bestRank = int.MaxValue;
        family = 0;
        foreach (var device in devices)
        {
            var props = _vk.GetPhysicalDeviceProperties(device);
            if (props.ApiVersion < ((1u << 22) | (1u << 12))) continue;
            var rank = props.DeviceType switch
            {
                PhysicalDeviceType.DiscreteGpu => 0,
                PhysicalDeviceType.IntegratedGpu => 1,
                PhysicalDeviceType.VirtualGpu => 2,
                PhysicalDeviceType.Cpu => 3,
                _ => 4,
            };
            if (rank >= bestRank || !TryFindComputeFamily(device, out var f)) continue;
            bestRank = rank;
            family = f;
            _physical = device;
            var v = props.ApiVersion;
            Device = new VulkanDeviceInfo(
                Marshal.PtrToStringUTF8((nint)props.DeviceName) ?? "unknown",
                props.DeviceType switch
                {
                    PhysicalDeviceType.DiscreteGpu => "discrete",
                    PhysicalDeviceType.IntegratedGpu => "integrated",
                    PhysicalDeviceType.VirtualGpu => "virtual",
                    PhysicalDeviceType.Cpu => "cpu",
                    _ => "other",
                },
                $"{v >> 22}.{(v >> 12) & 0x3FF}.{v & 0xFFF}",
                false);
        }
        if (bestRank == int.MaxValue) throw new VulkanUnavailableException("No Vulkan 1.1 device with a compute queue.");
    }

    private bool TryFindComputeFamily(PhysicalDevice device, out uint family)
    {
        uint count = 0;
        _vk.GetPhysicalDeviceQueueFamilyProperties(device, &count, null);
        var families = stackalloc QueueFamilyProperties[(int)count];
        _vk.GetPhysicalDeviceQueueFamilyProperties(device, &count, families);
        for (uint i = 0; i < count; i++)
        {
            if ((families[i].QueueFlags & QueueFlags.ComputeBit) != 0)
            {
                family = i;
                return true;
            }
        }
        family = 0;
        return false;
    }

    private void CreateDevice(uint family)
    {
        var priority = 1f;
        var queueInfo = new DeviceQueueCreateInfo { SType = StructureType.DeviceQueueCreateInfo, QueueFamilyIndex = family, QueueCount = 1, PQueuePriorities = &priority };
        var info = new DeviceCreateInfo { SType = StructureType.DeviceCreateInfo, QueueCreateInfoCount = 1, PQueueCreateInfos = &queueInfo };
        Device device;
        var r = _vk.CreateDevice(_physical, &info, null, &device);
        if (r != Result.Success) throw new VulkanUnavailableException($"vkCreateDevice failed on {Device.Name}: {r}.");
        _device = device;
        Queue queue;
        _vk.GetDeviceQueue(_device, family, 0, &queue);
        _queue = queue;
    }

    private bool DeviceLocalIsHostVisible()
    {
        for (var i = 0; i < (int)_memory.MemoryTypeCount; i++)
        {
            var flags = _memory.MemoryTypes[i].PropertyFlags;
            if ((flags & MemoryPropertyFlags.DeviceLocalBit) == 0) continue;
            // The first device-local type is the one a driver recommends; map it only if it is host-visible too
            // (lavapipe, integrated GPUs). Discrete GPUs get device-local buffers fed through staging.
            const MemoryPropertyFlags host = MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit;
            return (flags & host) == host;
        }
        return false;
    }

    private void CreatePipelines()
    {
        var bindings = stackalloc DescriptorSetLayoutBinding[BindingCount];
        for (var i = 0; i < BindingCount; i++)
        {
            bindings[i] = new DescriptorSetLayoutBinding((uint)i, DescriptorType.StorageBuffer, 1, ShaderStageFlags.ComputeBit);
        }
        var layoutInfo = new DescriptorSetLayoutCreateInfo { SType = StructureType.DescriptorSetLayoutCreateInfo, BindingCount = BindingCount, PBindings = bindings };
        DescriptorSetLayout setLayout;
        Check(_vk.CreateDescriptorSetLayout(_device, &layoutInfo, null, &setLayout), "vkCreateDescriptorSetLayout");
        _setLayout = setLayout;

        var range = new PushConstantRange(ShaderStageFlags.ComputeBit, 0, (uint)sizeof(GpuPushConstants));
        var pipelineLayoutInfo = new PipelineLayoutCreateInfo
        {
            SType = StructureType.PipelineLayoutCreateInfo, SetLayoutCount = 1, PSetLayouts = &setLayout,
            PushConstantRangeCount = 1, PPushConstantRanges = &range,
        };
        PipelineLayout pipelineLayout;
        Check(_vk.CreatePipelineLayout(_device, &pipelineLayoutInfo, null, &pipelineLayout), "vkCreatePipelineLayout");
        _pipelineLayout = pipelineLayout;

        _countPipeline = CreatePipeline("grid_count");
        _scanPipeline = CreatePipeline("grid_scan");
        _scatterPipeline = CreatePipeline("grid_scatter");
        _forcesPipeline = CreatePipeline("forces");

        var poolSize = new DescriptorPoolSize(DescriptorType.StorageBuffer, BindingCount * 2);
        var poolInfo = new DescriptorPoolCreateInfo { SType = StructureType.DescriptorPoolCreateInfo, MaxSets = 2, PoolSizeCount = 1, PPoolSizes = &poolSize };
        DescriptorPool pool;
        Check(_vk.CreateDescriptorPool(_device, &poolInfo, null, &pool), "vkCreateDescriptorPool");
        _descriptorPool = pool;
        var layouts = stackalloc DescriptorSetLayout[2] { setLayout, setLayout };
        var allocInfo = new DescriptorSetAllocateInfo { SType = StructureType.DescriptorSetAllocateInfo, DescriptorPool = pool, DescriptorSetCount = 2, PSetLayouts = layouts };
        var sets = stackalloc DescriptorSet[2];
        Check(_vk.AllocateDescriptorSets(_device, &allocInfo, sets), "vkAllocateDescriptorSets");
        _setA = sets[0];
        _setB = sets[1];
    }

    private Pipeline CreatePipeline(string name)
    {
        var code = ShaderResources.Load(name);
        ShaderModule module;
        fixed (byte* p = code)
        {
            var info = new ShaderModuleCreateInfo { SType = StructureType.ShaderModuleCreateInfo, CodeSize = (nuint)code.Length, PCode = (uint*)p };
            Check(_vk.CreateShaderModule(_device, &info, null, &module), $"vkCreateShaderModule({name})");
        }
        try
        {
            var entry = stackalloc byte[] { (byte)'m', (byte)'a', (byte)'i', (byte)'n', 0 };
            var stage = new PipelineShaderStageCreateInfo { SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.ComputeBit, Module = module, PName = entry };
            var info = new ComputePipelineCreateInfo { SType = StructureType.ComputePipelineCreateInfo, Stage = stage, Layout = _pipelineLayout };
            Pipeline pipeline;
            Check(_vk.CreateComputePipelines(_device, default, 1, &info, null, &pipeline), $"vkCreateComputePipelines({name})");
            return pipeline;
        }
        finally
        {
            _vk.DestroyShaderModule(_device, module, null);
        }
    }

    private void CreateCommands(uint family)
    {
        var poolInfo = new CommandPoolCreateInfo { SType = StructureType.CommandPoolCreateInfo, QueueFamilyIndex = family, Flags = CommandPoolCreateFlags.ResetCommandBufferBit };
        CommandPool pool;
        Check(_vk.CreateCommandPool(_device, &poolInfo, null, &pool), "vkCreateCommandPool");
        _commandPool = pool;
        var allocInfo = new CommandBufferAllocateInfo { SType = StructureType.CommandBufferAllocateInfo, CommandPool = pool, Level = CommandBufferLevel.Primary, CommandBufferCount = 1 };
        CommandBuffer cmd;
        Check(_vk.AllocateCommandBuffers(_device, &allocInfo, &cmd), "vkAllocateCommandBuffers");
        var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
        Fence fence;
        Check(_vk.CreateFence(_device, &fenceInfo, null, &fence), "vkCreateFence");
        _fence = fence;
        _cmd = cmd;
    }

    private VulkanBuffer CreateBuffer(ulong size, BufferUsageFlags usage, bool hostVisible)
    {
        var info = new BufferCreateInfo { SType = StructureType.BufferCreateInfo, Size = Math.Max(size, 16), Usage = usage, SharingMode = SharingMode.Exclusive };
        VkBuffer buffer;
        Check(_vk.CreateBuffer(_device, &info, null, &buffer), "vkCreateBuffer");
        _vk.GetBufferMemoryRequirements(_device, buffer, out var req);
        var wanted = hostVisible
            ? MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit
            : MemoryPropertyFlags.DeviceLocalBit;
        var type = FindMemoryType(req.MemoryTypeBits, wanted);
        var alloc = new MemoryAllocateInfo { SType = StructureType.MemoryAllocateInfo, AllocationSize = req.Size, MemoryTypeIndex = type };
        DeviceMemory memory;
        var r = _vk.AllocateMemory(_device, &alloc, null, &memory);
        if (r != Result.Success)
        {
            _vk.DestroyBuffer(_device, buffer, null);
            Check(r, $"vkAllocateMemory({size} bytes)");
        }
        Check(_vk.BindBufferMemory(_device, buffer, memory, 0), "vkBindBufferMemory");
        nint mapped = 0;
        if (hostVisible)
        {
            void* p;
            Check(_vk.MapMemory(_device, memory, 0, Vk.WholeSize, 0, &p), "vkMapMemory");
            mapped = (nint)p;
        }
        return new VulkanBuffer(buffer, memory, size, mapped);
    }

    private uint FindMemoryType(uint typeBits, MemoryPropertyFlags wanted)
    {
        for (var i = 0; i < (int)_memory.MemoryTypeCount; i++)
        {
            if ((typeBits & (1u << i)) != 0 && (_memory.MemoryTypes[i].PropertyFlags & wanted) == wanted) return (uint)i;
        }
        throw new VulkanUnavailableException($"No Vulkan memory type with {wanted} on {Device.Name}.");
    }

    private void FreeBuffer(ref VulkanBuffer b)
    {
        if (b.Buffer.Handle != 0) _vk.DestroyBuffer(_device, b.Buffer, null);
        if (b.Memory.Handle != 0) _vk.FreeMemory(_device, b.Memory, null);
        b = default;
    }

    private void FreeStorage()
    {
        FreeBuffer(ref _pos0); FreeBuffer(ref _pos1); FreeBuffer(ref _vel); FreeBuffer(ref _flags);
        FreeBuffer(ref _offsets); FreeBuffer(ref _targets); FreeBuffer(ref _weights);
        FreeBuffer(ref _cellCount); FreeBuffer(ref _cellStart); FreeBuffer(ref _sorted); FreeBuffer(ref _nodeCell);
        FreeBuffer(ref _staging);
    }

    private void DestroyAll()
    {
        if (_device.Handle != 0)
        {
            _vk.DeviceWaitIdle(_device);
            FreeStorage();
            FreeBuffer(ref _stats);
            if (_fence.Handle != 0) _vk.DestroyFence(_device, _fence, null);
            if (_commandPool.Handle != 0) _vk.DestroyCommandPool(_device, _commandPool, null);
            if (_descriptorPool.Handle != 0) _vk.DestroyDescriptorPool(_device, _descriptorPool, null);
            foreach (var p in (ReadOnlySpan<Pipeline>)[_countPipeline, _scanPipeline, _scatterPipeline, _forcesPipeline])
            {
                if (p.Handle != 0) _vk.DestroyPipeline(_device, p, null);
            }
            if (_pipelineLayout.Handle != 0) _vk.DestroyPipelineLayout(_device, _pipelineLayout, null);
            if (_setLayout.Handle != 0) _vk.DestroyDescriptorSetLayout(_device, _setLayout, null);
            _vk.DestroyDevice(_device, null);
            _device = default;
        }
        if (_instance.Handle != 0)
        {
            _vk.DestroyInstance(_instance, null);
            _instance = default;
        }
        _vk.Dispose();
        _context.Dispose();
    }
}
