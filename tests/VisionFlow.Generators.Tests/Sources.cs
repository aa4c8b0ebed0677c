namespace VisionFlow.Generators.Tests;

/// <summary>C# inputs for the driver tests.</summary>
internal static class Sources
{
    public const string Usings = """
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using System.Threading;
        using System.Threading.Tasks;
        using VisionFlow.Protocol.Contracts;

        """;

    /// <summary>Every supported shape, including generic and array types and an explicit TypeInfoPropertyName.</summary>
    public const string ValidContract = Usings + """
        namespace Sample.Rpc;

        public sealed record EchoParams { public required string Text { get; init; } }
        public sealed record EchoResult { public string? Text { get; init; } }
        public sealed record Item { public int Id { get; init; } }
        public sealed record Page<T> { public List<T>? Items { get; init; } }

        [JsonSerializable(typeof(EchoParams))]
        [JsonSerializable(typeof(EchoResult))]
        [JsonSerializable(typeof(List<Item>))]
        [JsonSerializable(typeof(Item[]))]
        [JsonSerializable(typeof(Dictionary<string, Item>))]
        [JsonSerializable(typeof(Page<Item>))]
        [JsonSerializable(typeof(int))]
        [JsonSerializable(typeof(long?))]
        [JsonSerializable(typeof(Item), TypeInfoPropertyName = "RenamedItem")]
        internal sealed partial class SampleContext : JsonSerializerContext;

        [JsonRpcContract(typeof(SampleContext))]
        internal interface ISample
        {
            [JsonRpcMethod("echo")]
            ValueTask<EchoResult> EchoAsync(EchoParams parameters, CancellationToken cancellationToken = default);

            [JsonRpcMethod("echo.noToken")]
            ValueTask<EchoResult> EchoNoToken(EchoParams parameters);

            [JsonRpcMethod("items.list")]
            ValueTask<List<Item>> ListAsync(CancellationToken ct);

            [JsonRpcMethod("items.array")]
            ValueTask<Item[]> ArrayAsync();

            [JsonRpcMethod("items.map")]
            ValueTask<Dictionary<string, Item>> MapAsync(Item? @class, CancellationToken @event);

            [JsonRpcMethod("items.page")]
            ValueTask<Page<Item>> PageAsync(Item item);

            [JsonRpcMethod("items.count")]
            ValueTask<int> CountAsync();

            [JsonRpcMethod("items.maybe")]
            ValueTask<long?> MaybeAsync(CancellationToken cancellationToken = default);

            [JsonRpcMethod("note", IsNotification = true)]
            ValueTask NoteAsync(EchoParams parameters, CancellationToken cancellationToken);

            [JsonRpcMethod("log", IsNotification = true)]
            ValueTask LogAsync(EchoParams? entry);

            [JsonRpcMethod("heartbeat", IsNotification = true)]
            ValueTask HeartbeatAsync();

            [JsonRpcMethod("odd \"name\"\\path")]
            ValueTask<int> OddAsync(CancellationToken cancellationToken = default);

            static int Helper() => 1;

            int DefaultImplemented() => 2;
        }
        """;

    /// <summary>A public contract in the global namespace whose context lives in another file.</summary>
    public const string GlobalContract = Usings + """
        [JsonRpcContract(typeof(GlobalContext))]
        public interface IGlobal
        {
            [JsonRpcMethod("pong")]
            ValueTask<Pong> PongAsync(CancellationToken cancellationToken = default);
        }
        """;

    public const string GlobalContext = Usings + """
        public sealed record Pong { public long At { get; init; } }

        [JsonSerializable(typeof(Pong))]
        public partial class GlobalContext : JsonSerializerContext;
        """;

    /// <summary>An internal contract whose wire names are public (<c>PublicMethodNames = true</c>).</summary>
    public const string PublicNamesContract = Usings + """
        namespace Sample.Names;

        internal sealed record Ping { public long At { get; init; } }

        [JsonSerializable(typeof(Ping))]
        internal sealed partial class NamedContext : JsonSerializerContext;

        [JsonRpcContract(typeof(NamedContext), PublicMethodNames = true)]
        internal interface INamed
        {
            [JsonRpcMethod("named.ping")]
            ValueTask<Ping> PingAsync(CancellationToken cancellationToken = default);
        }
        """;

    /// <summary>A contract shell over a valid context; <c>{0}</c> is the interface body.</summary>
    public static string Contract(string body) => Usings + """
        namespace Diag;

        public sealed record P { public int A { get; init; } }
        public sealed record P2 { public int A { get; init; } }
        public sealed record R { public int B { get; init; } }

        [JsonSerializable(typeof(P))]
        [JsonSerializable(typeof(P2))]
        [JsonSerializable(typeof(R))]
        internal sealed partial class Ctx : JsonSerializerContext;

        [JsonRpcContract(typeof(Ctx))]
        public interface IBad
        {
        """ + "\n" + body + "\n}\n";
}
