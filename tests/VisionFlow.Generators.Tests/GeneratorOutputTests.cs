using Microsoft.CodeAnalysis;

namespace VisionFlow.Generators.Tests;

/// <summary>Valid contracts: no diagnostics, generated code that compiles next to System.Text.Json's, expected members.</summary>
public sealed class GeneratorOutputTests
{
    [Test]
    public async Task Valid_contract_reports_nothing_and_compiles_without_errors()
    {
        var outcome = GeneratorHarness.Run(Sources.ValidContract, Sources.GlobalContract, Sources.GlobalContext);

        await Assert.That(outcome.GeneratorDiagnostics.Select(d => d.ToString()).ToList()).IsEmpty();
        await Assert.That(outcome.CompilationErrors.Select(d => d.ToString()).ToList()).IsEmpty();
        await Assert.That(outcome.Result.GeneratedSources.Length).IsEqualTo(2);

        // Warnings in generated code would fail consumers that treat warnings as errors.
        var generatedTrees = outcome.Result.GeneratedSources.Select(s => s.SyntaxTree).ToHashSet();
        var generatedWarnings = outcome.Output.GetDiagnostics()
            .Where(d => d.Location.SourceTree is { } tree && generatedTrees.Contains(tree))
            .Select(d => d.ToString())
            .ToList();
        await Assert.That(generatedWarnings).IsEmpty();
    }

    [Test]
    public async Task Methods_class_holds_one_constant_per_wire_name()
    {
        var outcome = GeneratorHarness.Run(Sources.ValidContract);
        var methods = outcome.Output.GetTypeByMetadataName("Sample.Rpc.SampleMethods");

        await Assert.That(methods).IsNotNull();
        await Assert.That(methods!.IsStatic).IsTrue();
        await Assert.That(methods.DeclaredAccessibility).IsEqualTo(Accessibility.Internal);
        var constants = methods.GetMembers().OfType<IFieldSymbol>().ToDictionary(f => f.Name, f => (string?)f.ConstantValue);
        await Assert.That(constants).IsEquivalentTo(new Dictionary<string, string?>
        {
            ["Echo"] = "echo",
            ["EchoNoToken"] = "echo.noToken",
            ["List"] = "items.list",
            ["Array"] = "items.array",
            ["Map"] = "items.map",
            ["Page"] = "items.page",
            ["Count"] = "items.count",
            ["Maybe"] = "items.maybe",
            ["Note"] = "note",
            ["Log"] = "log",
            ["Heartbeat"] = "heartbeat",
            ["Odd"] = "odd \"name\"\\path",
        });
    }

    [Test]
    public async Task Client_is_a_sealed_implementation_built_over_an_invoker()
    {
        var outcome = GeneratorHarness.Run(Sources.ValidContract);
        var client = outcome.Output.GetTypeByMetadataName("Sample.Rpc.SampleClient");
        var contract = outcome.Output.GetTypeByMetadataName("Sample.Rpc.ISample");

        await Assert.That(client).IsNotNull();
        await Assert.That(client!.IsSealed).IsTrue();
        await Assert.That(client.AllInterfaces.Contains(contract!, SymbolEqualityComparer.Default)).IsTrue();
        var constructor = client.InstanceConstructors.Single();
        await Assert.That(constructor.Parameters.Single().Type.ToDisplayString()).IsEqualTo("VisionFlow.Protocol.IJsonRpcInvoker");
        foreach (var member in contract!.GetMembers().OfType<IMethodSymbol>().Where(m => m.IsAbstract))
        {
            await Assert.That(client.FindImplementationForInterfaceMember(member)?.ContainingType)
                .IsEqualTo(client, SymbolEqualityComparer.Default);
        }
    }

    [Test]
    public async Task Dispatch_exposes_Create_and_AddTo()
    {
        var outcome = GeneratorHarness.Run(Sources.ValidContract);
        var dispatch = outcome.Output.GetTypeByMetadataName("Sample.Rpc.SampleDispatch");

        await Assert.That(dispatch).IsNotNull();
        var create = dispatch!.GetMembers("Create").OfType<IMethodSymbol>().Single();
        var addTo = dispatch.GetMembers("AddTo").OfType<IMethodSymbol>().Single();
        await Assert.That(create.ReturnType.ToDisplayString()).IsEqualTo("VisionFlow.Protocol.Dispatch.JsonRpcDispatchTable");
        await Assert.That(create.Parameters.Select(p => p.Type.ToDisplayString()).ToList()).IsEquivalentTo(["Sample.Rpc.ISample"]);
        await Assert.That(addTo.Parameters.Select(p => p.Type.ToDisplayString()).ToList())
            .IsEquivalentTo(["VisionFlow.Protocol.Dispatch.JsonRpcDispatchTable", "Sample.Rpc.ISample"]);
    }

    [Test]
    public async Task Generated_code_uses_the_contexts_property_names_for_generic_array_and_renamed_types()
    {
        var text = GeneratorHarness.Run(Sources.ValidContract).GeneratedText;

        await Assert.That(text).Contains("SampleContext.Default.ListItem");
        await Assert.That(text).Contains("SampleContext.Default.ItemArray");
        await Assert.That(text).Contains("SampleContext.Default.DictionaryStringItem");
        await Assert.That(text).Contains("SampleContext.Default.PageItem");
        await Assert.That(text).Contains("SampleContext.Default.RenamedItem");
        await Assert.That(text).Contains("SampleContext.Default.Int32");
        await Assert.That(text).Contains("SampleContext.Default.NullableInt64");
    }

    [Test]
    public async Task Global_namespace_contract_gets_public_types_without_a_namespace()
    {
        var outcome = GeneratorHarness.Run(Sources.GlobalContract, Sources.GlobalContext);

        await Assert.That(outcome.CompilationErrors.Select(d => d.ToString()).ToList()).IsEmpty();
        foreach (var name in new[] { "GlobalMethods", "GlobalClient", "GlobalDispatch" })
        {
            var type = outcome.Output.GetTypeByMetadataName(name);
            await Assert.That(type).IsNotNull();
            await Assert.That(type!.DeclaredAccessibility).IsEqualTo(Accessibility.Public);
        }
    }

    [Test]
    public async Task Public_method_names_of_an_internal_contract_leave_its_client_and_dispatch_internal()
    {
        var outcome = GeneratorHarness.Run(Sources.PublicNamesContract);

        await Assert.That(outcome.CompilationErrors.Select(d => d.ToString()).ToList()).IsEmpty();
        var expected = new Dictionary<string, Accessibility>
        {
            ["Sample.Names.NamedMethods"] = Accessibility.Public,
            ["Sample.Names.NamedClient"] = Accessibility.Internal,
            ["Sample.Names.NamedDispatch"] = Accessibility.Internal,
        };
        foreach (var (name, accessibility) in expected)
        {
            var type = outcome.Output.GetTypeByMetadataName(name);
            await Assert.That(type).IsNotNull();
            await Assert.That(type!.DeclaredAccessibility).IsEqualTo(accessibility);
        }
    }

    [Test]
    public async Task Optional_params_are_omitted_by_the_client_and_read_as_optional_by_dispatch()
    {
        var text = GeneratorHarness.Run(Sources.ValidContract).GeneratedText;

        await Assert.That(text).Contains("return @class is null ? _invoker.InvokeAsync(SampleMethods.Map, global::Sample.Rpc.SampleContext.Default.DictionaryStringItem, @event)");
        await Assert.That(text).Contains("JsonRpcParams.ReadOptional(parameters, global::Sample.Rpc.SampleContext.Default.RenamedItem)");
    }
}
