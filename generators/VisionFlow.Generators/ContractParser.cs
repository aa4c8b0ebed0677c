using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VisionFlow.Generators;

/// <summary>Reads a <c>[JsonRpcContract]</c> interface into a <see cref="ContractResult"/>; symbols never leave this class.</summary>
internal static class ContractParser
{
    public const string ContractAttributeName = "VisionFlow.Protocol.Contracts.JsonRpcContractAttribute";
    private const string MethodAttributeName = "VisionFlow.Protocol.Contracts.JsonRpcMethodAttribute";
    private const string SerializerContextName = "System.Text.Json.Serialization.JsonSerializerContext";
    private const string SerializableAttributeName = "System.Text.Json.Serialization.JsonSerializableAttribute";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static ContractResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var contract = (INamedTypeSymbol)context.TargetSymbol;
        var compilation = context.SemanticModel.Compilation;
        var diagnostics = new List<DiagnosticInfo>();
        var contractName = contract.ToDisplayString();
        var contractLocation = contract.Locations.FirstOrDefault();

        if (contract.ContainingType is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedContract, contractLocation, contractName, "nested interfaces are not supported; declare it at namespace level"));
        }

        if (contract.TypeParameters.Length > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedContract, contractLocation, contractName, "generic interfaces are not supported"));
        }

        if (contract.Interfaces.Length > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedContract, contractLocation, contractName, "a contract cannot inherit other interfaces; declare every method on the contract itself"));
        }

        var attribute = context.Attributes[0];
        var serializerContext = ReadSerializerContext(attribute, compilation, contractName, diagnostics);
        if (serializerContext is null && diagnostics.Count == 0)
        {
            // typeof() did not bind; the compiler already reports that error.
            return new ContractResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var declared = serializerContext is null ? new List<(ITypeSymbol Type, string Property)>() : DeclaredTypes(serializerContext, compilation);
        var contextName = serializerContext?.ToDisplayString();
        var symbols = new WellKnown(compilation);
        var methods = new List<MethodModel>();
        var wireNames = new HashSet<string>();
        var constantNames = new HashSet<string>();

        foreach (var member in contract.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!member.IsAbstract)
            {
                // Default implementations and static helpers need nothing from a client.
                continue;
            }

            if (member is IPropertySymbol or IEventSymbol || (member.IsStatic && member is IMethodSymbol { MethodKind: MethodKind.Ordinary }))
            {
                diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedMember, member.Locations.FirstOrDefault(), member.Name, contractName));
                continue;
            }

            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
            {
                // Accessors of the properties and events reported above.
                continue;
            }

            var methodModel = ReadMethod(method, symbols, declared, contextName, diagnostics);
            if (methodModel is null)
            {
                continue;
            }

            if (!wireNames.Add(methodModel.WireName))
            {
                diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.DuplicateMethodName, method.Locations.FirstOrDefault(), contractName, methodModel.WireName));
            }

            if (!constantNames.Add(methodModel.ConstantName))
            {
                diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.DuplicateMemberName, method.Locations.FirstOrDefault(), contractName, methodModel.ConstantName));
            }

            methods.Add(methodModel);
        }

        if (diagnostics.Count > 0 || serializerContext is null)
        {
            return new ContractResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        var accessibility = contract.DeclaredAccessibility == Accessibility.Public ? "public" : "internal";
        var publicMethodNames = attribute.NamedArguments.Any(a => a.Key == "PublicMethodNames" && a.Value.Value is true);
        var model = new ContractModel(
            contract.ContainingNamespace.IsGlobalNamespace ? null : contract.ContainingNamespace.ToDisplayString(),
            contract.Name,
            contract.ToDisplayString(TypeFormat),
            BaseName(contract.Name),
            accessibility,
            publicMethodNames ? "public" : accessibility,
            serializerContext.ToDisplayString(TypeFormat),
            new EquatableArray<MethodModel>(methods));
        return new ContractResult(model, EquatableArray<DiagnosticInfo>.Empty);
    }

    private static INamedTypeSymbol? ReadSerializerContext(AttributeData attribute, Compilation compilation, string contractName, List<DiagnosticInfo> diagnostics)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol type || type.TypeKind == TypeKind.Error)
        {
            return null;
        }

        var location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();
        var baseType = compilation.GetTypeByMetadataName(SerializerContextName);
        var valid = baseType is not null
            && type.TypeKind == TypeKind.Class
            && !type.IsGenericType
            && InheritsFrom(type, baseType)
            && IsPartialOrCompiled(type);
        if (!valid)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.InvalidSerializerContext, location, type.ToDisplayString(), contractName));
            return null;
        }

        return type;
    }

    private static bool InheritsFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPartialOrCompiled(INamedTypeSymbol type)
    {
        if (type.DeclaringSyntaxReferences.Length == 0)
        {
            // Declared in a referenced assembly: its own build already generated the metadata.
            return true;
        }

        return type.DeclaringSyntaxReferences
            .Select(reference => reference.GetSyntax())
            .OfType<ClassDeclarationSyntax>()
            .Any(declaration => declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
    }

    private static List<(ITypeSymbol Type, string Property)> DeclaredTypes(INamedTypeSymbol context, Compilation compilation)
    {
        var attributeType = compilation.GetTypeByMetadataName(SerializableAttributeName);
        var declared = new List<(ITypeSymbol, string)>();
        foreach (var attribute in context.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType)
                || attribute.ConstructorArguments.Length != 1
                || attribute.ConstructorArguments[0].Value is not ITypeSymbol type)
            {
                continue;
            }

            var property = TypeInfoNames.For(type);
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "TypeInfoPropertyName" && named.Value.Value is string explicitName && explicitName.Length > 0)
                {
                    property = explicitName;
                }
            }

            declared.Add((type, property));
        }

        return declared;
    }

    private static MethodModel? ReadMethod(
        IMethodSymbol method,
        WellKnown symbols,
        List<(ITypeSymbol Type, string Property)> declared,
        string? contextName,
        List<DiagnosticInfo> diagnostics)
    {
        var location = method.Locations.FirstOrDefault();
        var methodAttribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == MethodAttributeName);
        if (methodAttribute is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.MissingMethodAttribute, location, method.Name, method.ContainingType.ToDisplayString()));
            return null;
        }

        var wireName = methodAttribute.ConstructorArguments.Length == 1 ? methodAttribute.ConstructorArguments[0].Value as string : null;
        var isNotification = methodAttribute.NamedArguments.Any(a => a.Key == "IsNotification" && a.Value.Value is true);
        var start = diagnostics.Count;
        if (string.IsNullOrWhiteSpace(wireName))
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.EmptyMethodName, location, method.Name));
        }

        if (method.IsGenericMethod)
        {
            // Its types cannot be checked against the context, so nothing else is worth reporting.
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.GenericMethod, location, method.Name));
            return null;
        }

        var result = ReadReturnType(method, isNotification, symbols, declared, contextName, diagnostics);
        var (parameter, tokenName, tokenHasDefault) = ReadParameters(method, symbols, declared, contextName, diagnostics);

        if (diagnostics.Count > start)
        {
            return null;
        }

        return new MethodModel(
            method.Name,
            ConstantName(method.Name),
            wireName!,
            isNotification,
            parameter,
            tokenName,
            tokenHasDefault,
            result);
    }

    private static TypeModel? ReadReturnType(
        IMethodSymbol method,
        bool isNotification,
        WellKnown symbols,
        List<(ITypeSymbol Type, string Property)> declared,
        string? contextName,
        List<DiagnosticInfo> diagnostics)
    {
        var location = method.Locations.FirstOrDefault();
        var returnType = method.ReturnType;
        var display = returnType.ToDisplayString();
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedReturnType, location, method.Name, display, "ref returns are not supported"));
            return null;
        }

        var isValueTask = SymbolEqualityComparer.Default.Equals(returnType, symbols.ValueTask);
        var isValueTaskOfT = returnType is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, symbols.ValueTaskOfT);
        if (isNotification)
        {
            if (!isValueTask)
            {
                diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedReturnType, location, method.Name, display, "a notification has no response, so it must return ValueTask"));
            }

            return null;
        }

        if (isValueTask)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedReturnType, location, method.Name, display, "a request must return ValueTask<TResult>; set IsNotification = true if no response is expected"));
            return null;
        }

        if (!isValueTaskOfT)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedReturnType, location, method.Name, display, "a request must return ValueTask<TResult>"));
            return null;
        }

        var resultType = ((INamedTypeSymbol)returnType).TypeArguments[0];
        return Resolve(resultType, method, declared, contextName, location, diagnostics);
    }

    private static (ParameterModel? Parameter, string? TokenName, bool TokenHasDefault) ReadParameters(
        IMethodSymbol method,
        WellKnown symbols,
        List<(ITypeSymbol Type, string Property)> declared,
        string? contextName,
        List<DiagnosticInfo> diagnostics)
    {
        ParameterModel? value = null;
        IParameterSymbol? valueSymbol = null;
        IParameterSymbol? token = null;
        var problems = new List<string>();
        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                problems.Add($"'{parameter.Name}' is passed by reference ({parameter.RefKind.ToString().ToLowerInvariant()})");
                continue;
            }

            if (parameter.IsParams)
            {
                problems.Add($"'{parameter.Name}' is a params array");
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(parameter.Type, symbols.CancellationToken))
            {
                if (token is not null)
                {
                    problems.Add("more than one CancellationToken");
                }

                token = parameter;
                continue;
            }

            if (token is not null)
            {
                problems.Add($"'{parameter.Name}' follows the CancellationToken, which must come last");
            }

            if (valueSymbol is not null)
            {
                problems.Add($"'{parameter.Name}' is a second value parameter; wrap all values in one params type");
                continue;
            }

            if (parameter.HasExplicitDefaultValue)
            {
                problems.Add($"'{parameter.Name}' is optional; make its type nullable instead to allow absent params");
            }

            valueSymbol = parameter;
        }

        if (problems.Count > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.UnsupportedParameters, method.Locations.FirstOrDefault(), method.Name, string.Join("; ", problems)));
            return (null, null, false);
        }

        if (valueSymbol is not null)
        {
            var type = Resolve(valueSymbol.Type, method, declared, contextName, valueSymbol.Locations.FirstOrDefault(), diagnostics);
            if (type is not null)
            {
                var optional = valueSymbol.Type.IsReferenceType && valueSymbol.NullableAnnotation == NullableAnnotation.Annotated;
                value = new ParameterModel(Identifier(valueSymbol.Name), type, optional, valueSymbol.Type.IsReferenceType);
            }
        }

        return (value, token is null ? null : Identifier(token.Name), token?.HasExplicitDefaultValue ?? false);
    }

    private static TypeModel? Resolve(
        ITypeSymbol type,
        IMethodSymbol method,
        List<(ITypeSymbol Type, string Property)> declared,
        string? contextName,
        Location? location,
        List<DiagnosticInfo> diagnostics)
    {
        if (contextName is null)
        {
            // The context itself is invalid and already reported; checking types against it would only add noise.
            return new TypeModel(type.ToDisplayString(TypeFormat), string.Empty);
        }

        foreach (var (candidate, property) in declared)
        {
            // Default equality ignores nullable annotations: `Foo?` uses the metadata of `Foo`.
            if (SymbolEqualityComparer.Default.Equals(candidate, type))
            {
                var clash = declared.FirstOrDefault(other => other.Property == property && !SymbolEqualityComparer.Default.Equals(other.Type, type));
                if (clash.Type is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.AmbiguousTypeInfoName, location, property, type.ToDisplayString(), clash.Type.ToDisplayString(), contextName));
                    return null;
                }

                return new TypeModel(type.ToDisplayString(TypeFormat), property);
            }
        }

        if (type.TypeKind != TypeKind.Error)
        {
            var shown = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString();
            diagnostics.Add(DiagnosticInfo.Create(ContractDiagnostics.TypeNotInContext, location, shown, method.Name, contextName));
        }

        return null;
    }

    private static string BaseName(string interfaceName) =>
        interfaceName.Length > 1 && interfaceName[0] == 'I' && char.IsUpper(interfaceName[1])
            ? interfaceName.Substring(1)
            : interfaceName;

    private static string ConstantName(string methodName) =>
        methodName.Length > 5 && methodName.EndsWith("Async", System.StringComparison.Ordinal)
            ? methodName.Substring(0, methodName.Length - 5)
            : methodName;

    private static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>The framework types a contract's shapes are checked against.</summary>
    private sealed class WellKnown(Compilation compilation)
    {
        public INamedTypeSymbol? ValueTask { get; } = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");

        public INamedTypeSymbol? ValueTaskOfT { get; } = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");

        public INamedTypeSymbol? CancellationToken { get; } = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
    }
}
