using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using VisionFlow.Protocol.Dialects;

namespace VisionFlow.Agents.Telemetry;

/// <summary>
/// The fast path for the one shape nearly every pushed line has: a flat object of known members
/// (<c>{"type":"agent.status","data":{…scalars…},"timestamp":"…"}</c>, or the bridge's
/// <c>{"jsonrpc":"2.0","method":"agent/status","params":{…scalars…}}</c>), tokenized by hand over the bytes.
/// </summary>
/// <remarks>
/// It commits only to what it fully understands: strict JSON (RFC 8259 numbers, the three literals, whitespace),
/// strings of printable ASCII without escapes, scalars everywhere except one object level under <c>data</c>/<c>params</c>.
/// Anything else — an escape, a byte outside printable ASCII in a string, nesting, an id over the limit, a type that is
/// not a string, bad JSON of any kind — makes it give up before it has changed anything but the timestamp cache, and the
/// line goes to the <see cref="Utf8JsonReader"/> path, which is the reference: same events, same statuses
/// (<c>TelemetryParserFlatLineTests</c> feeds both the corpus and mutated lines). Numbers are read with the calls the
/// reader itself makes (<see cref="Utf8Parser"/>, whole token consumed, finite); ISO 8601 timestamps, when the text is
/// not the last one seen, through a reader over that one string, so its date grammar is the reader's.
/// </remarks>
internal sealed partial class TelemetryParser
{
    private const int NamePositions = 16;
    private const int NameBytes = 24;

    // Each remembered name is kept followed by its closing quote and the colon (`name":`), so that a compact member whose
    // name is the one remembered at its position is matched with one compare of those bytes, with no scan for the quote.
    private const int NameSlot = NameBytes + 2;
    private readonly byte[] _names = new byte[NamePositions * 2 * NameSlot];
    private readonly byte[] _nameLengths = new byte[NamePositions * 2];
    private readonly byte[] _nameFields = new byte[NamePositions * 2];

    /// <summary>Lines the fast path parsed (the rest went to the reader); owner thread.</summary>
    internal long FlatLines { get; private set; }

    private enum Token : byte
    {
        String,
        Number,
        True,
        False,
        Null,
    }

    /// <summary>
    /// Parses <paramref name="line"/> when it is a flat telemetry line; false (nothing interned, <paramref name="ev"/>
    /// as it came) when the reader's path must decide.
    /// </summary>
    private bool TryParseFlat(ReadOnlySpan<byte> line, ref TelemetryEvent ev, out TelemetryParseStatus status)
    {
        status = TelemetryParseStatus.Malformed;
        var raw = default(RawFields);
        var work = ev;
        ReadOnlySpan<byte> type = default;
        var i = SkipWhitespace(line, 0);
        if (i >= line.Length || line[i] != (byte)'{') return false;
        i = SkipWhitespace(line, i + 1);
        if (i < line.Length && line[i] == (byte)'}')
        {
            i++;
        }
        else
        {
            while (true)
            {
                if (!TryOuterName(line, ref i, out var name)) return false;
                if (name.SequenceEqual("type"u8) || name.SequenceEqual("event"u8) || name.SequenceEqual("method"u8))
                {
                    // The reader's path answers Malformed for a type that is not a string; it decides that one.
                    if (!TryScalar(line, ref i, out var token, out var text) || token != Token.String) return false;
                    type = text;
                }
                else if (name.SequenceEqual("data"u8) || name.SequenceEqual("params"u8))
                {
                    if (i < line.Length && line[i] == (byte)'{')
                    {
                        if (!TryFlatFields(line, ref i, ref raw, ref work)) return false;
                    }
                    else if (!TryScalar(line, ref i, out _, out _))
                    {
                        return false;
                    }
                }
                else if (name.SequenceEqual("timestamp"u8))
                {
                    if (!TryScalar(line, ref i, out var token, out var value)) return false;
                    FlatTimestamp(line, token, value, ref work);
                }
                else if (!TryScalar(line, ref i, out _, out _))
                {
                    return false;
                }

                if (!TryNext(line, ref i, out var closed)) return false;
                if (closed) break;
            }
        }

        if (SkipWhitespace(line, i) != line.Length) return false;
        FlatLines++;
        ev = work;
        status = Complete(type, ref raw, ref ev);
        return true;
    }

