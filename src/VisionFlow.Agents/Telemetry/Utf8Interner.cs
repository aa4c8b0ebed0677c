using System.Buffers.Binary;
using System.Text;

namespace VisionFlow.Agents.Telemetry;

/// <summary>
/// Bounded map from UTF-8 identifiers to small dense keys, looked up on the raw bytes, so a known id costs no allocation;
/// only a new id allocates (its bytes and its string, once). Keys are recycled FIFO so a reused key is as old as possible.
/// Single owner: not thread-safe.
/// </summary>
/// <remarks>
/// Its own chained table, not a <see cref="Dictionary{TKey,TValue}"/> with an alternate lookup: every telemetry line
/// looks its agent up (108,000 a second at 10,000 agents), and the dictionary's comparer calls and general hash were most
/// of the parser's cost after the JSON itself. The hash reads eight bytes a step and is seeded per process, so a peer
/// cannot choose ids that share a chain without knowing the seed.
/// </remarks>
internal sealed class Utf8Interner
{
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    private readonly int[] _buckets; // per bucket, its first key + 1 (0: empty)
    private readonly int[] _chain;   // per key, the next key of its bucket + 1
    private readonly int[] _hashes;
    private readonly byte[]?[] _bytes;
    private readonly string?[] _names;
    private readonly Queue<int> _free;
    private readonly int _mask;
    private readonly int[] _follows; // per key, the key asked for after it last time (-1: none yet)
    private int _next;
    private int _count;
    private int _last = -1;

    public Utf8Interner(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        var buckets = (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity));
        _buckets = new int[buckets];
        _mask = buckets - 1;
        _chain = new int[capacity];
        _hashes = new int[capacity];
        _bytes = new byte[capacity][];
        _names = new string[capacity];
        _follows = new int[capacity];
        _follows.AsSpan().Fill(-1);
        _free = new Queue<int>(capacity);
    }

    public int Capacity { get; }

    public int Count => _count;

    /// <summary>Key of <paramref name="utf8"/> or -1 when unknown.</summary>
    public int Find(ReadOnlySpan<byte> utf8) => Find(utf8, Hash(utf8));

    /// <summary>Key of <paramref name="utf8"/>, adding it when new; -1 when the table is full.</summary>
    /// <remarks>
    /// A peer reports its agents in the same order every tick, so the key that followed the last one last time is
    /// tried first: one compare of bytes read in that order instead of a hash and a walk through the table (whose
    /// cache misses were most of a lookup at 10,000 agents). A wrong guess costs that compare; a recycled key's guess
    /// fails it.
    /// </remarks>
    public int GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        var last = _last;
        if (last >= 0 && _follows[last] is var guess and >= 0 && Holds(guess, utf8))
        {
            _last = guess;
            return guess;
        }

        var hash = Hash(utf8);
        var key = Find(utf8, hash);
        if (key < 0) key = Add(utf8, hash);
        if (key >= 0)
        {
            if (last >= 0) _follows[last] = key;
            _last = key;
        }

        return key;
    }

    private int Add(ReadOnlySpan<byte> utf8, int hash)
    {
        int key;
        if (_free.Count > 0) key = _free.Dequeue();
        else if (_next < Capacity) key = _next++;
        else return -1;
        _bytes[key] = utf8.ToArray();
        _names[key] = Encoding.UTF8.GetString(utf8);
        _hashes[key] = hash;
        ref var bucket = ref _buckets[hash & _mask];
        _chain[key] = bucket;
        bucket = key + 1;
        _count++;
        return key;
    }

    /// <summary>Whether <paramref name="key"/> is live and stands for exactly <paramref name="utf8"/>.</summary>
    public bool Holds(int key, ReadOnlySpan<byte> utf8) => (uint)key < (uint)Capacity && _bytes[key] is { } bytes && utf8.SequenceEqual(bytes);

    public string NameOf(int key) => (uint)key < (uint)Capacity ? _names[key] ?? string.Empty : string.Empty;

    public bool IsLive(int key) => (uint)key < (uint)Capacity && _bytes[key] is not null;

    public void Release(int key)
    {
        if (!IsLive(key)) return;
        ref var link = ref _buckets[_hashes[key] & _mask];
        while (link != key + 1) link = ref _chain[link - 1];
        link = _chain[key];
        _chain[key] = 0;
        _bytes[key] = null;
        _names[key] = null;
        _count--;
        _free.Enqueue(key);
    }

    private int Find(ReadOnlySpan<byte> utf8, int hash)
    {
        for (var key = _buckets[hash & _mask] - 1; key >= 0; key = _chain[key] - 1)
        {
            if (_hashes[key] == hash && utf8.SequenceEqual(_bytes[key]))
            {
                return key;
            }
        }

        return -1;
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var h = Seed ^ ((ulong)bytes.Length * 0x9E3779B97F4A7C15UL);
        while (bytes.Length >= 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes)) * 0xFF51AFD7ED558CCDUL;
            h ^= h >> 32;
            bytes = bytes[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < bytes.Length; i++) tail |= (ulong)bytes[i] << (i * 8);
        h = (h ^ tail) * 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 29;
        h *= 0x9E3779B97F4A7C15UL;
        return (int)(h >> 32);
    }
}
