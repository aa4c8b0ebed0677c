using System.Text;

namespace VisionFlow.Agents.Telemetry;

/// <summary>
/// Bounded map from UTF-8 identifiers to small dense keys. Lookups go through an
/// <see cref="Dictionary{TKey,TValue}.AlternateLookup{TAlternateKey}"/> on the raw bytes, so a known id costs no allocation;
/// only a new id allocates (its bytes and its string, once). Keys are recycled FIFO so a reused key is as old as possible.
/// Single owner: not thread-safe.
/// </summary>
internal sealed class Utf8Interner
{
    private readonly Dictionary<byte[], int> _map;
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly byte[]?[] _bytes;
    private readonly string?[] _names;
    private readonly Queue<int> _free;
    private int _next;

    public Utf8Interner(int capacity)
    {
        Capacity = capacity;
        _map = new Dictionary<byte[], int>(capacity, ByteArrayComparer.Instance);
        _lookup = _map.GetAlternateLookup<ReadOnlySpan<byte>>();
        _bytes = new byte[capacity][];
        _names = new string[capacity];
        _free = new Queue<int>(capacity);
    }

    public int Capacity { get; }

    public int Count => _map.Count;

    /// <summary>Key of <paramref name="utf8"/> or -1 when unknown.</summary>
    public int Find(ReadOnlySpan<byte> utf8) => _lookup.TryGetValue(utf8, out var key) ? key : -1;

    /// <summary>Key of <paramref name="utf8"/>, adding it when new; -1 when the table is full.</summary>
    public int GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        if (_lookup.TryGetValue(utf8, out var key)) return key;
        if (_free.Count > 0) key = _free.Dequeue();
        else if (_next < Capacity) key = _next++;
        else return -1;
        var bytes = utf8.ToArray();
        _bytes[key] = bytes;
        _names[key] = Encoding.UTF8.GetString(utf8);
        _map.Add(bytes, key);
        return key;
    }

    /// <summary>Whether <paramref name="key"/> is live and stands for exactly <paramref name="utf8"/>.</summary>
    public bool Holds(int key, ReadOnlySpan<byte> utf8) => (uint)key < (uint)Capacity && _bytes[key] is { } bytes && utf8.SequenceEqual(bytes);

    public string NameOf(int key) => (uint)key < (uint)Capacity ? _names[key] ?? string.Empty : string.Empty;

    public bool IsLive(int key) => (uint)key < (uint)Capacity && _bytes[key] is not null;

    public void Release(int key)
    {
        if (!IsLive(key)) return;
        _map.Remove(_bytes[key]!);
        _bytes[key] = null;
        _names[key] = null;
        _free.Enqueue(key);
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
