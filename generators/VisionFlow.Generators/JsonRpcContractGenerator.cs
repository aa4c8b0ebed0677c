using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VisionFlow.Generators;

/// <summary>
/// Turns each <c>[JsonRpcContract]</c> interface into method-name constants, a typed client and a dispatch table,
/// all serializing through the contract's source-generated <c>JsonSerializerContext</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class JsonRpcContractGenerator : IIncrementalGenerator
{
    /// <summary>Tracking name of the step that reads contracts (for incremental-caching tests).</summary>
    public const string ContractsStep = "Contracts";

    /// <summary>Tracking name of the step that keeps only valid contract models.</summary>
    public const string ModelsStep = "Models";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var contracts = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ContractParser.ContractAttributeName,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (syntax, cancellationToken) => ContractParser.Parse(syntax, cancellationToken))
            .WithTrackingName(ContractsStep);

        var diagnostics = contracts
            .Select(static (result, _) => result.Diagnostics)
            .Where(static diagnostics => !diagnostics.IsEmpty);
        context.RegisterSourceOutput(diagnostics, static (output, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        var models = contracts
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(ModelsStep);
        context.RegisterSourceOutput(models, static (output, model) =>
            output.AddSource(ContractEmitter.HintName(model), ContractEmitter.Emit(model)));
    }
}
