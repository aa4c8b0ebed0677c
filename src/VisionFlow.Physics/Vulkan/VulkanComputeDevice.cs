using System.Runtime.InteropServices;
using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;
using VkMemoryBarrier = Silk.NET.Vulkan.MemoryBarrier;

namespace VisionFlow.Physics.Vulkan;

/// <summary>
/// A Vulkan compute device brought up for the layout: the instance, the best physical device with a compute queue
/// (discrete, integrated, virtual, then CPU), the logical device and its queue, the four layout pipelines with their
/// layout and two descriptor sets, and one command buffer with its fence. It owns them all, destroys them on dispose,
/// allocates buffers on the device, and records and submits one command buffer at a time; what is recorded each step
/// is <see cref="VulkanLayoutBackend"/>'s.
/// </summary>
internal sealed unsafe class VulkanComputeDevice : IDisposable
{
    /// <summary>Storage buffers bound to each pipeline (see the shaders' bindings 0-11).</summary>
    public const int BindingCount = 12;

    private const ulong FenceTimeoutNs = 10_000_000_000;

    private readonly VulkanNativeContext _context;
    private readonly Vk _vk;
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

    private VulkanComputeDevice(VulkanNativeContext context)
    {
        _context = context;
        _vk = new Vk(context);
        try
        {
            CreateInstance();
            SelectDevice(out var family);
            CreateDevice(family);
            _vk.GetPhysicalDeviceMemoryProperties(_physical, out _memory);
            DeviceLocalIsHostVisible = DeviceLocalIsHostVisibleCore();
            CreatePipelines();
            CreateCommands(family);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The Vulkan API bound to this device's loader.</summary>
    public Vk Api => _vk;

    /// <summary>The selected device (<see cref="VulkanDeviceInfo.DirectlyMapped"/> is the backend's choice, false here).</summary>
    public VulkanDeviceInfo Info { get; private set; } = new("", "", "", false);

    /// <summary>True when the driver's preferred device-local memory is also host-visible (lavapipe, integrated GPUs).</summary>
    public bool DeviceLocalIsHostVisible { get; }

    /// <summary>The one command buffer every submission is recorded into.</summary>
    public CommandBuffer Commands => _cmd;

    /// <summary>The pipeline layout shared by the four pipelines (one descriptor set, the push constants).</summary>
    public PipelineLayout PipelineLayout => _pipelineLayout;

    /// <summary>Grid pass 1: counts nodes per hash cell.</summary>
    public Pipeline CountPipeline => _countPipeline;

    /// <summary>Grid pass 2: prefix sum of the cell counts.</summary>
    public Pipeline ScanPipeline => _scanPipeline;

    /// <summary>Grid pass 3: scatters node indices into cell order.</summary>
    public Pipeline ScatterPipeline => _scatterPipeline;

    /// <summary>Forces and integration over the sorted grid.</summary>
    public Pipeline ForcesPipeline => _forcesPipeline;

    /// <summary>The descriptor set that reads positions from binding 0 and writes binding 1.</summary>
    public DescriptorSet SetA => _setA;

    /// <summary>The descriptor set with the two position buffers swapped.</summary>
    public DescriptorSet SetB => _setB;

    /// <summary>Loads the Vulkan loader and brings up the best device, or throws <see cref="VulkanUnavailableException"/>.</summary>
    public static VulkanComputeDevice Open()
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
        return new VulkanComputeDevice(context);
    }

    /// <summary>Waits until the device has finished all submitted work (before buffers it uses are replaced).</summary>
    public void WaitIdle() => Check(_vk.DeviceWaitIdle(_device), "vkDeviceWaitIdle");

    /// <summary>Waits for the device to go idle before teardown; best effort, since a lost device cannot be waited on and teardown must go on.</summary>
    public void WaitIdleForDispose()
    {
        if (_device.Handle != 0) _vk.DeviceWaitIdle(_device);
    }

    /// <summary>Creates a buffer with its own memory: host-visible, coherent and persistently mapped, or device-local.</summary>
    public VulkanBuffer CreateBuffer(ulong size, BufferUsageFlags usage, bool hostVisible)
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

    /// <summary>Destroys a buffer and frees its memory (a default buffer is left alone) and clears the reference.</summary>
    public void FreeBuffer(ref VulkanBuffer b)
    {
        if (b.Buffer.Handle != 0) _vk.DestroyBuffer(_device, b.Buffer, null);
        if (b.Memory.Handle != 0) _vk.FreeMemory(_device, b.Memory, null);
        b = default;
    }

    /// <summary>
    /// Points both descriptor sets at the storage buffers in binding order; set B swaps bindings 0 and 1 (the two
    /// position buffers), so alternating sets ping-pongs positions without copying.
    /// </summary>
    public void BindStorage(ReadOnlySpan<VulkanBuffer> order)
    {
        if (order.Length != BindingCount) throw new ArgumentException($"expected {BindingCount} buffers", nameof(order));
        var a = stackalloc DescriptorBufferInfo[BindingCount];
        var b = stackalloc DescriptorBufferInfo[BindingCount];
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

    /// <summary>Resets the command buffer and begins recording a one-time submission.</summary>
    public void Begin()
    {
        Check(_vk.ResetCommandBuffer(_cmd, 0), "vkResetCommandBuffer");
        var info = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        Check(_vk.BeginCommandBuffer(_cmd, &info), "vkBeginCommandBuffer");
    }

    /// <summary>Ends recording, submits, and waits on the fence (a 10 s wait means the device is lost).</summary>
    public void SubmitAndWait()
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

    /// <summary>Records a global memory barrier.</summary>
    public void Barrier(PipelineStageFlags src, AccessFlags srcAccess, PipelineStageFlags dst, AccessFlags dstAccess)
    {
        var barrier = new VkMemoryBarrier { SType = StructureType.MemoryBarrier, SrcAccessMask = srcAccess, DstAccessMask = dstAccess };
        _vk.CmdPipelineBarrier(_cmd, src, dst, 0, 1, &barrier, 0, null, 0, null);
    }

    /// <summary>Records one compute dispatch of <paramref name="groups"/> work groups and the barrier the next pass needs.</summary>
    public void Dispatch(Pipeline pipeline, uint groups)
    {
        _vk.CmdBindPipeline(_cmd, PipelineBindPoint.Compute, pipeline);
        _vk.CmdDispatch(_cmd, groups, 1, 1);
        Barrier(PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit,
            PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit, AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit);
    }

    /// <summary>
    /// Throws unless <paramref name="result"/> is success: <see cref="VulkanUnavailableException"/> while the device is
    /// being brought up, <see cref="VulkanDeviceLostException"/> once it runs.
    /// </summary>
    public void Check(Result result, string call)
    {
        if (result == Result.Success) return;
        if (_device.Handle == 0 || _cmd.Handle == 0)
            throw new VulkanUnavailableException($"{call} failed: {result}.");
        throw new VulkanDeviceLostException($"{call} failed: {result}.");
    }

    /// <summary>Waits for the device to go idle (best effort) and destroys everything it owns; buffers are freed by their owner first.</summary>
    public void Dispose()
    {
        WaitIdleForDispose();
        if (_device.Handle != 0)
        {
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
            Info = new VulkanDeviceInfo(
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
        if (r != Result.Success) throw new VulkanUnavailableException($"vkCreateDevice failed on {Info.Name}: {r}.");
        _device = device;
        Queue queue;
        _vk.GetDeviceQueue(_device, family, 0, &queue);
        _queue = queue;
    }

    private bool DeviceLocalIsHostVisibleCore()
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

    private uint FindMemoryType(uint typeBits, MemoryPropertyFlags wanted)
    {
        for (var i = 0; i < (int)_memory.MemoryTypeCount; i++)
        {
            if ((typeBits & (1u << i)) != 0 && (_memory.MemoryTypes[i].PropertyFlags & wanted) == wanted) return (uint)i;
        }
        throw new VulkanUnavailableException($"No Vulkan memory type with {wanted} on {Info.Name}.");
    }
}
