using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace VisionFlow.Generators;

/// <summary>Everything the JSON-RPC contract generator can report; each rule has its own id.</summary>
internal static class ContractDiagnostics
{
    private const string Category = "VisionFlow.JsonRpc";

    public static readonly DiagnosticDescriptor DuplicateMethodName = Create(
        "VFRPC001",
        "Duplicate JSON-RPC method name",
        "Contract '{0}' maps more than one method to the JSON-RPC name '{1}'");

    public static readonly DiagnosticDescriptor UnsupportedParameters = Create(
        "VFRPC002",
        "Unsupported contract method parameters",
        "Method '{0}' has unsupported parameters: {1}; use ([TParams parameters], [CancellationToken cancellationToken])");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Create(
        "VFRPC003",
        "Unsupported contract method return type",
        "Method '{0}' returns '{1}': {2}");

    public static readonly DiagnosticDescriptor TypeNotInContext = Create(
        "VFRPC004",
        "Type not declared on the serializer context",
        "Type '{0}' used by method '{1}' is not declared on serializer context '{2}'; add [JsonSerializable(typeof({0}))] to it");

    public static readonly DiagnosticDescriptor InvalidSerializerContext = Create(
        "VFRPC005",
        "Invalid serializer context",
        "Serializer context '{0}' of contract '{1}' must be a non-generic partial class deriving from System.Text.Json.Serialization.JsonSerializerContext");

    public static readonly DiagnosticDescriptor GenericMethod = Create(
        "VFRPC006",
        "Generic contract method",
        "Method '{0}' is generic; JSON-RPC contract methods cannot declare type parameters");

    public static readonly DiagnosticDescriptor UnsupportedContract = Create(
        "VFRPC007",
        "Unsupported contract interface",
        "Contract '{0}' cannot be generated: {1}");

    public static readonly DiagnosticDescriptor MissingMethodAttribute = Create(
        "VFRPC008",
        "Contract method without [JsonRpcMethod]",
        "Method '{0}' of contract '{1}' has no [JsonRpcMethod(\"name\")] attribute, so it has no wire name");

    public static readonly DiagnosticDescriptor UnsupportedMember = Create(
        "VFRPC009",
        "Unsupported contract member",
        "Member '{0}' of contract '{1}' is not supported; a contract declares only [JsonRpcMethod] instance methods");

    public static readonly DiagnosticDescriptor DuplicateMemberName = Create(
        "VFRPC010",
        "Overloaded contract method",
        "Contract '{0}' has more than one method named '{1}' (ignoring an 'Async' suffix); each method needs its own name");

    public static readonly DiagnosticDescriptor EmptyMethodName = Create(
        "VFRPC011",
        "Empty JSON-RPC method name",
        "Method '{0}' has an empty JSON-RPC method name");

    public static readonly DiagnosticDescriptor AmbiguousTypeInfoName = Create(
        "VFRPC012",
        "Ambiguous JsonTypeInfo property name",
        "Serializer context '{3}' would name the metadata of both '{1}' and '{2}' '{0}'; set TypeInfoPropertyName on one of their [JsonSerializable] attributes");

    private static readonly Dictionary<string, DiagnosticDescriptor> All = Index(
        DuplicateMethodName,
        UnsupportedParameters,
        UnsupportedReturnType,
        TypeNotInContext,
        InvalidSerializerContext,
        GenericMethod,
        UnsupportedContract,
        MissingMethodAttribute,
        UnsupportedMember,
        DuplicateMemberName,
        EmptyMethodName,
        AmbiguousTypeInfoName);

    public static DiagnosticDescriptor ById(string id) => All[id];

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static Dictionary<string, DiagnosticDescriptor> Index(params DiagnosticDescriptor[] descriptors)
    {
        var index = new Dictionary<string, DiagnosticDescriptor>();
        foreach (var descriptor in descriptors)
        {
            index.Add(descriptor.Id, descriptor);
        }

        return index;
    }
}
