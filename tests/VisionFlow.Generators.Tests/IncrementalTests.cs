using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace VisionFlow.Generators.Tests;

/// <summary>Models are plain values, so an edit that does not touch a contract regenerates nothing.</summary>
public sealed class IncrementalTests
{
    private const string Unrelated = "namespace Other; public sealed class Unrelated { }";
    private const string UnrelatedEdited = "namespace Other; public sealed class Unrelated { public int Value { get; set; } }";

    [Test]
    public async Task Unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.Compile(Sources.ValidContract, Unrelated);
        var driver = GeneratorHarness.CreateDriver(withJsonGenerator: false).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(t => t.FilePath == "Source1.cs"),
            CSharpSyntaxTree.ParseText(UnrelatedEdited, GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var reasons = Reasons(result, JsonRpcContractGenerator.ContractsStep)
            .Concat(Reasons(result, JsonRpcContractGenerator.ModelsStep))
            .Concat(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs).Select(output => output.Reason))
            .ToList();
        await Assert.That(reasons).IsNotEmpty();
        await Assert.That(reasons.All(reason => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)).IsTrue();
    }

    [Test]
    public async Task Editing_the_contract_produces_a_modified_model()
    {
        var compilation = GeneratorHarness.Compile(Sources.ValidContract, Unrelated);
        var driver = GeneratorHarness.CreateDriver(withJsonGenerator: false).RunGenerators(compilation);

        var contractTree = compilation.SyntaxTrees.Single(t => t.FilePath == "Source0.cs");
        var changed = Sources.ValidContract.Replace("[JsonRpcMethod(\"heartbeat\"", "[JsonRpcMethod(\"heartbeat.v2\"", StringComparison.Ordinal);
        var edited = compilation.ReplaceSyntaxTree(contractTree, CSharpSyntaxTree.ParseText(changed, GeneratorHarness.ParseOptions, path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        await Assert.That(Reasons(result, JsonRpcContractGenerator.ModelsStep)).Contains(IncrementalStepRunReason.Modified);
        await Assert.That(result.GeneratedSources.Single().SourceText.ToString()).Contains("\"heartbeat.v2\"");
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps.TryGetValue(step, out var steps)
            ? steps.SelectMany(s => s.Outputs).Select(output => output.Reason)
            : [];
}
