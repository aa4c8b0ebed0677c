using System.Text.Json;

namespace VisionFlow.Server.Streaming;

/// <summary>A client's control request over the WebSocket text channel.</summary>
/// <param name="Kind">What is asked.</param>
/// <param name="RateHz">For <see cref="StreamControlKind.SetRate"/>: the requested rate.</param>
internal readonly record struct StreamControl(StreamControlKind Kind, int RateHz)
{
    /// <summary>
    /// Parses <c>{"type":"set_rate","hz":N}</c> or <c>{"type":"request_full"}</c>. Anything else yields an error text;
    /// malformed input is reported, never thrown.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, int maxRateHz, out StreamControl control, out string error)
    {
        control = default;
        error = string.Empty;
        string? type = null;
        int? hz = null;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "control message must be a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    // Compare in UTF-8: GetString would throw on invalid UTF-8, and no string is needed.
                    type = reader.TokenType != JsonTokenType.String ? "?"
                        : reader.ValueTextEquals("set_rate"u8) ? "set_rate"
                        : reader.ValueTextEquals("request_full"u8) ? "request_full"
                        : "?";
                }
                else if (reader.ValueTextEquals("hz"u8))
                {
                    reader.Read();
                    hz = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) ? v : -1;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            error = "control message is not valid JSON: " + ex.Message;
            return false;
        }
        catch (InvalidOperationException ex)
        {
            // Invalid UTF-8 inside a string token surfaces here rather than as a JsonException.
            error = "control message is not valid UTF-8 JSON: " + ex.Message;
            return false;
        }

        switch (type)
        {
            case "request_full":
                control = new StreamControl(StreamControlKind.RequestFull, 0);
                return true;
            case "set_rate" when hz is { } r && r >= 1 && r <= maxRateHz:
                control = new StreamControl(StreamControlKind.SetRate, r);
                return true;
            case "set_rate":
                error = $"set_rate needs an integer \"hz\" from 1 to {maxRateHz}";
                return false;
            default:
                error = "unknown control message type; expected \"set_rate\" or \"request_full\"";
                return false;
        }
    }
}
