using Microsoft.CodeAnalysis;

namespace VisionFlow.Generators.Tests;

/// <summary>One test per diagnostic id: the contract is rejected with exactly that id, at a source location, and nothing is generated.</summary>
public sealed class DiagnosticTests
{
    [Test]
    public async Task VFRPC001_duplicate_wire_method_name()
    {
        var outcome = Diagnose("""
            [JsonRpcMethod("same")] ValueTask<R> FirstAsync(P p);
            [JsonRpcMethod("same")] ValueTask<R> SecondAsync(P2 p);
            """);

        await AssertOnly(outcome, "VFRPC001", "'same'");
    }

    [Test]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<R> M(P a, P2 b);", "second value parameter")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<R> M(ref P a);", "by reference (ref)")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<R> M(out P a);", "by reference (out)")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<R> M(in P a);", "by reference (in)")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<R> M(params P[] a);", "params array")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<R> M(P a = null);", "is optional")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<R> M(CancellationToken ct, P a);", "must come last")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<R> M(CancellationToken a, CancellationToken b);", "more than one CancellationToken")]
    public async Task VFRPC002_unsupported_parameters(string method, string reason)
    {
        await AssertOnly(Diagnose(method), "VFRPC002", reason);
    }

    [Test]
    [Arguments("[JsonRpcMethod(\"m\")] Task<R> M();", "must return ValueTask<TResult>")]
    [Arguments("[JsonRpcMethod(\"m\")] R M();", "must return ValueTask<TResult>")]
    [Arguments("[JsonRpcMethod(\"m\")] void M();", "must return ValueTask<TResult>")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask M();", "set IsNotification = true")]
    [Arguments("[JsonRpcMethod(\"m\", IsNotification = true)] ValueTask<R> M();", "notification has no response")]
    [Arguments("[JsonRpcMethod(\"m\", IsNotification = true)] Task M();", "notification has no response")]
    public async Task VFRPC003_unsupported_return_type(string method, string reason)
    {
        await AssertOnly(Diagnose(method), "VFRPC003", reason);
    }

    [Test]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<string> M();", "add [JsonSerializable(typeof(string))]")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<R> M(System.Uri address);", "add [JsonSerializable(typeof(System.Uri))]")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<List<R>> M();", "add [JsonSerializable(typeof(System.Collections.Generic.List<Diag.R>))]")]
    [Arguments("[JsonRpcMethod(\"m\", IsNotification = true)] ValueTask M(R[] values);", "add [JsonSerializable(typeof(Diag.R[]))]")]
    public async Task VFRPC004_type_not_declared_on_the_serializer_context(string method, string advice)
    {
        await AssertOnly(Diagnose(method), "VFRPC004", advice);
    }

    [Test]
    [Arguments("public sealed class NotAContext;")]
    [Arguments("public sealed class NotPartial : JsonSerializerContext { public NotPartial() : base(null) { } protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null; public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null; }")]
    public async Task VFRPC005_invalid_serializer_context(string context)
    {
        var name = context.Contains("NotPartial", StringComparison.Ordinal) ? "NotPartial" : "NotAContext";
        var source = Sources.Usings + $$"""
            namespace Diag;
            {{context}}
            [JsonRpcContract(typeof({{name}}))]
            public interface IBad
            {
                [JsonRpcMethod("m")] ValueTask<int> M();
            }
            """;

        await AssertOnly(GeneratorHarness.Run(withJsonGenerator: false, source), "VFRPC005", name);
    }

    [Test]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<R> M<T>(P p);")]
    [Arguments("[JsonRpcMethod(\"m\")] ValueTask<T> M<T>(T p);")]
    public async Task VFRPC006_generic_method(string method)
    {
        await AssertOnly(Diagnose(method), "VFRPC006", "'M'");
    }

    [Test]
    [Arguments("public static class Holder { [JsonRpcContract(typeof(Ctx))] public interface IBad { [JsonRpcMethod(\"m\")] ValueTask<R> M(); } }", "nested")]
    [Arguments("[JsonRpcContract(typeof(Ctx))] public interface IBad<T> { [JsonRpcMethod(\"m\")] ValueTask<R> M(); }", "generic interfaces")]
    [Arguments("[JsonRpcContract(typeof(Ctx))] public interface IBad : System.IDisposable { [JsonRpcMethod(\"m\")] ValueTask<R> M(); }", "cannot inherit")]
    public async Task VFRPC007_unsupported_contract_interface(string declaration, string reason)
    {
        var source = Sources.Usings + """
            namespace Diag;
            public sealed record R { public int B { get; init; } }
            [JsonSerializable(typeof(R))]
            internal sealed partial class Ctx : JsonSerializerContext;

            """ + declaration;

        await AssertOnly(GeneratorHarness.Run(withJsonGenerator: false, source), "VFRPC007", reason);
    }

    [Test]
    public async Task VFRPC008_method_without_wire_name()
    {
        await AssertOnly(Diagnose("ValueTask<R> M(P p);"), "VFRPC008", "'M'");
    }

    [Test]
    [Arguments("int Count { get; }", "'Count'")]
    [Arguments("event System.EventHandler Changed;", "'Changed'")]
    [Arguments("[JsonRpcMethod(\"s\")] static abstract ValueTask<R> Make();", "'Make'")]
    public async Task VFRPC009_unsupported_member(string member, string name)
    {
        await AssertOnly(Diagnose(member), "VFRPC009", name);
    }

    [Test]
    [Arguments("[JsonRpcMethod(\"a\")] ValueTask<R> Get(P p); [JsonRpcMethod(\"b\")] ValueTask<R> GetAsync(P2 p);")]
    [Arguments("[JsonRpcMethod(\"a\")] ValueTask<R> GetAsync(P p); [JsonRpcMethod(\"b\")] ValueTask<R> GetAsync(P2 p);")]
    public async Task VFRPC010_overloaded_method_name(string methods)
    {
        await AssertOnly(Diagnose(methods), "VFRPC010", "'Get'");
    }

    [Test]
    [Arguments("")]
    [Arguments("  ")]
    public async Task VFRPC011_empty_wire_name(string name)
    {
        await AssertOnly(Diagnose($"[JsonRpcMethod(\"{name}\")] ValueTask<R> M();"), "VFRPC011", "'M'");
    }

    [Test]
    public async Task VFRPC012_two_declared_types_share_a_type_info_property_name()
    {
        var source = Sources.Usings + """
            namespace Diag
            {
                public sealed record Item { public int A { get; init; } }

                [JsonSerializable(typeof(Item))]
                [JsonSerializable(typeof(Other.Item))]
                internal sealed partial class Ctx : JsonSerializerContext;

                [JsonRpcContract(typeof(Ctx))]
                public interface IBad
                {
                    [JsonRpcMethod("m")] ValueTask<Item> M(Other.Item item);
                }
            }

            namespace Other
            {
                public sealed record Item { public string? B { get; init; } }
            }
            """;

        await AssertOnly(GeneratorHarness.Run(withJsonGenerator: false, source), "VFRPC012", "set TypeInfoPropertyName");
    }

    [Test]
    public async Task TypeInfoPropertyName_resolves_a_name_clash()
    {
        var source = Sources.Usings + """
            namespace Diag
            {
                public sealed record Item { public int A { get; init; } }

                [JsonSerializable(typeof(Item))]
                [JsonSerializable(typeof(Other.Item), TypeInfoPropertyName = "OtherItem")]
                internal sealed partial class Ctx : JsonSerializerContext;

                [JsonRpcContract(typeof(Ctx))]
                public interface IFine
                {
                    [JsonRpcMethod("m")] ValueTask<Item> M(Other.Item item);
                }
            }

            namespace Other
            {
                public sealed record Item { public string? B { get; init; } }
            }
            """;

        var outcome = GeneratorHarness.Run(source);

        await Assert.That(outcome.GeneratorDiagnostics.Select(d => d.ToString()).ToList()).IsEmpty();
        await Assert.That(outcome.CompilationErrors.Select(d => d.ToString()).ToList()).IsEmpty();
        await Assert.That(outcome.GeneratedText).Contains("Ctx.Default.OtherItem");
    }

    [Test]
    public async Task Every_problem_in_a_contract_is_reported_in_one_build()
    {
        var outcome = Diagnose("""
            [JsonRpcMethod("m")] ValueTask<R> M<T>(P p);
            [JsonRpcMethod("n")] Task<R> N();
            int Count { get; }
            """);

        await Assert.That(outcome.DiagnosticIds).IsEquivalentTo(["VFRPC003", "VFRPC006", "VFRPC009"]);
        await Assert.That(outcome.Result.GeneratedSources).IsEmpty();
    }

    private static GeneratorOutcome Diagnose(string body) =>
        GeneratorHarness.Run(withJsonGenerator: false, Sources.Contract(body));

    private static async Task AssertOnly(GeneratorOutcome outcome, string id, string messagePart)
    {
        await Assert.That(outcome.DiagnosticIds).IsEquivalentTo([id]);
        var diagnostic = outcome.GeneratorDiagnostics.First(d => d.Id == id);
        await Assert.That(diagnostic.Severity).IsEqualTo(DiagnosticSeverity.Error);
        // Generators report at file positions (external locations), which keep models free of syntax trees.
        var position = diagnostic.Location.GetLineSpan();
        await Assert.That(position.Path).IsEqualTo("Source0.cs");
        await Assert.That(diagnostic.Location.SourceSpan.Length).IsGreaterThan(0);
        await Assert.That(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Contains(messagePart);
        await Assert.That(outcome.Result.GeneratedSources).IsEmpty();
    }
}
