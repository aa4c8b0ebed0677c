using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using VisionFlow.Generators;
using VisionFlow.Protocol.Contracts;

namespace VisionFlow.Generators.Tests;

/// <summary>Compiles C# sources in memory with our generator and the SDK's System.Text.Json generator.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);
    private static readonly Lazy<ImmutableArray<ISourceGenerator>> JsonGenerators = new(LoadJsonGenerators);

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "ContractTests",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(bool withJsonGenerator = true)
    {
        var generators = new List<ISourceGenerator> { new JsonRpcContractGenerator().AsSourceGenerator() };
        if (withJsonGenerator)
        {
            generators.AddRange(JsonGenerators.Value);
        }

        return CSharpGeneratorDriver.Create(
            generators,
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    public static GeneratorOutcome Run(params string[] sources) => Run(withJsonGenerator: true, sources);

    public static GeneratorOutcome Run(bool withJsonGenerator, params string[] sources)
    {
        var compilation = Compile(sources);
        var driver = CreateDriver(withJsonGenerator).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult();
        var ours = result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(JsonRpcContractGenerator));
        return new GeneratorOutcome(output, generatorDiagnostics, ours);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => string.Equals(Path.GetDirectoryName(path), runtimeDirectory, StringComparison.Ordinal));
        return [
            .. framework.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)),
            MetadataReference.CreateFromFile(typeof(JsonRpcContractAttribute).Assembly.Location),
        ];
    }

    private static ImmutableArray<ISourceGenerator> LoadJsonGenerators()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "json-generator", "System.Text.Json.SourceGeneration.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("The test build copies the SDK's System.Text.Json source generator here", path);
        }

        return new AnalyzerFileReference(path, new DefaultContextLoader()).GetGenerators(LanguageNames.CSharp);
    }

    /// <summary>Loads analyzer assemblies into the default context, where this process's Roslyn already lives.</summary>
    private sealed class DefaultContextLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }
}

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorOutcome(Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorRunResult Result)
{
    public IReadOnlyList<string> DiagnosticIds => GeneratorDiagnostics
        .Where(d => d.Id.StartsWith("VFRPC", StringComparison.Ordinal))
        .Select(d => d.Id)
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();

    public IReadOnlyList<Diagnostic> CompilationErrors => Output.GetDiagnostics()
        .Where(d => d.Severity == DiagnosticSeverity.Error)
        .ToList();

    public string GeneratedText => string.Join("\n", Result.GeneratedSources.Select(s => s.SourceText.ToString()));
}
