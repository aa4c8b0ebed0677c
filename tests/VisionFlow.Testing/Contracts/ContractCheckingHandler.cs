namespace VisionFlow.Testing.Contracts;

/// <summary>
/// An HTTP client handler that holds every answer to <see cref="OpenApiContract"/>: status code, media type and, for
/// JSON, the body's schema. An answer that does not match throws <see cref="OpenApiContractException"/> in the test
/// that received it, naming the request and the mismatch. Put under the clients the tests use, so an endpoint added
/// tomorrow is checked by every test that calls it, without a test of its own.
/// </summary>
public sealed class ContractCheckingHandler : DelegatingHandler
{
    private readonly OpenApiContract _contract;

    /// <summary>Checks what <paramref name="inner"/> receives against <paramref name="contract"/> (default: the document in this checkout).</summary>
    public ContractCheckingHandler(HttpMessageHandler inner, OpenApiContract? contract = null)
        : base(inner)
    {
        _contract = contract ?? OpenApiContract.Served;
    }

    /// <summary>A client for <paramref name="address"/> whose answers are checked against the served document.</summary>
    public static HttpClient Client(Uri address, HttpMessageHandler? inner = null) =>
        new(new ContractCheckingHandler(inner ?? new SocketsHttpHandler())) { BaseAddress = address };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        // Buffer the body, so the check reads it and the test still can.
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var problem = _contract.Check(
            request.Method.Method,
            request.RequestUri!.AbsolutePath,
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            body);
        if (problem is not null)
        {
            response.Dispose();
            throw new OpenApiContractException(problem);
        }

        return response;
    }
}

/// <summary>An answer that does not match <c>/openapi.json</c>.</summary>
public sealed class OpenApiContractException(string message) : Exception(message);