    /// <summary>The members of <c>data</c>/<c>params</c>: scalars only, each as <see cref="ReadFields"/> reads it.</summary>
    private bool TryFlatFields(ReadOnlySpan<byte> line, scoped ref int i, scoped ref RawFields raw, ref TelemetryEvent ev)
    {
        i = SkipWhitespace(line, i + 1);
        if (i < line.Length && line[i] == (byte)'}')
        {
            i++;
            return true;
        }

        var position = 0;
        while (true)
        {
            if (!TryKnownName(line, ref i, position, out var field))
            {
                if (!TryName(line, ref i, out var name)) return false;
                field = ClassifyAt(position, name);
            }

            position++;
            if (!TryScalar(line, ref i, out var token, out var value)) return false;
            switch (field)
            {
                case WireVocabulary.AgentId: if (!FlatId(token, value, ref raw.Id)) return false; break;
                case WireVocabulary.Id: if (!FlatId(token, value, ref raw.BareId)) return false; break;
                case WireVocabulary.Type: if (!FlatId(token, value, ref raw.Type)) return false; break;
                case WireVocabulary.Status: if (!FlatId(token, value, ref raw.Status)) return false; break;
                case WireVocabulary.SwarmId: if (!FlatId(token, value, ref raw.Swarm)) return false; break;
                case WireVocabulary.Model: if (!FlatId(token, value, ref raw.Model)) return false; break;
                case WireVocabulary.From: if (!FlatId(token, value, ref raw.From)) return false; break;
                case WireVocabulary.To: if (!FlatId(token, value, ref raw.To)) return false; break;
                case WireVocabulary.MessageType: if (!FlatId(token, value, ref raw.MessageType)) return false; break;
                case WireVocabulary.CpuUsage:
                    if (FlatNumber(token, value, out var cpu)) { ev.CpuUsage = (float)cpu; ev.Fields |= TelemetryFields.CpuUsage; }
                    break;
                case WireVocabulary.MemoryUsage:
                    if (FlatNumber(token, value, out var memory)) { ev.MemoryUsage = (float)memory; ev.Fields |= TelemetryFields.MemoryUsage; }
                    break;
                case WireVocabulary.Health:
                    if (FlatNumber(token, value, out var health)) { ev.Health = (float)health; ev.Fields |= TelemetryFields.Health; }
                    break;
                case WireVocabulary.TasksActive:
                    if (FlatInteger(token, value, out var active)) { ev.TasksActive = (int)Math.Min(active, int.MaxValue); ev.Fields |= TelemetryFields.TasksActive; raw.ActiveTasksSaid = true; }
                    break;
                case WireVocabulary.TaskCount:
                    if (FlatInteger(token, value, out var tasks) && !raw.ActiveTasksSaid) { ev.TasksActive = (int)Math.Min(tasks, int.MaxValue); ev.Fields |= TelemetryFields.TasksActive; }
                    break;
                case WireVocabulary.TokensUsed:
                    if (FlatInteger(token, value, out var tokens)) { ev.TokensUsed = tokens; ev.Fields |= TelemetryFields.TokensUsed; }
                    break;
                case WireVocabulary.Size:
                    if (FlatNumber(token, value, out var size)) ev.MessageSize = ClampInt(size);
                    break;
                case WireVocabulary.Value:
                    if (FlatNumber(token, value, out var metric)) ev.MetricValue = metric;
                    break;
                case WireVocabulary.Timestamp:
                    FlatTimestamp(line, token, value, ref ev);
                    break;
                case WireVocabulary.CreatedAt:
                    if (FlatInstant(line, token, value, out var created)) { ev.CreatedAtUtcTicks = created; ev.Fields |= TelemetryFields.CreatedAt; }
                    break;
            }

            if (!TryNext(line, ref i, out var closed)) return false;
            if (closed) return true;
        }
    }

