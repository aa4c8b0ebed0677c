using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Telemetry;

/// <summary>
/// Parses telemetry push lines and polled agent lists straight from UTF-8: flat push lines by hand, everything else with
/// <see cref="Utf8JsonReader"/>.
/// Identifiers are interned into bounded tables, so steady-state parsing allocates nothing.
/// Single owner (the intake loop): not thread-safe.
/// </summary>
internal sealed partial class TelemetryParser
{
    private const int MaxNestedText = 2;

    // Per agent key, the label key each of its label fields (type, status, swarm, model) last interned to. An agent
    // reports the same type and swarm, and mostly the same status, on every tick: comparing the bytes with that label's
    // costs one short compare instead of a hash and a table probe (four per agent.status line, a third of the parse).
    // A stale slot (a recycled agent key or label key) only fails the compare.
    private const int LabelSlots = 4;
    private readonly int[] _lastLabels;
    private readonly Utf8Interner _agents;
    private readonly Utf8Interner _labels;
    private readonly int _maxIdBytes;
    private readonly byte[] _scratch;
    private int _scratchUsed;
    private readonly byte[] _lastStamp = new byte[48];
    private int _lastStampLength = -1;
    private long _lastStampTicks;

    /// <summary>Creates a parser whose agent table holds at most <paramref name="agentCapacity"/> ids at once.</summary>
    public TelemetryParser(int agentCapacity = 1024, int labelCapacity = 1024, int maxIdBytes = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(agentCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIdBytes, 8);
        _agents = new Utf8Interner(agentCapacity);
        _labels = new Utf8Interner(labelCapacity);
        _maxIdBytes = maxIdBytes;
        _scratch = new byte[maxIdBytes * 10];
        _lastLabels = new int[agentCapacity * LabelSlots];
        _lastLabels.AsSpan().Fill(-1);
    }

    /// <summary>Distinct labels refused because the label table was full.</summary>
    public long LabelOverflow { get; private set; }

    /// <summary>Agent ids currently interned.</summary>
    public int AgentIdCount => _agents.Count;

    internal Utf8Interner Agents => _agents;

    /// <summary>The agent id string of <paramref name="agentKey"/>.</summary>
    public string AgentId(int agentKey) => _agents.NameOf(agentKey);

    /// <summary>The label (type, status, swarm, message type, metric name) of <paramref name="labelKey"/>; empty for -1.</summary>
    public string Label(int labelKey) => _labels.NameOf(labelKey);

    /// <summary>Key of an agent id already known, or -1.</summary>
    public int FindAgent(ReadOnlySpan<byte> utf8Id) => _agents.Find(utf8Id);

    /// <summary>Key of a label, interning it when new (-1 when the table is full).</summary>
    public int InternLabel(ReadOnlySpan<byte> utf8) => Intern(utf8);

    /// <summary>
    /// Parses one push line <c>{"type":…,"data":{…},"timestamp":…}</c>; a JSON-RPC notification naming the same event
    /// (<c>{"method":"agent/status","params":{…}}</c>) is accepted too. A flat line (scalars under <c>data</c>, no escapes)
    /// is tokenized by hand (<c>TelemetryParser.FlatLine.cs</c>); any other goes to <see cref="ParseWithReader"/>, with the
    /// same outcome either way.
    /// </summary>
    public TelemetryParseStatus Parse(ReadOnlySpan<byte> line, out TelemetryEvent telemetryEvent)
    {
        telemetryEvent = default;
        telemetryEvent.Reset();
        return TryParseFlat(line, ref telemetryEvent, out var status) ? status : ParseWithReader(line, out telemetryEvent);
    }

