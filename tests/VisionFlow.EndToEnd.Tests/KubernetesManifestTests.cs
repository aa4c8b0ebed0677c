using System.Globalization;
using System.Net;
using System.Text.Json;
using VisionFlow.Testing;
using YamlDotNet.RepresentationModel;

namespace VisionFlow.EndToEnd.Tests;

/// <summary>
/// deploy/kubernetes as an operator relies on it: the probes answer as documented on the real binary run with the
/// ConfigMap's settings, the ports line up, the pod is non-root with a read-only root, and the GPU overlay asks for a
/// GPU with the driver capabilities that bring the Vulkan ICD.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(Repository.Root, "deploy", "kubernetes");

    private static YamlMappingNode Load(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Folder, relative));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node is YamlSequenceNode seq && int.TryParse(key, out var i) ? seq[i] : ((YamlMappingNode)node)[key];
        }

        return node;
    }

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static YamlMappingNode Container(YamlNode deployment) => (YamlMappingNode)At(deployment, "spec", "template", "spec", "containers", "0");

    private static Dictionary<string, string> ConfigMapData() =>
        ((YamlMappingNode)At(Load("base/configmap.yaml"), "data")).Children.ToDictionary(
            kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!);

    [Test]
    public async Task Kustomizations_name_files_that_exist()
    {
        foreach (var overlay in new[] { "base", "gpu", "jetson" })
        {
            var kustomization = Load($"{overlay}/kustomization.yaml");
            var files = ((YamlSequenceNode)At(kustomization, "resources")).Children.Select(n => ((YamlScalarNode)n).Value!).ToList();
            if (kustomization.Children.ContainsKey("patches"))
            {
                files.AddRange(((YamlSequenceNode)At(kustomization, "patches")).Children.Select(n => Text(n, "path")));
            }

            foreach (var file in files)
            {
                await Assert.That(Path.Exists(Path.Combine(Folder, overlay, file))).IsTrue().Because($"{overlay}/kustomization.yaml names {file}");
            }
        }
    }

    [Test]
    public async Task Ports_line_up_from_the_configmap_to_the_service()
    {
        var deployment = Load("base/deployment.yaml");
        var container = Container(deployment);
        var port = At(container, "ports", "0");
        var url = new Uri(ConfigMapData()["VISIONFLOW_URLS"]);
        await Assert.That(int.Parse(Text(port, "containerPort"), CultureInfo.InvariantCulture)).IsEqualTo(url.Port);
        await Assert.That(url.Host).IsEqualTo("0.0.0.0").Because("inside a pod the service must listen beyond loopback");

        var service = Load("base/service.yaml");
        await Assert.That(Text(service, "spec", "ports", "0", "targetPort")).IsEqualTo(Text(port, "name"));
        // Viewer sessions are per replica (12 h, SessionStore.Lifetime): the browser must stay on its replica as long.
        await Assert.That(Text(service, "spec", "sessionAffinity")).IsEqualTo("ClientIP");
        await Assert.That(Text(service, "spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds")).IsEqualTo("43200");
        var podLabels = (YamlMappingNode)At(deployment, "spec", "template", "metadata", "labels");
        foreach (var (key, value) in ((YamlMappingNode)At(service, "spec", "selector")).Children)
        {
            await Assert.That(((YamlScalarNode)podLabels[key]).Value).IsEqualTo(((YamlScalarNode)value).Value);
        }

        // Probes use the named port, so they follow it.
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            await Assert.That(Text(container, probe, "httpGet", "port")).IsEqualTo(Text(port, "name"));
        }
    }

    [Test]
    public async Task The_pod_is_non_root_with_a_read_only_root_and_bounded_resources()
    {
        var deployment = Load("base/deployment.yaml");
        var pod = At(deployment, "spec", "template", "spec");
        await Assert.That(Text(pod, "securityContext", "runAsNonRoot")).IsEqualTo("true");
        await Assert.That(int.Parse(Text(pod, "securityContext", "runAsUser"), CultureInfo.InvariantCulture)).IsGreaterThan(0);
        await Assert.That(Text(pod, "securityContext", "seccompProfile", "type")).IsEqualTo("RuntimeDefault");

        var container = Container(deployment);
        await Assert.That(Text(container, "securityContext", "readOnlyRootFilesystem")).IsEqualTo("true");
        await Assert.That(Text(container, "securityContext", "allowPrivilegeEscalation")).IsEqualTo("false");
        await Assert.That(Text(container, "securityContext", "capabilities", "drop", "0")).IsEqualTo("ALL");
        await Assert.That(Text(container, "resources", "requests", "cpu")).IsNotEmpty();
        await Assert.That(Text(container, "resources", "requests", "memory")).IsNotEmpty();
        await Assert.That(Text(container, "resources", "limits", "memory")).IsNotEmpty();

        // The kubelet's budget covers the endpoint-removal pause and the service's own bounded stop.
        var grace = int.Parse(Text(pod, "terminationGracePeriodSeconds"), CultureInfo.InvariantCulture);
        var pause = int.Parse(Text(container, "lifecycle", "preStop", "sleep", "seconds"), CultureInfo.InvariantCulture);
        var stop = int.Parse(ConfigMapData()["VISIONFLOW_SHUTDOWN_TIMEOUT"], CultureInfo.InvariantCulture) / 1000.0;
        await Assert.That((double)grace).IsGreaterThan(pause + stop);

        // The one folder written besides /tmp, history, is on a volume of its own (the root is read-only).
        var env = ((YamlSequenceNode)At(container, "env")).Children.Where(e => e is YamlMappingNode m && m.Children.ContainsKey("value"))
            .ToDictionary(e => Text(e, "name"), e => Text(e, "value"));
        var history = env["VISIONFLOW_HISTORY_DIR"];
        var mounts = ((YamlSequenceNode)At(container, "volumeMounts")).Children.Select(m => (Name: Text(m, "name"), Path: Text(m, "mountPath"))).ToList();
        var mount = mounts.SingleOrDefault(m => history.StartsWith(m.Path + "/", StringComparison.Ordinal));
        await Assert.That(mount.Name).IsEqualTo("history").Because($"{history} must be under a mounted volume");
        var volumes = ((YamlSequenceNode)At(pod, "volumes")).Children.Select(v => Text(v, "name")).ToList();
        await Assert.That(volumes).Contains("history");
    }

    [Test]
    public async Task The_gpu_overlay_requests_a_gpu_with_the_graphics_driver_capability()
    {
        var patch = Load("gpu/deployment-gpu.yaml");
        var baseDeployment = Load("base/deployment.yaml");
        // A strategic-merge patch lands only where the names match.
        await Assert.That(Text(patch, "metadata", "name")).IsEqualTo(Text(baseDeployment, "metadata", "name"));
        var container = Container(patch);
        await Assert.That(Text(container, "name")).IsEqualTo(Text(Container(baseDeployment), "name"));
        await Assert.That(Text(container, "resources", "limits", "nvidia.com/gpu")).IsEqualTo("1");
        await Assert.That(Text(container, "resources", "requests", "nvidia.com/gpu")).IsEqualTo("1");
        var env = ((YamlSequenceNode)At(container, "env")).Children.ToDictionary(e => Text(e, "name"), e => Text(e, "value"));
        await Assert.That(env["NVIDIA_DRIVER_CAPABILITIES"].Split(',')).IsEquivalentTo(new[] { "compute", "utility", "graphics" });
    }

    [Test]
    public async Task Only_the_jetson_overlay_pins_an_architecture_so_the_gpu_overlay_fits_arm64_gpu_nodes_too()
    {
        // The image is a manifest list (linux/amd64 and linux/arm64): base and gpu must schedule on either kind of node.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Folder, "base")).Concat(Directory.EnumerateFiles(Path.Combine(Folder, "gpu"))))
        {
            await Assert.That(await File.ReadAllTextAsync(file)).DoesNotContain("kubernetes.io/arch").Because($"{file} would pin an architecture");
        }

        await Assert.That(Text(Container(Load("base/deployment.yaml")), "image")).IsEqualTo("visionflow");
        await Assert.That(((YamlSequenceNode)At(Load("jetson/kustomization.yaml"), "resources")).Children.Select(n => ((YamlScalarNode)n).Value!)).IsEquivalentTo(new[] { "../gpu" });
    }

    [Test]
    public async Task The_jetson_overlay_runs_the_gpu_overlay_on_an_arm64_node_under_the_nvidia_runtime_class()
    {
        var patch = Load("jetson/deployment-jetson.yaml");
        await Assert.That(Text(patch, "metadata", "name")).IsEqualTo(Text(Load("base/deployment.yaml"), "metadata", "name"));
        var pod = At(patch, "spec", "template", "spec");
        await Assert.That(Text(pod, "nodeSelector", "kubernetes.io/arch")).IsEqualTo("arm64");
        // The class it names is the one shipped beside it, whose handler is the NVIDIA runtime's name in k3s's containerd.
        var runtimeClass = Load("jetson/runtimeclass.yaml");
        await Assert.That(Text(runtimeClass, "kind")).IsEqualTo("RuntimeClass");
        await Assert.That(Text(pod, "runtimeClassName")).IsEqualTo(Text(runtimeClass, "metadata", "name"));
        await Assert.That(Text(runtimeClass, "handler")).IsEqualTo("nvidia");
    }

    [Test]
    public async Task The_probes_answer_as_documented_on_the_binary_run_with_the_configmap()
    {
        var container = Container(Load("base/deployment.yaml"));
        var live = Text(container, "livenessProbe", "httpGet", "path");
        var ready = Text(container, "readinessProbe", "httpGet", "path");
        await Assert.That(Text(container, "startupProbe", "httpGet", "path")).IsEqualTo(live);

        // The ConfigMap as the pod gets it, on a free loopback port; an API key is set, as it should be in a cluster,
        // and the kubelet sends none. CLAUDE_FLOW_HOST (claude-flow-mcp) does not resolve here: MCP is down throughout.
        var env = ConfigMapData();
        env["VISIONFLOW_URLS"] = "http://127.0.0.1:0";
        env["VISIONFLOW_API_KEY"] = "0123456789abcdef-kube-key";
        env["VISIONFLOW_PHYSICS_BACKEND"] = "cpu";
        await using var run = BinaryProcess.Start([], env);
        var address = await run.WaitForListeningAsync(TimeSpan.FromSeconds(20));
        using var http = new HttpClient { BaseAddress = address };

        using var liveResponse = await http.GetAsync(live);
        await Assert.That(liveResponse.StatusCode).IsEqualTo(HttpStatusCode.OK);
        using (var body = JsonDocument.Parse(await liveResponse.Content.ReadAsStringAsync()))
        {
            await Assert.That(body.RootElement.GetProperty("status").GetString()).IsEqualTo("live");
        }

        // Ready once the layout runs, with MCP down: an MCP outage is not a readiness condition.
        JsonElement readyBody = default;
        await VisionFlow.Testing.Eventually.UntilAsync(
            async () =>
            {
                using var response = await http.GetAsync(ready);
                readyBody = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }

                await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
                await Assert.That(readyBody.GetProperty("status").GetString()).IsEqualTo("not_ready");
                return false;
            },
            "the probe ready",
            TimeSpan.FromSeconds(30),
            pollMilliseconds: 20,
            seen: () => readyBody.ToString());

        await Assert.That(readyBody.GetProperty("status").GetString()).IsEqualTo("ready");
        using var health = JsonDocument.Parse(await http.GetStringAsync("/api/health"));
        var mcp = health.RootElement.GetProperty("subsystems").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "mcp");
        await Assert.That(mcp.GetProperty("state").GetString()).IsEqualTo("down");

        run.Terminate();
        await Assert.That(await run.WaitForExitAsync(TimeSpan.FromSeconds(10))).IsEqualTo(0);
        // The ConfigMap's JSON log format held: every line is one object.
        foreach (var line in run.Stdout)
        {
            using var _ = JsonDocument.Parse(line);
        }
    }
}