    /// <summary>
    /// The member at <paramref name="i"/> when its name is one of the two remembered at <paramref name="position"/> and
    /// it is written compactly (<c>"name":</c>, no space before the colon): what <see cref="TryName"/> and
    /// <see cref="ClassifyAt"/> would answer, from one compare of the name, its closing quote and the colon. A remembered
    /// name holds no quote, escape or control byte (<see cref="TryString"/> stopped at none), so the quote after it is the
    /// name's end as the scan would find it. False, <paramref name="i"/> unchanged, for anything else: the scan decides.
    /// </summary>
    private bool TryKnownName(ReadOnlySpan<byte> line, scoped ref int i, int position, out byte field)
    {
        field = 0;
        if (position >= NamePositions || (uint)i >= (uint)line.Length || line[i] != (byte)'"') return false;
        var rest = line[(i + 1)..];
        var way = position * 2;
        for (var w = way; w < way + 2; w++)
        {
            var length = _nameLengths[w] + 2;
            if (_nameLengths[w] != 0 && rest.StartsWith(_names.AsSpan(w * NameSlot, length)))
            {
                field = _nameFields[w];
                i = SkipWhitespace(line, i + 1 + length);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <see cref="WireVocabulary.Classify(ReadOnlySpan{byte})"/> with a memory of the names met at each position of
    /// <c>data</c>: a peer writes one line shape per event type, the same members in the same order, so the name at a
    /// position is nearly always one of the last two seen there (two: agent.status lines and the message.flow lines
    /// between them). A hit is one compare of a few bytes instead of a look-up in the vocabulary.
    /// </summary>
    private byte ClassifyAt(int position, ReadOnlySpan<byte> name)
    {
        if (position >= NamePositions || name.Length > NameBytes) return WireVocabulary.Classify(name);
        var way = position * 2;
        for (var w = way; w < way + 2; w++)
        {
            if (_nameLengths[w] == name.Length && name.SequenceEqual(_names.AsSpan(w * NameSlot, name.Length))) return _nameFields[w];
        }

        var field = WireVocabulary.Classify(name);

        // The newer way first; the older one gives way. An empty name is not remembered (length 0 marks an empty way).
        if (name.IsEmpty) return field;
        _names.AsSpan(way * NameSlot, NameSlot).CopyTo(_names.AsSpan((way + 1) * NameSlot, NameSlot));
        (_nameLengths[way + 1], _nameFields[way + 1]) = (_nameLengths[way], _nameFields[way]);
        name.CopyTo(_names.AsSpan(way * NameSlot));
        "\":"u8.CopyTo(_names.AsSpan((way * NameSlot) + name.Length));
        (_nameLengths[way], _nameFields[way]) = ((byte)name.Length, field);
        return field;
    }

    /// <summary>As <see cref="ReadId"/>: a number's text or a string's bytes; an over-long id is the reader's path's to refuse.</summary>
    private bool FlatId(Token token, ReadOnlySpan<byte> value, scoped ref ReadOnlySpan<byte> target)
    {
        switch (token)
        {
            case Token.Number:
                target = value;
                return true;
            case Token.String:
                if (value.Length > _maxIdBytes) return false;
                target = value;
                return true;
            default:
                return true;
        }
    }

    /// <summary>As <see cref="TryReadNumber"/>: the reader's <c>TryGetDouble</c> for a number, <see cref="Utf8Parser"/> for a string.</summary>
    private static bool FlatNumber(Token token, ReadOnlySpan<byte> value, out double number)
    {
        number = 0;
        if (token is not (Token.Number or Token.String)) return false;
        if (token == Token.Number && TryShortDecimal(value, out number)) return true;
        if (!Utf8Parser.TryParse(value, out double parsed, out var consumed) || consumed != value.Length || !double.IsFinite(parsed)) return false;
        number = parsed;
        return true;
    }

    /// <summary>
    /// A JSON number of at most 15 digits with no exponent (<c>12.3</c>, <c>-0.5</c>, <c>1523</c>: every gauge a peer
    /// sends), exactly as the reader's parse gives it: its digits as an integer below 2^53 and a power of ten up to
    /// 10^15 are both exact doubles, so the one division is correctly rounded, which is what a correctly rounding parser
    /// answers too. False for anything else, which takes the general parse.
    /// </summary>
    private static bool TryShortDecimal(ReadOnlySpan<byte> number, out double value)
    {
        value = 0;
        var negative = number[0] == (byte)'-';
        long digits = 0;
        var count = 0;
        var fraction = -1;
        for (var i = negative ? 1 : 0; i < number.Length; i++)
        {
            var b = number[i];
            if (b == (byte)'.')
            {
                fraction = count;
                continue;
            }

            var digit = (uint)(b - '0');
            if (digit > 9 || ++count > 15) return false;
            digits = (digits * 10) + digit;
        }

        var scale = fraction < 0 ? 0 : count - fraction;
        value = scale == 0 ? digits : digits / PowersOfTen[scale];
        if (negative) value = -value;
        return true;
    }

    private static ReadOnlySpan<double> PowersOfTen => [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>An integer token of at most 18 digits, as <c>Utf8Parser</c>'s <see cref="long"/> parse gives it.</summary>
    private static bool TryShortInteger(ReadOnlySpan<byte> number, out long value)
    {
        value = 0;
        var negative = number[0] == (byte)'-';
        var start = negative ? 1 : 0;
        if (number.Length - start > 18) return false;
        for (var i = start; i < number.Length; i++)
        {
            var digit = (uint)(number[i] - '0');
            if (digit > 9) return false;
            value = (value * 10) + digit;
        }

        if (negative) value = -value;
        return true;
    }

    /// <summary>As <see cref="TryReadInteger"/>.</summary>
    private static bool FlatInteger(Token token, ReadOnlySpan<byte> value, out long integer)
    {
        if (token == Token.Number && (TryShortInteger(value, out var parsed) || (Utf8Parser.TryParse(value, out parsed, out var consumed) && consumed == value.Length)))
        {
            integer = Math.Max(0, parsed);
            return true;
        }

        var ok = FlatNumber(token, value, out var number);
        integer = ok ? ClampLong(number) : 0;
        return ok;
    }

    /// <summary>As <see cref="ReadTimestamp"/>, with its cache of the last text.</summary>
    private void FlatTimestamp(ReadOnlySpan<byte> line, Token token, ReadOnlySpan<byte> value, ref TelemetryEvent ev)
    {
        if (token == Token.String)
        {
            if (value.Length == _lastStampLength && value.SequenceEqual(_lastStamp.AsSpan(0, _lastStampLength)))
            {
                ev.TimestampUtcTicks = _lastStampTicks;
                ev.Fields |= TelemetryFields.Timestamp;
            }
            else if (TryIsoStamp(line, value, out var stamp))
            {
                ev.TimestampUtcTicks = stamp;
                ev.Fields |= TelemetryFields.Timestamp;
                if (value.Length <= _lastStamp.Length)
                {
                    value.CopyTo(_lastStamp);
                    _lastStampLength = value.Length;
                    _lastStampTicks = stamp;
                }
            }
        }
        else if (token == Token.Number && TryUnixMilliseconds(value, out var ticks))
        {
            ev.TimestampUtcTicks = ticks;
            ev.Fields |= TelemetryFields.Timestamp;
        }
    }

    /// <summary>As <see cref="TryReadInstant"/>.</summary>
    private static bool FlatInstant(ReadOnlySpan<byte> line, Token token, ReadOnlySpan<byte> value, out long utcTicks)
    {
        utcTicks = 0;
        return token switch
        {
            Token.String => TryIsoStamp(line, value, out utcTicks),
            Token.Number => TryUnixMilliseconds(value, out utcTicks),
            _ => false,
        };
    }

    private static bool TryUnixMilliseconds(ReadOnlySpan<byte> number, out long utcTicks)
    {
        utcTicks = 0;
        if (!Utf8Parser.TryParse(number, out long unixMs, out var consumed) || consumed != number.Length || unixMs is <= 0 or >= 253402300799999)
        {
            return false;
        }

        utcTicks = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcTicks;
        return true;
    }

    /// <summary>
    /// The reader's own ISO 8601 grammar for one string of <paramref name="line"/> (<paramref name="text"/> is a slice of
    /// it, quotes just outside): a reader over those few bytes, so a date the reader refuses is refused here too.
    /// </summary>
    private static bool TryIsoStamp(ReadOnlySpan<byte> line, ReadOnlySpan<byte> text, out long utcTicks)
    {
        utcTicks = 0;
        if (!line.Overlaps(text, out var offset) || offset < 1 || offset + text.Length >= line.Length) return false;
        var reader = new Utf8JsonReader(line.Slice(offset - 1, text.Length + 2));
        if (!reader.Read() || !reader.TryGetDateTimeOffset(out var stamp)) return false;
        utcTicks = stamp.UtcTicks;
        return true;
    }

    /// <summary>
    /// <see cref="TryName"/> for the line's own members: the three every push line has, written compactly, are matched
    /// whole (quotes and colon with the name), as <see cref="TryKnownName"/> matches the members of <c>data</c>.
    /// </summary>
    private static bool TryOuterName(ReadOnlySpan<byte> line, scoped ref int i, out ReadOnlySpan<byte> name)
    {
        if ((uint)i < (uint)line.Length && line[i] == (byte)'"')
        {
            var rest = line[(i + 1)..];
            if (rest.StartsWith("type\":"u8)) return Matched("type"u8, line, ref i, out name);
            if (rest.StartsWith("data\":"u8)) return Matched("data"u8, line, ref i, out name);
            if (rest.StartsWith("timestamp\":"u8)) return Matched("timestamp"u8, line, ref i, out name);
        }

        return TryName(line, ref i, out name);

        static bool Matched(ReadOnlySpan<byte> known, ReadOnlySpan<byte> line, scoped ref int i, out ReadOnlySpan<byte> name)
        {
            name = known;
            i = SkipWhitespace(line, i + known.Length + 3);
            return true;
        }
    }

    /// <summary>A member's name and the colon after it; <paramref name="i"/> ends at its value.</summary>
    private static bool TryName(ReadOnlySpan<byte> line, scoped ref int i, out ReadOnlySpan<byte> name)
    {
        name = default;
        if (i >= line.Length || line[i] != (byte)'"' || !TryString(line, ref i, out name)) return false;
        i = SkipWhitespace(line, i);
        if (i >= line.Length || line[i] != (byte)':') return false;
        i = SkipWhitespace(line, i + 1);
        return true;
    }

    /// <summary>After a member: a comma (then the next member's quote) or the object's end.</summary>
    private static bool TryNext(ReadOnlySpan<byte> line, scoped ref int i, out bool closed)
    {
        closed = false;
        i = SkipWhitespace(line, i);
        if (i >= line.Length) return false;
        if (line[i] == (byte)'}')
        {
            i++;
            closed = true;
            return true;
        }

        if (line[i] != (byte)',') return false;
        i = SkipWhitespace(line, i + 1);
        return true;
    }

    /// <summary>One scalar value at <paramref name="i"/>: a plain string (its content), a number (its text) or a literal.</summary>
    private static bool TryScalar(ReadOnlySpan<byte> line, scoped ref int i, out Token token, out ReadOnlySpan<byte> value)
    {
        value = default;
        token = Token.Null;
        if (i >= line.Length) return false;
        switch (line[i])
        {
            case (byte)'"':
                token = Token.String;
                return TryString(line, ref i, out value);
            case (byte)'t':
                token = Token.True;
                return TryLiteral(line, ref i, "true"u8);
            case (byte)'f':
                token = Token.False;
                return TryLiteral(line, ref i, "false"u8);
            case (byte)'n':
                token = Token.Null;
                return TryLiteral(line, ref i, "null"u8);
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                token = Token.Number;
                return TryNumber(line, ref i, out value);
            default:
                return false;
        }
    }

    private static bool TryString(ReadOnlySpan<byte> line, scoped ref int i, out ReadOnlySpan<byte> content)
    {
        content = default;
        var start = i + 1;
        var length = IndexOfStringStop(line[start..]);
        if (length < 0 || line[start + length] != (byte)'"') return false;
        content = line.Slice(start, length);
        i = start + length + 1;
        return true;
    }

    /// <summary>
    /// The first byte that ends the fast path's view of a string: its closing quote, or anything it leaves to the reader
    /// (an escape, a control character the reader refuses, a byte outside ASCII whose UTF-8 the reader's path
    /// validates). Sixteen bytes a step: a string here is an id or a word, so a general search's set-up would cost more
    /// than the scan.
    /// </summary>
    private static int IndexOfStringStop(ReadOnlySpan<byte> text)
    {
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(text);
            var quote = Vector128.Create((byte)'"');
            var backslash = Vector128.Create((byte)'\\');
            var space = Vector128.Create((sbyte)0x20);
            for (; i + Vector128<byte>.Count <= text.Length; i += Vector128<byte>.Count)
            {
                var v = Vector128.LoadUnsafe(ref start, (nuint)i);

                // Signed, a byte of 0x80 or more is below a space too: one compare for control bytes and non-ASCII.
                var stops = Vector128.Equals(v, quote) | Vector128.Equals(v, backslash) | Vector128.LessThan(v.AsSByte(), space).AsByte();
                if (stops != Vector128<byte>.Zero) return i + BitOperations.TrailingZeroCount(stops.ExtractMostSignificantBits());
            }
        }

        for (; i < text.Length; i++)
        {
            var b = text[i];
            if (b == (byte)'"' || b == (byte)'\\' || (sbyte)b < 0x20) return i;
        }

        return -1;
    }

    private static bool TryLiteral(ReadOnlySpan<byte> line, scoped ref int i, ReadOnlySpan<byte> literal)
    {
        if (!line[i..].StartsWith(literal)) return false;
        i += literal.Length;
        return EndsValue(line, i);
    }

    /// <summary>RFC 8259's number grammar exactly: <c>-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?</c>.</summary>
    private static bool TryNumber(ReadOnlySpan<byte> line, scoped ref int i, out ReadOnlySpan<byte> number)
    {
        number = default;
        var start = i;
        var p = i;
        if (line[p] == (byte)'-') p++;
        if (p >= line.Length) return false;
        if (line[p] == (byte)'0')
        {
            p++;
        }
        else if (IsDigit(line[p]))
        {
            p = SkipDigits(line, p);
        }
        else
        {
            return false;
        }

        if (p < line.Length && line[p] == (byte)'.')
        {
            p++;
            if (p >= line.Length || !IsDigit(line[p])) return false;
            p = SkipDigits(line, p);
        }

        if (p < line.Length && (line[p] | 0x20) == (byte)'e')
        {
            p++;
            if (p < line.Length && line[p] is (byte)'+' or (byte)'-') p++;
            if (p >= line.Length || !IsDigit(line[p])) return false;
            p = SkipDigits(line, p);
        }

        if (!EndsValue(line, p)) return false;
        number = line[start..p];
        i = p;
        return true;
    }

    private static int SkipDigits(ReadOnlySpan<byte> line, int p)
    {
        while (p < line.Length && IsDigit(line[p])) p++;
        return p;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>What may follow a number or literal inside an object: whitespace, a comma or the object's end.</summary>
    private static bool EndsValue(ReadOnlySpan<byte> line, int p)
        => p < line.Length && line[p] is (byte)',' or (byte)'}' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> line, int i)
    {
        // Compact lines (every peer's) have none: one compare, inlined.
        if ((uint)i < (uint)line.Length && line[i] > (byte)' ') return i;
        return SkipWhitespaceSlow(line, i);
    }

    private static int SkipWhitespaceSlow(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return i;
    }
}
