using System.Text;
using System.Text.Json;

namespace VisionFlow.Protocol.Messages;

/// <summary>
/// One classified JSON-RPC line. Every member is a slice of the parsed bytes, so parsing allocates nothing; the message
/// is valid only as long as those bytes are. Strings are raw JSON text (escape sequences not decoded) unless a
/// <c>Copy…</c>/<c>Get…</c> helper says otherwise.
/// </summary>
internal readonly ref struct JsonRpcMessage
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow };

    private readonly ReadOnlySpan<byte> _json;
    private readonly int _methodStart, _methodLength;
    private readonly int _idStart, _idLength;
    private readonly int _paramsStart, _paramsLength;
    private readonly int _resultStart, _resultLength;
    private readonly int _errorMessageStart, _errorMessageLength;
    private readonly int _errorDataStart, _errorDataLength;
    private readonly int _typeStart, _typeLength;
    private readonly bool _methodEscaped, _idEscaped;

    private JsonRpcMessage(ReadOnlySpan<byte> json, JsonRpcMessageKind kind, JsonRpcMessageError error)
    {
        _json = json;
        Kind = kind;
        Error = error;
    }

    private JsonRpcMessage(ReadOnlySpan<byte> json, scoped in Fields f, JsonRpcMessageKind kind, JsonRpcMessageError error)
    {
        _json = json;
        Kind = kind;
        Error = error;
        _methodStart = f.MethodStart;
        _methodLength = f.MethodLength;
        _methodEscaped = f.MethodEscaped;
        _idStart = f.IdStart;
        _idLength = f.IdLength;
        _idEscaped = f.IdEscaped;
        IdKind = f.IdKind;
        IdNumber = f.IdNumber;
        _paramsStart = f.ParamsStart;
        _paramsLength = f.ParamsLength;
        _resultStart = f.ResultStart;
        _resultLength = f.ResultLength;
        ErrorCode = f.ErrorCode;
        _errorMessageStart = f.ErrorMessageStart;
        _errorMessageLength = f.ErrorMessageLength;
        _errorDataStart = f.ErrorDataStart;
        _errorDataLength = f.ErrorDataLength;
        _typeStart = f.TypeStart;
        _typeLength = f.TypeLength;
    }

    /// <summary>What the line is.</summary>
    public JsonRpcMessageKind Kind { get; }

    /// <summary>Why the line is <see cref="JsonRpcMessageKind.Invalid"/>; <see cref="JsonRpcMessageError.None"/> otherwise.</summary>
    public JsonRpcMessageError Error { get; }

    /// <summary>The whole line.</summary>
    public ReadOnlySpan<byte> Json => _json;

    /// <summary>The method name as raw JSON string content (see <see cref="MethodIsEscaped"/>).</summary>
    public ReadOnlySpan<byte> Method => _json.Slice(_methodStart, _methodLength);

    /// <summary>True when <see cref="Method"/> contains JSON escape sequences; use <see cref="CopyMethod"/> to decode.</summary>
    public bool MethodIsEscaped => _methodEscaped;

    /// <summary>The JSON type of the id.</summary>
    public JsonRpcIdKind IdKind { get; }

    /// <summary>The id exactly as on the wire (quotes included for strings): echo it back verbatim in a response.</summary>
    public ReadOnlySpan<byte> IdJson => _json.Slice(_idStart, _idLength);

    /// <summary>The content of a string id (raw, see <see cref="IdIsEscaped"/>); empty for other kinds.</summary>
    public ReadOnlySpan<byte> IdString => IdKind == JsonRpcIdKind.String ? _json.Slice(_idStart + 1, _idLength - 2) : default;

    /// <summary>True when a string id contains escape sequences.</summary>
    public bool IdIsEscaped => _idEscaped;

    /// <summary>The value of a numeric id.</summary>
    public long IdNumber { get; }

    /// <summary>The raw JSON of <c>params</c> (an object or array); empty when absent.</summary>
    public ReadOnlySpan<byte> Params => _json.Slice(_paramsStart, _paramsLength);

    /// <summary>The raw JSON of <c>result</c>.</summary>
    public ReadOnlySpan<byte> Result => _json.Slice(_resultStart, _resultLength);

    /// <summary>The error object's <c>code</c>.</summary>
    public int ErrorCode { get; }

    /// <summary>The error object's <c>message</c> (raw JSON string content).</summary>
    public ReadOnlySpan<byte> ErrorMessage => _json.Slice(_errorMessageStart, _errorMessageLength);

    /// <summary>The raw JSON of the error object's <c>data</c>; empty when absent.</summary>
    public ReadOnlySpan<byte> ErrorData => _json.Slice(_errorDataStart, _errorDataLength);

    /// <summary>The <c>type</c> member of a push line (raw JSON string content), e.g. <c>agent.status</c>.</summary>
    public ReadOnlySpan<byte> PushType => _json.Slice(_typeStart, _typeLength);

    /// <summary>Classifies and indexes one JSON line. Never throws on bad input: it returns an <see cref="JsonRpcMessageKind.Invalid"/> message.</summary>
    public static JsonRpcMessage Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            if (!reader.Read())
            {
                return new JsonRpcMessage(json, JsonRpcMessageKind.Invalid, JsonRpcMessageError.MalformedJson);
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    var f = default(Fields);
                    ReadObject(ref reader, ref f);
                    EnsureEnd(ref reader);
                    var (kind, error) = Classify(in f);
                    return new JsonRpcMessage(json, in f, kind, error);
                case JsonTokenType.StartArray:
                    var empty = reader.Read() && reader.TokenType == JsonTokenType.EndArray;
                    if (!empty)
                    {
                        reader.Skip();
                        while (reader.Read())
                        {
                            // Walks the rest of the array so that malformed JSON is caught here, not while iterating.
                        }
                    }
                    else
                    {
                        EnsureEnd(ref reader);
                    }

                    return new JsonRpcMessage(
                        json,
                        empty ? JsonRpcMessageKind.Invalid : JsonRpcMessageKind.Batch,
                        empty ? JsonRpcMessageError.EmptyBatch : JsonRpcMessageError.None);
                default:
                    reader.Skip();
                    EnsureEnd(ref reader);
                    return new JsonRpcMessage(json, JsonRpcMessageKind.Invalid, JsonRpcMessageError.NotAnObject);
            }
        }
        catch (JsonException)
        {
            return new JsonRpcMessage(json, JsonRpcMessageKind.Invalid, JsonRpcMessageError.MalformedJson);
        }
    }

    /// <summary>Decodes the method name into <paramref name="destination"/>; returns the byte count, or -1 when it does not fit.</summary>
    public int CopyMethod(Span<byte> destination)
    {
        if (!_methodEscaped)
        {
            return Method.TryCopyTo(destination) ? _methodLength : -1;
        }

        var reader = new Utf8JsonReader(_json.Slice(_methodStart - 1, _methodLength + 2), ReaderOptions);
        reader.Read();
        return reader.ValueSpan.Length <= destination.Length ? reader.CopyString(destination) : -1;
    }

    /// <summary>The decoded method name (allocates; for logs and rare paths).</summary>
    public string GetMethodString() => DecodeString(_methodStart, _methodLength, _methodEscaped);

    /// <summary>The decoded error message (allocates).</summary>
    public string GetErrorMessageString() => DecodeString(_errorMessageStart, _errorMessageLength, escaped: true);

    /// <summary>The id as text for logs (allocates).</summary>
    public string GetIdForDisplay() => IdKind == JsonRpcIdKind.None ? "(none)" : Encoding.UTF8.GetString(IdJson);

    private string DecodeString(int start, int length, bool escaped)
    {
        if (!escaped)
        {
            return Encoding.UTF8.GetString(_json.Slice(start, length));
        }

        var reader = new Utf8JsonReader(_json.Slice(start - 1, length + 2), ReaderOptions);
        reader.Read();
        return reader.GetString() ?? string.Empty;
    }

    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        // Trailing bytes after the top-level value make Read() throw, which the caller maps to MalformedJson.
        while (reader.Read())
        {
        }
    }

    private static void ReadObject(ref Utf8JsonReader reader, ref Fields f)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("jsonrpc"u8))
            {
                reader.Read();
                f.HasVersion = true;
                f.WrongVersion = reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("2.0"u8);
                reader.Skip();
            }
            else if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                f.HasMethod = true;
                if (reader.TokenType == JsonTokenType.String)
                {
                    f.MethodStart = (int)reader.TokenStartIndex + 1;
                    f.MethodLength = reader.ValueSpan.Length;
                    f.MethodEscaped = reader.ValueIsEscaped;
                    f.InvalidMethod = false;
                }
                else
                {
                    f.InvalidMethod = true;
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                f.HasId = true;
                f.InvalidId = false;
                f.IdStart = (int)reader.TokenStartIndex;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        f.IdKind = JsonRpcIdKind.String;
                        f.IdLength = (int)reader.BytesConsumed - f.IdStart;
                        f.IdEscaped = reader.ValueIsEscaped;
                        break;
                    case JsonTokenType.Number when reader.TryGetInt64(out var number):
                        f.IdKind = JsonRpcIdKind.Number;
                        f.IdNumber = number;
                        f.IdLength = (int)reader.BytesConsumed - f.IdStart;
                        break;
                    case JsonTokenType.Null:
                        f.IdKind = JsonRpcIdKind.Null;
                        f.IdLength = 4;
                        break;
                    default:
                        f.InvalidId = true;
                        f.IdKind = JsonRpcIdKind.None;
                        f.IdLength = 0;
                        reader.Skip();
                        break;
                }
            }
            else if (reader.ValueTextEquals("params"u8))
            {
                reader.Read();
                f.InvalidParams = reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray);
                (f.ParamsStart, f.ParamsLength) = RawValue(ref reader);
                if (f.InvalidParams)
                {
                    f.ParamsLength = 0;
                }
            }
            else if (reader.ValueTextEquals("result"u8))
            {
                reader.Read();
                f.HasResult = true;
                (f.ResultStart, f.ResultLength) = RawValue(ref reader);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                f.HasError = true;
                ReadError(ref reader, ref f);
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    f.HasType = true;
                    f.TypeStart = (int)reader.TokenStartIndex + 1;
                    f.TypeLength = reader.ValueSpan.Length;
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadError(ref Utf8JsonReader reader, ref Fields f)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            f.InvalidError = true;
            reader.Skip();
            return;
        }

        var hasCode = false;
        var hasMessage = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                hasCode = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out f.ErrorCode);
                reader.Skip();
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                hasMessage = reader.TokenType == JsonTokenType.String;
                if (hasMessage)
                {
                    f.ErrorMessageStart = (int)reader.TokenStartIndex + 1;
                    f.ErrorMessageLength = reader.ValueSpan.Length;
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                (f.ErrorDataStart, f.ErrorDataLength) = RawValue(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        f.InvalidError = !hasCode || !hasMessage;
    }

    private static (int Start, int Length) RawValue(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return (start, (int)reader.BytesConsumed - start);
    }

    private static (JsonRpcMessageKind, JsonRpcMessageError) Classify(in Fields f)
    {
        if (!f.HasVersion)
        {
            return f.HasType
                ? (JsonRpcMessageKind.Push, JsonRpcMessageError.None)
                : (JsonRpcMessageKind.Invalid, JsonRpcMessageError.NotJsonRpc);
        }

        if (f.WrongVersion)
        {
            return (JsonRpcMessageKind.Invalid, JsonRpcMessageError.WrongVersion);
        }

        if (f.HasMethod)
        {
            var error = f.InvalidMethod ? JsonRpcMessageError.InvalidMethod
                : f.HasResult || f.HasError ? JsonRpcMessageError.MethodWithResult
                : f.InvalidParams ? JsonRpcMessageError.InvalidParams
                : f.HasId && (f.InvalidId || f.IdKind == JsonRpcIdKind.Null) ? JsonRpcMessageError.InvalidId
                : JsonRpcMessageError.None;
            return error != JsonRpcMessageError.None ? (JsonRpcMessageKind.Invalid, error)
                : f.HasId ? (JsonRpcMessageKind.Request, error)
                : (JsonRpcMessageKind.Notification, error);
        }

        if (f.HasResult && f.HasError)
        {
            return (JsonRpcMessageKind.Invalid, JsonRpcMessageError.ResultAndError);
        }

        if (!f.HasResult && !f.HasError)
        {
            return (JsonRpcMessageKind.Invalid, JsonRpcMessageError.NoResultOrError);
        }

        if (!f.HasId)
        {
            return (JsonRpcMessageKind.Invalid, JsonRpcMessageError.MissingId);
        }

        if (f.InvalidId || (f.HasResult && f.IdKind == JsonRpcIdKind.Null))
        {
            return (JsonRpcMessageKind.Invalid, JsonRpcMessageError.InvalidId);
        }

        if (f.HasError)
        {
            return f.InvalidError
                ? (JsonRpcMessageKind.Invalid, JsonRpcMessageError.InvalidErrorObject)
                : (JsonRpcMessageKind.ErrorResponse, JsonRpcMessageError.None);
        }

        return (JsonRpcMessageKind.SuccessResponse, JsonRpcMessageError.None);
    }

    /// <summary>Offsets collected while reading; a plain struct so the reader can fill it by reference.</summary>
    private struct Fields
    {
        public bool HasVersion, WrongVersion, HasMethod, InvalidMethod, MethodEscaped, HasId, InvalidId, IdEscaped;
        public bool InvalidParams, HasResult, HasError, InvalidError, HasType;
        public int MethodStart, MethodLength, IdStart, IdLength, ParamsStart, ParamsLength, ResultStart, ResultLength;
        public int ErrorCode, ErrorMessageStart, ErrorMessageLength, ErrorDataStart, ErrorDataLength, TypeStart, TypeLength;
        public JsonRpcIdKind IdKind;
        public long IdNumber;
    }
}
