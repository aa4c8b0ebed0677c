using System.Reflection;
using System.Runtime.CompilerServices;

namespace VisionFlow.Server.Tests;

/// <summary>
/// Internal by default, read from the built assemblies: no product assembly opens its internals to another one (only to
/// tests and benchmarks), so what the server uses of a library must be public and nothing else need be; and the four
/// libraries below the server stay within their budget of public types (189 before they were made internal by default),
/// and the server, which nothing references, has none.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly string[] Libraries = ["VisionFlow.Protocol", "VisionFlow.Connections", "VisionFlow.Agents", "VisionFlow.Physics"];

    private static readonly string[] Products = [.. Libraries, "VisionFlow.Simulator", "VisionFlow.History", "visionflow"];

    [Test]
    public async Task No_product_assembly_opens_its_internals_to_another()
    {
        foreach (var name in Products)
        {
            var friends = System.Reflection.Assembly.Load(name).GetCustomAttributes<InternalsVisibleToAttribute>()
                .Select(a => a.AssemblyName.Split(',')[0].Trim())
                .Where(friend => Products.Contains(friend, StringComparer.OrdinalIgnoreCase))
                .ToList();
            await Assert.That(friends).IsEmpty().Because($"{name} opens its internals to {string.Join(", ", friends)}");
        }
    }

    [Test]
    public async Task The_four_libraries_expose_at_most_100_public_types()
    {
        var exported = Libraries.SelectMany(name => System.Reflection.Assembly.Load(name).GetExportedTypes())
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal)
            .ToList();
        await Assert.That(exported.Count).IsLessThanOrEqualTo(100).Because("the public types are:\n" + string.Join("\n", exported));
    }

    [Test]
    public async Task The_server_exposes_no_public_type()
    {
        // The executable is the top of the layers: nothing references it but its tests and the benchmarks, which see its internals.
        var exported = System.Reflection.Assembly.Load("visionflow").GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        await Assert.That(exported).IsEmpty().Because("the public types are:\n" + string.Join("\n", exported));
    }
}
