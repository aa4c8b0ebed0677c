using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace VisionFlow.Server.Api;

/// <summary>
/// Reads a JSON request body with a size cap and turns every way it can be wrong into a clear 400 problem, instead of
/// the framework's bare status codes: hostile bodies get an explanation, never a stack trace or a hang. Unknown fields
/// are refused by name (see <see cref="BodyFields"/>), never ignored.
/// </summary>
internal static class JsonBody
{
    /// <summary>Largest JSON body any command accepts.</summary>
    public const int MaxBytes = 64 * 1024;

    public static async ValueTask<JsonBodyResult<T>> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        var request = context.Request;
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Bad("Content-Type must be application/json", StatusCodes.Status415UnsupportedMediaType));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, Bad($"request body is larger than {MaxBytes} bytes", StatusCodes.Status413PayloadTooLarge));
        }

        var reader = request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (read.Buffer.Length > MaxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return (null, Bad($"request body is larger than {MaxBytes} bytes", StatusCodes.Status413PayloadTooLarge));
            }

            if (read.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        try
        {
            if (read.Buffer.IsEmpty)
            {
                return (null, Bad("request body is empty; a JSON object is required"));
            }

            var options = new JsonReaderOptions { MaxDepth = 16 };
            if (BodyFields.FindUnknown(read.Buffer, type, options) is { } unknown)
            {
                return (null, Bad(unknown));
            }

            var jsonReader = new Utf8JsonReader(read.Buffer, options);
            var value = JsonSerializer.Deserialize(ref jsonReader, type);
            return value is null ? (null, Bad("request body must be a JSON object, not null: " + BodyFields.Describe(type))) : (value, null);
        }
        catch (JsonException ex)
        {
            // A value of the wrong kind names the field and what it takes; broken JSON keeps the parser's position.
            return (null, Bad(BodyFields.WrongValue(type, ex.Path) ?? "request body is not valid JSON: " + ex.Message));
        }
        catch (InvalidOperationException ex)
        {
            // Invalid UTF-8 inside a name or string surfaces here rather than as a JsonException.
            return (null, Bad("request body is not valid UTF-8 JSON: " + ex.Message));
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    public static IResult Bad(string detail, int status = StatusCodes.Status400BadRequest) =>
        Results.Problem(statusCode: status, title: "Invalid request", detail: detail);
}