    /// <summary>
    /// <see cref="Parse"/> by <see cref="Utf8JsonReader"/> alone: every line the flat path leaves, and the reference that
    /// path is held to.
    /// </summary>
    internal TelemetryParseStatus ParseWithReader(ReadOnlySpan<byte> line, out TelemetryEvent telemetryEvent)
    {
        telemetryEvent = default;
        telemetryEvent.Reset();
        _scratchUsed = 0;
        // Banners and other non-JSON lines are common on these sockets: refuse them before the reader would throw.
        var first = line.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0 || line[first] != (byte)'{') return TelemetryParseStatus.Malformed;
        var raw = default(RawFields);
        ReadOnlySpan<byte> type = default;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return TelemetryParseStatus.Malformed;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8) || reader.ValueTextEquals("event"u8) || reader.ValueTextEquals("method"u8))
                {
                    reader.Read();
                    if (!TryReadText(ref reader, out type)) return TelemetryParseStatus.Malformed;
                }
                else if (reader.ValueTextEquals("data"u8) || reader.ValueTextEquals("params"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) ReadFields(ref reader, ref raw, ref telemetryEvent);
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals("timestamp"u8))
                {
                    reader.Read();
                    ReadTimestamp(ref reader, ref telemetryEvent);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return TelemetryParseStatus.Malformed;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: invalid UTF-8 met while unescaping a string.
            return TelemetryParseStatus.Malformed;
        }

        if (raw.InvalidText) return TelemetryParseStatus.Malformed;
        if (raw.TooLong) return TelemetryParseStatus.IdTooLong;
        return Complete(type, ref raw, ref telemetryEvent);
    }

    /// <summary>
    /// Parses a polled agent list: <c>{"success":true,"agents":[…]}</c>, a bare array, an MCP tool result
    /// <c>{"content":[{"type":"text","text":"&lt;json&gt;"}]}</c>, or any of those under <c>result</c>/<c>data</c>.
    /// </summary>
    public AgentListParseStatus ParseAgentList(ReadOnlySpan<byte> json, ITelemetryEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return ParseAgentList(json, sink, 0);
    }

    private AgentListParseStatus ParseAgentList(ReadOnlySpan<byte> json, ITelemetryEventSink sink, int nesting)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read()) return AgentListParseStatus.Malformed;
            var status = reader.TokenType switch
            {
                JsonTokenType.StartArray => ReadAgentArray(ref reader, sink),
                JsonTokenType.StartObject => ReadListObject(ref reader, sink, nesting),
                _ => AgentListParseStatus.NoAgentList,
            };
            return status;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return AgentListParseStatus.Malformed;
        }
    }

    private AgentListParseStatus ReadListObject(ref Utf8JsonReader reader, ITelemetryEventSink sink, int nesting)
    {
        var result = AgentListParseStatus.NoAgentList;
        var failed = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("agents"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray) result = ReadAgentArray(ref reader, sink);
                else reader.Skip();
            }
            else if (reader.ValueTextEquals("success"u8))
            {
                reader.Read();
                failed |= reader.TokenType == JsonTokenType.False;
            }
            else if (reader.ValueTextEquals("isError"u8))
            {
                reader.Read();
                failed |= reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("result"u8) || reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    var inner = ReadListObject(ref reader, sink, nesting);
                    if (inner != AgentListParseStatus.NoAgentList) result = inner;
                }
                else if (reader.TokenType == JsonTokenType.StartArray && result == AgentListParseStatus.NoAgentList)
                {
                    result = ReadAgentArray(ref reader, sink);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("content"u8) && nesting < MaxNestedText)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isText = reader.ValueTextEquals("text"u8);
                        reader.Read();
                        if (isText && reader.TokenType == JsonTokenType.String && result == AgentListParseStatus.NoAgentList)
                        {
                            result = ParseEmbeddedText(ref reader, sink, nesting + 1);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return failed ? AgentListParseStatus.Failed : result;
    }

    private AgentListParseStatus ParseEmbeddedText(ref Utf8JsonReader reader, ITelemetryEventSink sink, int nesting)
    {
        if (!reader.ValueIsEscaped) return ParseAgentList(reader.ValueSpan, sink, nesting);
        var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var written = reader.CopyString(rented);
            return ParseAgentList(rented.AsSpan(0, written), sink, nesting);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private AgentListParseStatus ReadAgentArray(ref Utf8JsonReader reader, ITelemetryEventSink sink)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                sink.OnRejected(TelemetryParseStatus.Malformed);
                continue;
            }

            _scratchUsed = 0;
            var raw = default(RawFields);
            var ev = default(TelemetryEvent);
            ev.Reset();
            ReadFields(ref reader, ref raw, ref ev);
            var status = raw.InvalidText ? TelemetryParseStatus.Malformed
                : raw.TooLong ? TelemetryParseStatus.IdTooLong
                : CompleteAgent(TelemetryEventKind.AgentListed, ref raw, ref ev);
            if (status == TelemetryParseStatus.Ok) sink.OnEvent(ev);
            else sink.OnRejected(status);
        }

        return AgentListParseStatus.Ok;
    }

    private TelemetryParseStatus Complete(scoped ReadOnlySpan<byte> type, ref RawFields raw, ref TelemetryEvent ev)
    {
        // JSON-RPC notifications broadcast by the bridge name the same events with '/' ("agent/status").
        Span<byte> dotted = stackalloc byte[32];
        if (type.Length <= dotted.Length && type.Contains((byte)'/'))
        {
            type.CopyTo(dotted);
            dotted = dotted[..type.Length];
            dotted.Replace((byte)'/', (byte)'.');
            type = dotted;
        }

        if (type.SequenceEqual("agent.status"u8)) return CompleteAgent(TelemetryEventKind.AgentStatus, ref raw, ref ev);
        if (type.SequenceEqual("message.flow"u8)) return CompleteFlow(ref raw, ref ev);
        if (type.SequenceEqual("agent.spawned"u8)) return CompleteAgent(TelemetryEventKind.AgentSpawned, ref raw, ref ev);
        if (type.SequenceEqual("agent.terminated"u8)) return CompleteAgent(TelemetryEventKind.AgentTerminated, ref raw, ref ev);
        if (type.StartsWith("metrics."u8) && type.Length > 8)
        {
            ev.Kind = TelemetryEventKind.Metrics;
            ev.MetricKey = Intern(type[8..]);
            ev.Fields &= TelemetryFields.Timestamp;
            var agent = raw.Id.IsEmpty ? raw.BareId : raw.Id;
            if (agent.Length > 0) ev.AgentKey = _agents.Find(agent);
            return TelemetryParseStatus.Ok;
        }

        return TelemetryParseStatus.UnknownType;
    }

    private TelemetryParseStatus CompleteAgent(TelemetryEventKind kind, ref RawFields raw, ref TelemetryEvent ev)
    {
        if (raw.Id.IsEmpty) raw.Id = raw.BareId;
        if (raw.Id.IsEmpty) return TelemetryParseStatus.MissingField;
        if (WireVocabulary.IsTerminalStatus(raw.Status)) kind = TelemetryEventKind.AgentTerminated;
        ev.Kind = kind;
        if (kind == TelemetryEventKind.AgentTerminated)
        {
            // A termination never creates an id: an unknown agent has nothing to remove.
            ev.AgentKey = _agents.Find(raw.Id);
            ev.Fields = TelemetryFields.None | (ev.Fields & TelemetryFields.Timestamp);
            return ev.AgentKey < 0 ? TelemetryParseStatus.UnknownAgent : TelemetryParseStatus.Ok;
        }

        ev.AgentKey = _agents.GetOrAdd(raw.Id);
        if (ev.AgentKey < 0) return TelemetryParseStatus.OverCapacity;
        var slots = _lastLabels.AsSpan(ev.AgentKey * LabelSlots, LabelSlots);
        SetLabel(raw.Type, ref slots[0], ref ev.TypeKey, ref ev.Fields, TelemetryFields.Type);
        SetLabel(raw.Status, ref slots[1], ref ev.StatusKey, ref ev.Fields, TelemetryFields.Status);
        SetLabel(raw.Swarm, ref slots[2], ref ev.SwarmKey, ref ev.Fields, TelemetryFields.Swarm);
        SetLabel(raw.Model, ref slots[3], ref ev.ModelKey, ref ev.Fields, TelemetryFields.Model);
        return TelemetryParseStatus.Ok;
    }

    private void SetLabel(ReadOnlySpan<byte> value, ref int last, ref int key, ref TelemetryFields fields, TelemetryFields flag)
    {
        if (value.IsEmpty) return;
        key = last >= 0 && _labels.Holds(last, value) ? last : Intern(value);
        last = key;
        if (key >= 0) fields |= flag;
    }

    private TelemetryParseStatus CompleteFlow(ref RawFields raw, ref TelemetryEvent ev)
    {
        ev.Kind = TelemetryEventKind.MessageFlow;
        ev.Fields &= TelemetryFields.Timestamp;
        if (raw.From.IsEmpty || raw.To.IsEmpty) return TelemetryParseStatus.MissingField;
        ev.FromKey = _agents.Find(raw.From);
        ev.ToKey = _agents.Find(raw.To);
        var messageType = raw.MessageType.IsEmpty ? raw.Type : raw.MessageType;
        if (!messageType.IsEmpty) ev.MessageTypeKey = Intern(messageType);
        return ev.FromKey < 0 || ev.ToKey < 0 ? TelemetryParseStatus.UnknownAgent : TelemetryParseStatus.Ok;
    }

    private int Intern(ReadOnlySpan<byte> value)
    {
        var key = _labels.GetOrAdd(value);
        if (key < 0) LabelOverflow++;
        return key;
    }

    private void ReadFields(ref Utf8JsonReader reader, ref RawFields raw, ref TelemetryEvent ev)
    {
        Span<byte> nameBuffer = stackalloc byte[32];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            scoped ReadOnlySpan<byte> name;
            if (!reader.ValueIsEscaped) name = reader.ValueSpan;
            else if (reader.ValueSpan.Length <= nameBuffer.Length) name = nameBuffer[..reader.CopyString(nameBuffer)];
            else name = default;
            var field = WireVocabulary.Classify(name);
            reader.Read();
            switch (field)
            {
                case WireVocabulary.AgentId: ReadId(ref reader, ref raw, ref raw.Id); break;
                case WireVocabulary.Id: ReadId(ref reader, ref raw, ref raw.BareId); break;
                case WireVocabulary.Type: ReadId(ref reader, ref raw, ref raw.Type); break;
                case WireVocabulary.Status: ReadId(ref reader, ref raw, ref raw.Status); break;
                case WireVocabulary.SwarmId: ReadId(ref reader, ref raw, ref raw.Swarm); break;
                case WireVocabulary.Model: ReadId(ref reader, ref raw, ref raw.Model); break;
                case WireVocabulary.From: ReadId(ref reader, ref raw, ref raw.From); break;
                case WireVocabulary.To: ReadId(ref reader, ref raw, ref raw.To); break;
                case WireVocabulary.MessageType: ReadId(ref reader, ref raw, ref raw.MessageType); break;
                case WireVocabulary.CpuUsage:
                    if (TryReadNumber(ref reader, out var cpu)) { ev.CpuUsage = (float)cpu; ev.Fields |= TelemetryFields.CpuUsage; }
                    break;
                case WireVocabulary.MemoryUsage:
                    if (TryReadNumber(ref reader, out var memory)) { ev.MemoryUsage = (float)memory; ev.Fields |= TelemetryFields.MemoryUsage; }
                    break;
                case WireVocabulary.Health:
                    if (TryReadNumber(ref reader, out var health)) { ev.Health = (float)health; ev.Fields |= TelemetryFields.Health; }
                    break;
                case WireVocabulary.TasksActive:
                    if (TryReadInteger(ref reader, out var active)) { ev.TasksActive = (int)Math.Min(active, int.MaxValue); ev.Fields |= TelemetryFields.TasksActive; raw.ActiveTasksSaid = true; }
                    break;
                case WireVocabulary.TaskCount:
                    // Claude Flow's count stands for the active tasks unless the object says those itself (the simulator sends both).
                    if (TryReadInteger(ref reader, out var tasks) && !raw.ActiveTasksSaid) { ev.TasksActive = (int)Math.Min(tasks, int.MaxValue); ev.Fields |= TelemetryFields.TasksActive; }
                    break;
                case WireVocabulary.TokensUsed:
                    if (TryReadInteger(ref reader, out var tokens)) { ev.TokensUsed = tokens; ev.Fields |= TelemetryFields.TokensUsed; }
                    break;
                case WireVocabulary.Size:
                    if (TryReadNumber(ref reader, out var size)) ev.MessageSize = ClampInt(size);
                    break;
                case WireVocabulary.Value:
                    if (TryReadNumber(ref reader, out var value)) ev.MetricValue = value;
                    break;
                case WireVocabulary.Timestamp:
                    ReadTimestamp(ref reader, ref ev);
                    break;
                case WireVocabulary.CreatedAt:
                    if (TryReadInstant(ref reader, out var created)) { ev.CreatedAtUtcTicks = created; ev.Fields |= TelemetryFields.CreatedAt; }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    private void ReadId(scoped ref Utf8JsonReader reader, scoped ref RawFields raw, ref ReadOnlySpan<byte> target)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            target = reader.ValueSpan;
            return;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return;
        }

        var span = reader.ValueSpan;
        if (span.Length > _maxIdBytes * (reader.ValueIsEscaped ? 6 : 1))
        {
            raw.TooLong = true;
            return;
        }

        if (!reader.ValueIsEscaped)
        {
            // Utf8JsonReader does not validate UTF-8 inside strings: a corrupted byte would otherwise intern a phantom agent.
            if (!System.Text.Unicode.Utf8.IsValid(span))
            {
                raw.InvalidText = true;
                return;
            }

            target = span;
            return;
        }

        var free = _scratch.AsSpan(_scratchUsed);
        if (free.Length < span.Length)
        {
            raw.TooLong = true;
            return;
        }

        var written = reader.CopyString(free);
        if (written > _maxIdBytes)
        {
            raw.TooLong = true;
            return;
        }

        target = _scratch.AsSpan(_scratchUsed, written);
        _scratchUsed += written;
    }

    private bool TryReadText(scoped ref Utf8JsonReader reader, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.String) return false;
        if (!reader.ValueIsEscaped)
        {
            value = reader.ValueSpan;
            return System.Text.Unicode.Utf8.IsValid(value);
        }

        var free = _scratch.AsSpan(_scratchUsed);
        if (free.Length < reader.ValueSpan.Length) return false;
        var written = reader.CopyString(free);
        value = _scratch.AsSpan(_scratchUsed, written);
        _scratchUsed += written;
        return true;
    }

    private static bool TryReadNumber(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetDouble(out value) && double.IsFinite(value);
            case JsonTokenType.String when !reader.ValueIsEscaped:
                return Utf8Parser.TryParse(reader.ValueSpan, out value, out var consumed) && consumed == reader.ValueSpan.Length && double.IsFinite(value);
            default:
                reader.Skip();
                return false;
        }
    }

    private void ReadTimestamp(ref Utf8JsonReader reader, ref TelemetryEvent ev)
    {
        // Bursts of events share their timestamp text; reuse the last conversion instead of re-parsing ISO 8601.
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length == _lastStampLength
            && reader.ValueSpan.SequenceEqual(_lastStamp.AsSpan(0, _lastStampLength)))
        {
            ev.TimestampUtcTicks = _lastStampTicks;
            ev.Fields |= TelemetryFields.Timestamp;
        }
        else if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var stamp))
        {
            ev.TimestampUtcTicks = stamp.UtcTicks;
            ev.Fields |= TelemetryFields.Timestamp;
            if (!reader.ValueIsEscaped && reader.ValueSpan.Length <= _lastStamp.Length)
            {
                reader.ValueSpan.CopyTo(_lastStamp);
                _lastStampLength = reader.ValueSpan.Length;
                _lastStampTicks = stamp.UtcTicks;
            }
        }
        else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var unixMs) && unixMs is > 0 and < 253402300799999)
        {
            ev.TimestampUtcTicks = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcTicks;
            ev.Fields |= TelemetryFields.Timestamp;
        }
        else
        {
            reader.Skip();
        }
    }

    /// <summary>An ISO 8601 text or a Unix time in milliseconds, as UTC ticks.</summary>
    private static bool TryReadInstant(ref Utf8JsonReader reader, out long utcTicks)
    {
        utcTicks = 0;
        if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var stamp))
        {
            utcTicks = stamp.UtcTicks;
            return true;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var unixMs) && unixMs is > 0 and < 253402300799999)
        {
            utcTicks = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcTicks;
            return true;
        }

        reader.Skip();
        return false;
    }

    private static bool TryReadInteger(ref Utf8JsonReader reader, out long value)
    {
        // Counters are integers on the wire; the integer path is several times cheaper than parsing a double.
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value))
        {
            value = Math.Max(0, value);
            return true;
        }

        var ok = TryReadNumber(ref reader, out var number);
        value = ok ? ClampLong(number) : 0;
        return ok;
    }

    private static int ClampInt(double value) => value <= 0 ? 0 : value >= int.MaxValue ? int.MaxValue : (int)value;

    private static long ClampLong(double value) => value <= 0 ? 0 : value >= long.MaxValue ? long.MaxValue : (long)value;

    private ref struct RawFields
    {
        /// <summary>The agent's id as an agent id (<c>agentId</c>, <c>agent_id</c>): wins over a bare <c>id</c>.</summary>
        public ReadOnlySpan<byte> Id;
        public ReadOnlySpan<byte> BareId;
        public ReadOnlySpan<byte> Model;
        public ReadOnlySpan<byte> Type;
        public ReadOnlySpan<byte> Status;
        public ReadOnlySpan<byte> Swarm;
        public ReadOnlySpan<byte> From;
        public ReadOnlySpan<byte> To;
        public ReadOnlySpan<byte> MessageType;
        public bool TooLong;
        public bool InvalidText;
        public bool ActiveTasksSaid;
    }
}
