namespace VisionFlow.Generators;

/// <summary>What the emitter needs to know about one contract interface; plain values only, so it caches.</summary>
internal sealed record ContractModel(
    string? Namespace,
    string InterfaceName,
    string InterfaceType,
    string BaseName,
    string Accessibility,
    string MethodsAccessibility,
    string ContextType,
    EquatableArray<MethodModel> Methods);

/// <summary>One contract method: its wire name, shape and the serializer metadata of its types.</summary>
internal sealed record MethodModel(
    string Name,
    string ConstantName,
    string WireName,
    bool IsNotification,
    ParameterModel? Parameter,
    string? CancellationTokenName,
    bool CancellationTokenHasDefault,
    TypeModel? Result);

/// <summary>
/// The single value parameter of a method; <see cref="IsOptional"/> when its type is a nullable reference type,
/// <see cref="IsReference"/> when a null argument is possible at all.
/// </summary>
internal sealed record ParameterModel(string Name, TypeModel Type, bool IsOptional, bool IsReference);

/// <summary>A type as written in the contract, plus the name of its <c>JsonTypeInfo</c> property on the context.</summary>
internal sealed record TypeModel(string DisplayName, string TypeInfoProperty);

/// <summary>The result of reading one contract: a model when it is valid, and the diagnostics found either way.</summary>
internal sealed record ContractResult(ContractModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
