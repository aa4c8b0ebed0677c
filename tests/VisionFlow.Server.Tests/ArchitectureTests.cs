using System.Reflection;
using System.Reflection.Emit;

namespace VisionFlow.Server.Tests;

/// <summary>
/// The architecture as the built assemblies have it: each product assembly uses exactly the product assemblies listed
/// for it (no more, so a new upward or sideways reference fails; no fewer, so the list stays true), every one of them
/// lower in <see cref="Layers"/> (protocol → connections → agents → physics → server; the simulator on protocol only),
/// nothing below the server touches ASP.NET, and no namespace of a product assembly depends on another that depends
/// back on it. Read from every type's signatures and IL.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>Each product project's layer: a project may use only projects of a lower layer.</summary>
    private static readonly Dictionary<string, int> Layers = new()
    {
        ["VisionFlow.Protocol"] = 0,
        ["VisionFlow.Connections"] = 1,
        ["VisionFlow.Simulator"] = 1,
        ["VisionFlow.Agents"] = 2,
        ["VisionFlow.Physics"] = 3,
        ["VisionFlow.History"] = 3,
        ["VisionFlow.Server"] = 4,
    };

    /// <summary>Exactly the product assemblies each one uses (what its built metadata references).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["VisionFlow.Protocol"] = [],
        ["VisionFlow.Connections"] = ["VisionFlow.Protocol"],
        // The agents layer reads agent objects with the protocol's one vocabulary (WireVocabulary), as commands' answers do.
        ["VisionFlow.Agents"] = ["VisionFlow.Connections", "VisionFlow.Protocol"],
        ["VisionFlow.Physics"] = [],
        ["VisionFlow.Simulator"] = ["VisionFlow.Protocol"],
        // The history store is handed typed change records and knows no other layer (the server maps change sets onto them).
        ["VisionFlow.History"] = [],
        ["VisionFlow.Server"] = ["VisionFlow.Physics", "VisionFlow.Agents", "VisionFlow.Connections", "VisionFlow.Protocol", "VisionFlow.Simulator", "VisionFlow.History"],
    };

    public static IEnumerable<Func<string>> Products() => Allowed.Keys.Select(name => (Func<string>)(() => name));

    [Test]
    [MethodDataSource(nameof(Products))]
    public async Task A_project_uses_exactly_its_listed_projects_and_they_are_all_lower_layers(string assemblyName)
    {
        var assembly = Load(assemblyName);
        var referenced = ProductReferences(assembly);
        var wrong = Violations(assemblyName, referenced);
        await Assert.That(wrong).IsEmpty().Because($"{assemblyName}: {string.Join("; ", wrong)}");

        // A project reference the code does not use is a stale one (the compiler drops unused assembly references from
        // metadata, so compare what the types really touch with the direct project references in the project file).
        var self = assembly.GetName().Name!;
        var used = DependenciesOf(assembly).Select(t => t.Assembly.GetName().Name!).Where(n => n.StartsWith("VisionFlow.", StringComparison.Ordinal) && n != self).ToHashSet();
        foreach (var project in ProjectReferences(assemblyName))
        {
            await Assert.That(used).Contains(project).Because($"{assemblyName} references the project {project} but uses none of it");
        }

        if (assemblyName != "VisionFlow.Server")
        {
            await Assert.That(assembly.GetReferencedAssemblies().Any(a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))).IsFalse();
        }
    }

    [Test]
    public async Task The_reference_check_refuses_an_unlisted_an_upward_and_a_missing_reference()
    {
        // The check itself must be able to fail: Physics taking up Agents (listed for nobody below it), Protocol
        // reaching up to the server, and Connections no longer using Protocol (a list that stopped being true).
        await Assert.That(Violations("VisionFlow.Physics", ["VisionFlow.Agents"])).IsNotEmpty();
        await Assert.That(Violations("VisionFlow.Protocol", ["VisionFlow.Server"]).Single()).Contains("not listed");
        await Assert.That(Violations("VisionFlow.Connections", [])).IsNotEmpty();
        await Assert.That(Violations("VisionFlow.Connections", ["VisionFlow.Protocol"])).IsEmpty();
    }

    [Test]
    public async Task Every_listed_reference_points_down_the_layers()
    {
        await Assert.That(Layers.Keys.Order(StringComparer.Ordinal)).IsEquivalentTo(Allowed.Keys.Order(StringComparer.Ordinal));
        foreach (var (project, uses) in Allowed)
        {
            foreach (var used in uses)
            {
                await Assert.That(Layers[used]).IsLessThan(Layers[project]).Because($"{project} (layer {Layers[project]}) may not use {used} (layer {Layers[used]})");
            }
        }
    }

    [Test]
    [MethodDataSource(nameof(Products))]
    public async Task No_namespace_depends_back_on_one_that_depends_on_it(string assemblyName)
    {
        var assembly = Load(assemblyName);
        var why = new Dictionary<(string From, string To), string>();
        var graph = NamespaceGraph(assembly, why);
        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).Select(c =>
        {
            // Name the type behind each edge inside the cycle, so the failure says what to move.
            var members = c.ToHashSet();
            var edges = why.Where(e => members.Contains(e.Key.From) && members.Contains(e.Key.To))
                .Select(e => $"{e.Key.From} -> {e.Key.To} ({e.Value})").Order(StringComparer.Ordinal);
            return string.Join("\n", edges);
        }).ToList();
        await Assert.That(cycles).IsEmpty().Because("namespace cycles:\n" + string.Join("\n\n", cycles));
    }

    [Test]
    public async Task The_cycle_check_finds_a_cycle()
    {
        // The check itself must be able to fail: a -> b -> c -> a is one component of three.
        var graph = new Dictionary<string, HashSet<string>> { ["a"] = ["b"], ["b"] = ["c"], ["c"] = ["a"], ["d"] = ["a"] };
        var components = StronglyConnected(graph).Where(c => c.Count > 1).ToList();
        await Assert.That(components.Count).IsEqualTo(1);
        await Assert.That(components[0].Order(StringComparer.Ordinal)).IsEquivalentTo(new[] { "a", "b", "c" });
    }

    /// <summary>The built assembly of a project (the server's is the executable, named <c>visionflow</c>).</summary>
    private static Assembly Load(string project) => System.Reflection.Assembly.Load(project == "VisionFlow.Server" ? "visionflow" : project);

    /// <summary>The product assemblies <paramref name="assembly"/>'s metadata references (the ones its code uses).</summary>
    private static HashSet<string> ProductReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("VisionFlow.", StringComparison.Ordinal))
            .Select(n => n == "visionflow" ? "VisionFlow.Server" : n).ToHashSet();

    /// <summary>What is wrong with <paramref name="project"/> using <paramref name="uses"/>: each use not listed, each listed one unused.</summary>
    private static List<string> Violations(string project, IReadOnlyCollection<string> uses)
    {
        var listed = Allowed[project];
        var wrong = new List<string>();
        foreach (var used in uses.Where(u => !listed.Contains(u)))
        {
            var direction = Layers.TryGetValue(used, out var layer) && layer >= Layers[project] ? "up or across the layers" : "down the layers";
            wrong.Add($"uses {used} ({direction}), which is not listed for it");
        }

        foreach (var unused in listed.Where(l => !uses.Contains(l)))
        {
            wrong.Add($"no longer uses {unused}: take it off its list");
        }

        return wrong;
    }

    /// <summary>Direct project references, read from the project file next to the source (the build's truth).</summary>
    private static IEnumerable<string> ProjectReferences(string assemblyName)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "VisionFlow.Aot.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("repository root");
        }

        var project = File.ReadAllText(Path.Combine(root, "src", assemblyName, assemblyName + ".csproj"));
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(project, @"<ProjectReference Include=""[^""]*/(VisionFlow\.[A-Za-z]+)\.csproj""[^>]*>"))
        {
            // An analyzer (the contract generator) runs at build time; nothing of it is referenced at run time.
            if (!m.Value.Contains("OutputItemType=\"Analyzer\"", StringComparison.Ordinal))
            {
                yield return m.Groups[1].Value;
            }
        }
    }

    /// <summary>Namespace → namespaces of the same assembly its types use.</summary>
    private static Dictionary<string, HashSet<string>> NamespaceGraph(Assembly assembly, Dictionary<(string From, string To), string> why)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in Types(assembly))
        {
            var from = Namespace(type);
            if (from is null || !from.StartsWith("VisionFlow", StringComparison.Ordinal))
            {
                continue;
            }

            var edges = graph.TryGetValue(from, out var set) ? set : graph[from] = [];
            foreach (var used in DependenciesOf(type))
            {
                if (used.Assembly == assembly && Namespace(used) is { } to && to != from && to.StartsWith("VisionFlow", StringComparison.Ordinal))
                {
                    edges.Add(to);
                    why.TryAdd((from, to), $"{type.Name} uses {used.Name}");
                }
            }
        }

        return graph;
    }

    private static string? Namespace(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type.Namespace;
    }

    private static IEnumerable<Type> Types(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }

    private static HashSet<Type> DependenciesOf(Assembly assembly) => Types(assembly).SelectMany(DependenciesOf).ToHashSet();

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every type <paramref name="type"/> names: base, interfaces, members' signatures, attributes, and what its method bodies touch.</summary>
    private static IEnumerable<Type> DependenciesOf(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null)
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
                return;
            }

            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                foreach (var argument in t.GetGenericArguments())
                {
                    Add(argument);
                }

                t = t.GetGenericTypeDefinition();
            }

            if (!t.IsGenericParameter)
            {
                found.Add(t);
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var a in type.CustomAttributes)
        {
            Add(a.AttributeType);
        }

        foreach (var field in type.GetFields(All))
        {
            Add(field.FieldType);
        }

        foreach (var property in type.GetProperties(All))
        {
            Add(property.PropertyType);
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (var used in BodyReferences(method))
            {
                Add(used);
            }
        }

        return found;
    }

    private static readonly OpCode[] OneByte = new OpCode[0x100];
    private static readonly OpCode[] TwoByte = new OpCode[0x100];

    static ArchitectureTests()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            var value = (ushort)code.Value;
            if (value < 0x100)
            {
                OneByte[value] = code;
            }
            else if ((value & 0xff00) == 0xfe00)
            {
                TwoByte[value & 0xff] = code;
            }
        }
    }

    /// <summary>Types named by the tokens in <paramref name="method"/>'s IL (calls, field accesses, type operands).</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException)
        {
            il = null;
        }

        if (il is null)
        {
            yield break;
        }

        var module = method.Module;
        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            var code = il[i] == 0xfe ? TwoByte[il[++i]] : OneByte[il[i]];
            i++;
            switch (code.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    var count = BitConverter.ToInt32(il, i);
                    i += 4 + (4 * count);
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    var token = BitConverter.ToInt32(il, i);
                    i += 4;
                    MemberInfo? member = null;
                    try
                    {
                        member = module.ResolveMember(token, typeArguments, methodArguments);
                    }
                    catch (Exception ex) when (ex is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException)
                    {
                    }

                    switch (member)
                    {
                        case Type t:
                            yield return t;
                            break;
                        case FieldInfo f:
                            yield return f.DeclaringType!;
                            yield return f.FieldType;
                            break;
                        case MethodBase m:
                            yield return m.DeclaringType!;
                            if (m is MethodInfo mi)
                            {
                                yield return mi.ReturnType;
                            }

                            break;
                    }

                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var onStack = new HashSet<string>();
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        var next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.TryGetValue(v, out var edges) ? edges : [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w2;
                do
                {
                    w2 = stack.Pop();
                    onStack.Remove(w2);
                    component.Add(w2);
                }
                while (w2 != v);
                result.Add(component);
            }
        }

        foreach (var v in graph.Keys.ToList())
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return result;
    }
}
