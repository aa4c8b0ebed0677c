using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace VisionFlow.Server.Streaming;

/// <summary>
/// One keyed collection streamed on <c>/ws</c> as text messages (<c>{"type":NAME,...}</c>): every item a JSON object
/// with an <c>id</c>, exactly as its REST shape. A client gets everything once (<c>"full":true</c>), then only what
/// changed since its last message — the changed fields of each item (with its id), the ids removed — however many
/// changes happened in between, coalesced into one message per client frame.
/// </summary>
/// <remarks>
/// Design: writers (<see cref="Upsert"/>, <see cref="Remove"/>) compare an item's fields with what the topic holds and
/// stamp those that differ with a new sequence number; a bounded log records which item changed at which sequence. A
/// client is one number — the sequence it was last sent — so a slow client costs no memory here: its next message is
/// built, when its previous send is done, from the items changed after that number. When the log no longer reaches back
/// that far (the client fell behind by more than <see cref="StreamOptions.TopicLogCapacity"/> changes) it gets a full
/// message instead. Nothing is sent while nothing changes. Writers and readers meet under one short lock; building a
/// message copies bytes into the reader's own buffer.
/// </remarks>
internal sealed class KeyedTopic
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Item> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _removed = new(StringComparer.Ordinal);
    // The log: which item changed at which sequence, oldest first, in a ring that grows up to the capacity. A message
    // starts at the first change after its client's sequence (a binary search), not at the log's oldest entry: a log of
    // 65,536 changes walked from its start for every message was most of what building one cost at 10,000 agents.
    // Each entry names its item (which knows its key): a message walks the entries after its client's sequence, and
    // finding each item by its key, then once more to write it only once, was two string hashes per entry (at 10,000
    // agents, thousands a message).
    private (long Sequence, Item Item)[] _log = new (long, Item)[64];
    private long _buildMark;
    private int _logStart;
    private int _logCount;
    private readonly HashSet<string> _emitted = new(StringComparer.Ordinal);
    private readonly int _logCapacity;
    private readonly byte[] _type;
    private readonly byte[] _array;
    private long _sequence;
    private long _horizon; // changes after this sequence are all in the log
    private long _published; // the writer's: the sequence of the last Publish

    // The last message built, for the next client that needs the same one: clients that were sent the same sequence
    // (all of them, when they keep up) need the same bytes, so ten viewers cost one build and ten copies.
    private readonly ArrayBufferWriter<byte> _built = new(4096);
    private long _builtSince = long.MinValue; // -1: a full message
    private long _builtUpTo = -1;

    /// <param name="type">The message type, e.g. <c>agents</c>.</param>
    /// <param name="arrayName">The name of the full message's array (the REST body's), e.g. <c>agents</c>.</param>
    /// <param name="logCapacity">Changes remembered for clients behind; further behind gets a full message.</param>
    public KeyedTopic(string type, string arrayName, int logCapacity)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(arrayName);
        ArgumentOutOfRangeException.ThrowIfLessThan(logCapacity, 1);
        Type = type;
        _type = Encoding.UTF8.GetBytes(type);
        _array = Encoding.UTF8.GetBytes(arrayName);
        _logCapacity = logCapacity;
    }

    /// <summary>The message type.</summary>
    public string Type { get; }

    /// <summary>Raised by <see cref="Publish"/> when something changed since the last, so sessions wake once per batch.</summary>
    public event Action? Changed;

    /// <summary>Sequence of the newest change; 0 before any.</summary>
    public long Sequence => Volatile.Read(ref _sequence);

    /// <summary>A client last sent sequence s &lt; this gets a full message next.</summary>
    public long Horizon
    {
        get
        {
            lock (_gate)
            {
                return _horizon;
            }
        }
    }

    /// <summary>Changes held in the log (at most the capacity).</summary>
    public int LogCount
    {
        get
        {
            lock (_gate)
            {
                return _logCount;
            }
        }
    }

    /// <summary>Items held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>
    /// The item <paramref name="key"/> is now <paramref name="itemJson"/> (a JSON object, its REST shape); returns whether
    /// a field differs from what was held (a new item counts).
    /// </summary>
    public bool Upsert(string key, ReadOnlySpan<byte> itemJson) => Upsert(key, itemJson, out _);

    /// <summary>
    /// <see cref="Upsert(string, ReadOnlySpan{byte})"/>, with a handle to the item held: <see cref="Patch(Handle, ReadOnlySpan{byte})"/>
    /// finds the item by it, without its key's hash, for as long as the item is held.
    /// </summary>
    public bool Upsert(string key, ReadOnlySpan<byte> itemJson, out Handle handle)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (!_items.TryGetValue(key, out var item))
            {
                item = new Item(key);
                _items.Add(key, item);
                _removed.Remove(key);
            }

            handle = new Handle(item);
            return Merge_NeedsLock(item, itemJson);
        }
    }

    /// <summary>
    /// Some fields of the held item <paramref name="key"/> are now those of <paramref name="fieldsJson"/> (a JSON object
    /// naming only them); the others stay. Returns false, changing nothing, when no such item is held: a writer then
    /// upserts the whole item. Cheaper than <see cref="Upsert"/> by the fields it leaves out, which is the point when
    /// a few fields of thousands of items move every second.
    /// </summary>
    public bool Patch(string key, ReadOnlySpan<byte> fieldsJson)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (!_items.TryGetValue(key, out var item))
            {
                return false;
            }

            Merge_NeedsLock(item, fieldsJson);
        }

        return true;
    }

    /// <summary>
    /// <see cref="Patch(string, ReadOnlySpan{byte})"/> of the item <paramref name="handle"/> names: false, changing
    /// nothing, when that item is no longer held (removed, even if its key is held again: that is another item) or the
    /// handle names none. A writer that patches thousands of items a second keeps their handles (the agents topic: one
    /// per intake key), so a patch costs no hash of a key.
    /// </summary>
    public bool Patch(Handle handle, ReadOnlySpan<byte> fieldsJson)
    {
        var item = handle.Item;
        if (item is null)
        {
            return false;
        }

        lock (_gate)
        {
            if (item.Removed)
            {
                return false;
            }

            Merge_NeedsLock(item, fieldsJson);
        }

        return true;
    }

    // The fields that differ from what the item holds are stamped with the next sequence, and the change logged.
    private bool Merge_NeedsLock(Item item, ReadOnlySpan<byte> json)
    {
        var sequence = _sequence + 1;
        if (!item.Merge(json, sequence))
        {
            return false;
        }

        Record(sequence, item);
        return true;
    }

    /// <summary>The item <paramref name="key"/> is gone; returns whether it was held.</summary>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (!_items.Remove(key, out var item))
            {
                return false;
            }

            item.Removed = true;
            var sequence = _sequence + 1;
            _removed[key] = sequence;
            Record(sequence, item);
        }

        return true;
    }

    /// <summary>The writer's batch is complete: wakes the sessions when it changed anything (one wake per batch, not per item).</summary>
    public void Publish()
    {
        var sequence = Sequence;
        if (sequence != _published)
        {
            _published = sequence;
            Changed?.Invoke();
        }
    }

    /// <summary>
    /// Makes the topic hold exactly <paramref name="items"/> (serialized with <paramref name="typeInfo"/>, keyed by
    /// <paramref name="key"/>) and publishes: the one call a source with a whole list (swarms, tasks) needs per change.
    /// </summary>
    public void Sync<T>(IEnumerable<T> items, Func<T, string> key, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var id = key(item);
            keys.Add(id);
            Upsert(id, JsonSerializer.SerializeToUtf8Bytes(item, typeInfo));
        }

        RemoveAllBut(keys);
        Publish();
    }

    /// <summary>Keeps exactly the items of <paramref name="keys"/> (each already upserted): removes the others.</summary>
    public void RemoveAllBut(IReadOnlySet<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        List<string> gone;
        lock (_gate)
        {
            gone = [.. _items.Keys.Where(k => !keys.Contains(k))];
        }

        foreach (var key in gone)
        {
            Remove(key);
        }
    }

    /// <summary>
    /// Writes the message a client last sent <paramref name="since"/> (-1: never) needs into <paramref name="output"/>:
    /// full when it has nothing or fell behind the log, otherwise the changes after it; nothing when there are none.
    /// Returns the sequence the client is at after this message.
    /// </summary>
    public long WriteMessage(long since, IBufferWriter<byte> output, out bool full)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            full = since < 0 || since < _horizon;
            if (!full && since >= _sequence)
            {
                return since;
            }

            var key = full ? -1 : since;
            if (key == _builtSince && _builtUpTo == _sequence)
            {
                output.Write(_built.WrittenSpan);
                return _sequence;
            }

            _built.ResetWrittenCount();
            using var writer = new Utf8JsonWriter(_built, new JsonWriterOptions { SkipValidation = true });
            writer.WriteStartObject();
            writer.WriteString("type"u8, _type);
            if (full)
            {
                writer.WriteBoolean("full"u8, true);
                writer.WriteStartArray(_array);
                foreach (var (_, item) in _items)
                {
                    item.Write(writer, -1);
                }

                writer.WriteEndArray();
            }
            else
            {
                WriteChanges(writer, since);
            }

            writer.WriteEndObject();
            writer.Flush();
            (_builtSince, _builtUpTo) = (key, _sequence);
            output.Write(_built.WrittenSpan);
            return _sequence;
        }
    }

    private void WriteChanges(Utf8JsonWriter writer, long since)
    {
        // The log is in sequence order: walk it from the first change after `since`, each item once.
        var first = FirstAfter(since);
        _emitted.Clear();
        var mark = ++_buildMark;
        writer.WriteStartArray("changed"u8);
        for (var i = first; i < _logCount; i++)
        {
            // An entry of an item removed since (even if its key is held again: that is a new item, with its own entry) is
            // not a change to send; each held item once.
            var item = LogAt(i).Item;
            if (!item.Removed && item.Mark != mark)
            {
                item.Mark = mark;
                item.Write(writer, since);
            }
        }

        writer.WriteEndArray();
        writer.WriteStartArray("removed"u8);
        for (var i = first; i < _logCount; i++)
        {
            var item = LogAt(i).Item;
            var key = item.Key;
            if (item.Removed && !_items.ContainsKey(key) && _removed.TryGetValue(key, out var at) && at > since && _emitted.Add(key))
            {
                writer.WriteStringValue(key);
            }
        }

        writer.WriteEndArray();
    }

    private ref (long Sequence, Item Item) LogAt(int i) => ref _log[(_logStart + i) % _log.Length];

    // The index of the first log entry with a sequence after `since` (the log's count when there is none).
    private int FirstAfter(long since)
    {
        int lo = 0, hi = _logCount;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (LogAt(mid).Sequence <= since) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }

    private void Record(long sequence, Item item)
    {
        Volatile.Write(ref _sequence, sequence);
        if (_logCount == _logCapacity)
        {
            ref var oldest = ref LogAt(0);
            var (trimmed, trimmedItem) = oldest;
            var trimmedKey = trimmedItem.Key;
            oldest = default;
            _logStart = (_logStart + 1) % _log.Length;
            _logCount--;
            _horizon = trimmed;
            if (_removed.TryGetValue(trimmedKey, out var at) && at <= trimmed)
            {
                _removed.Remove(trimmedKey);
            }
        }
        else if (_logCount == _log.Length)
        {
            var grown = new (long, Item)[Math.Min(_log.Length * 2, _logCapacity)];
            for (var i = 0; i < _logCount; i++) grown[i] = LogAt(i);
            (_log, _logStart) = (grown, 0);
        }

        LogAt(_logCount) = (sequence, item);
        _logCount++;
    }

    /// <summary>An item held, as <see cref="Upsert(string, ReadOnlySpan{byte}, out Handle)"/> gave it; default names none.</summary>
    internal readonly struct Handle
    {
        internal Handle(Item item) => Item = item;

        internal Item? Item { get; }
    }

    /// <summary>One item: its fields as raw JSON (name, value), each stamped with the sequence it last changed at.</summary>
    internal sealed class Item(string key)
    {
        private readonly List<Field> _fields = [];

        // The index of the field named id (-1: none yet; fields are never dropped, so it stays): a change message writes
        // it with each item's changed fields, and finding it by name cost a compare per unchanged field of every item
        // written (a gauge patch leaves most of an agent's fields unchanged).
        private int _id = -1;

        /// <summary>Its key.</summary>
        public string Key { get; } = key;

        /// <summary>No longer held (a later item of the same key is another object).</summary>
        public bool Removed { get; set; }

        /// <summary>The message being built that last wrote it (under the topic's lock).</summary>
        public long Mark { get; set; }

        public bool Merge(ReadOnlySpan<byte> json, long sequence)
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ArgumentException("a topic item is a JSON object", nameof(json));
            }

            var changed = false;
            var index = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var value = json[start..(int)reader.BytesConsumed];

                // Items of one shape list their fields in one order: the common case finds the field where it was.
                var field = index < _fields.Count && _fields[index].Name.AsSpan().SequenceEqual(name) ? index : Find(name, index);
                if (field < 0)
                {
                    if (name.SequenceEqual("id"u8)) _id = _fields.Count;
                    _fields.Add(new Field(name.ToArray(), Buffer(value.Length), value.Length, sequence));
                    value.CopyTo(_fields[^1].Buffer);
                    changed = true;
                }
                else if (!_fields[field].Value.SequenceEqual(value))
                {
                    var old = _fields[field];
                    // Within its buffer (a number's digits, a status word, a time: mostly), copied in place, no allocation.
                    var bytes = old.Buffer.Length >= value.Length ? old.Buffer : Buffer(value.Length);
                    value.CopyTo(bytes);
                    _fields[field] = old with { Buffer = bytes, Length = value.Length, Stamp = sequence };
                    changed = true;
                }

                // A patch names some fields, in the same order: the next one is expected after this one.
                index = field < 0 ? _fields.Count : field + 1;
            }

            return changed;
        }

        /// <summary>Writes the item (all fields when <paramref name="since"/> is -1, else its id and the fields changed after it).</summary>
        public void Write(Utf8JsonWriter writer, long since)
        {
            writer.WriteStartObject();
            var fields = CollectionsMarshal.AsSpan(_fields);
            for (var i = 0; i < fields.Length; i++)
            {
                ref readonly var field = ref fields[i];
                if (since < 0 || field.Stamp > since || i == _id)
                {
                    writer.WritePropertyName(field.Name);
                    writer.WriteRawValue(field.Value, skipInputValidation: true);
                }
            }

            writer.WriteEndObject();
        }

        // From where it was expected on, then from the start: a patch skips fields, rarely goes back.
        private int Find(ReadOnlySpan<byte> name, int from)
        {
            var count = _fields.Count;
            for (var n = 0; n < count; n++)
            {
                var i = from + n < count ? from + n : from + n - count;
                if (_fields[i].Name.AsSpan().SequenceEqual(name))
                {
                    return i;
                }
            }

            return -1;
        }

        // Room to grow: a gauge's digits come and go (9.8, 10.2, 100), and each new length was a new array.
        private static byte[] Buffer(int length) => new byte[Math.Max(16, length + (length >> 2))];

        private readonly record struct Field(byte[] Name, byte[] Buffer, int Length, long Stamp)
        {
            public ReadOnlySpan<byte> Value => Buffer.AsSpan(0, Length);
        }
    }
}
