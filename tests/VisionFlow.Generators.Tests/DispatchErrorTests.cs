using System.Buffers;
using System.Text;
using System.Text.Json;
using VisionFlow.Protocol;
using VisionFlow.Protocol.Contracts.Plain;
using VisionFlow.Protocol.Dispatch;

namespace VisionFlow.Generators.Tests;

/// <summary>Generated handlers turn bad params into -32602 and pass implementation errors through untouched.</summary>
public sealed class DispatchErrorTests
{
    private readonly FakePlainDialect _server = new();

    [Test]
    public async Task Absent_params_for_a_method_that_needs_them_is_invalid_params()
    {
        var (error, written) = await CallExpectingError("agent.spawn", null);

        await Assert.That(error.Code).IsEqualTo(JsonRpcErrorCodes.InvalidParams);
        await Assert.That(error.Message).IsEqualTo("params required");
        await Assert.That(written).IsEqualTo(0);
        await Assert.That(_server.Received).IsEmpty();
    }

    [Test]
    [Arguments("null")]
    [Arguments("""{"type":5}""")]
    [Arguments("""{"task":"no type"}""")]
    [Arguments("[1,2]")]
    [Arguments("""{"type":""")]
    public async Task Malformed_params_are_invalid_params(string json)
    {
        var (error, written) = await CallExpectingError("agent.spawn", json);

        await Assert.That(error.Code).IsEqualTo(JsonRpcErrorCodes.InvalidParams);
        await Assert.That(error.Message).IsNotEmpty();
        await Assert.That(written).IsEqualTo(0);
        await Assert.That(_server.Received).IsEmpty();
    }

    [Test]
    public async Task Json_errors_keep_the_serializer_message()
    {
        var (error, _) = await CallExpectingError("task.status", """{"task_id":42}""");

        await Assert.That(error.Code).IsEqualTo(JsonRpcErrorCodes.InvalidParams);
        await Assert.That(error.InnerException).IsTypeOf<JsonException>();
        await Assert.That(error.Message).Contains("$.task_id");
    }

    [Test]
    public async Task Optional_params_may_be_absent_but_not_malformed()
    {
        var table = PlainDialectDispatch.Create(_server);
        table.TryGet("agent.list", out var handler);
        var buffer = new ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            await handler!(ReadOnlyMemory<byte>.Empty, writer, CancellationToken.None);
        }

        await Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan)).IsEqualTo("""{"agents":[{"agent_id":"agent-1","status":"any"}]}""");
        var (error, _) = await CallExpectingError("agent.list", """{"limit":"ten"}""");
        await Assert.That(error.Code).IsEqualTo(JsonRpcErrorCodes.InvalidParams);
    }

    [Test]
    public async Task Implementation_errors_propagate_with_their_code_and_nothing_is_written()
    {
        _server.Failure = new JsonRpcException(JsonRpcErrorCodes.ServerError, "denied");

        var (error, written) = await CallExpectingError("task.cancel", """{"task_id":"t-1"}""");

        await Assert.That(error).IsSameReferenceAs(_server.Failure);
        await Assert.That(error.Code).IsEqualTo(JsonRpcErrorCodes.ServerError);
        await Assert.That(written).IsEqualTo(0);
    }

    [Test]
    public async Task Implementation_errors_reach_the_generated_client()
    {
        _server.Failure = new JsonRpcException(-32001, "agent busy");
        var client = new PlainDialectClient(new LoopbackInvoker(PlainDialectDispatch.Create(_server)));

        var error = await Assert.That(async () => await client.TerminateAgentAsync(new AgentIdParams { AgentId = "a" })).Throws<JsonRpcException>();

        await Assert.That(error!.Code).IsEqualTo(-32001);
        await Assert.That(error.Message).IsEqualTo("agent busy");
    }

    [Test]
    public async Task AddTo_refuses_a_second_registration_of_the_same_contract()
    {
        var table = PlainDialectDispatch.Create(_server);

        await Assert.That(() => PlainDialectDispatch.AddTo(table, _server)).Throws<ArgumentException>();
    }

    [Test]
    public async Task Client_and_dispatch_reject_null_arguments()
    {
        await Assert.That(() => new PlainDialectClient(null!)).Throws<ArgumentNullException>();
        var client = new PlainDialectClient(new LoopbackInvoker(PlainDialectDispatch.Create(_server)));
        await Assert.That(async () => await client.SpawnAgentAsync(null!)).Throws<ArgumentNullException>();
        await Assert.That(_server.Received).IsEmpty();
        await Assert.That(() => PlainDialectDispatch.Create(null!)).Throws<ArgumentNullException>();
        await Assert.That(() => PlainDialectDispatch.AddTo(null!, _server)).Throws<ArgumentNullException>();
    }

    private async Task<(JsonRpcException Error, long Written)> CallExpectingError(string method, string? json)
    {
        var table = PlainDialectDispatch.Create(_server);
        if (!table.TryGet(method, out var handler))
        {
            throw new InvalidOperationException("no handler for " + method);
        }

        var buffer = new ArrayBufferWriter<byte>();
        JsonRpcException? error = null;
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            try
            {
                await handler(json is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(json), writer, CancellationToken.None);
            }
            catch (JsonRpcException e)
            {
                error = e;
            }

            await writer.FlushAsync();
        }

        return (error ?? throw new InvalidOperationException("the handler did not fail"), buffer.WrittenCount);
    }
}
