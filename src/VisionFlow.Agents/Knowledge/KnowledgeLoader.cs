using System.Text;

namespace VisionFlow.Agents.Knowledge;

/// <summary>
/// Loads markdown notes from a folder, or the sample set embedded in this assembly. Files become notes (name without
/// extension, case-insensitive), links become edges; links to notes that do not exist are counted, never invented.
/// </summary>
public static class KnowledgeLoader
{
    private const string ResourcePrefix = "VisionFlow.Agents.SampleKnowledge.";
    private const int BinaryProbeBytes = 8000;

    /// <summary>Loads <paramref name="folder"/>, or the embedded sample notes when it is null or empty.</summary>
    public static KnowledgeSet Load(string? folder) => Load(folder, null);

    /// <summary>As <see cref="Load(string?)"/>, within <paramref name="limits"/>.</summary>
    internal static KnowledgeSet Load(string? folder, KnowledgeLimits? limits) =>
        string.IsNullOrWhiteSpace(folder) ? LoadEmbedded(limits) : LoadFolder(folder, limits);

    /// <summary>Loads every <c>.md</c>/<c>.markdown</c> file under <paramref name="folder"/>.</summary>
    public static KnowledgeSet LoadFolder(string folder) => LoadFolder(folder, null);

    /// <summary>As <see cref="LoadFolder(string)"/>, within <paramref name="limits"/>.</summary>
    internal static KnowledgeSet LoadFolder(string folder, KnowledgeLimits? limits)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        limits ??= new KnowledgeLimits();
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            MaxRecursionDepth = limits.MaxDepth,
            // Directory links could form cycles; hidden folders (.git, .obsidian) are not notes.
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
        };
        var builder = new Builder(limits);
        var buffer = new byte[limits.MaxFileBytes];
        var files = Directory.EnumerateFiles(folder, "*", options)
            .Where(IsMarkdown)
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!builder.HasRoom)
            {
                builder.OverLimit++;
                continue;
            }

            int read;
            long length;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
                length = stream.Length;
                read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                builder.Unreadable++;
                continue;
            }

            builder.Add(Path.GetFileNameWithoutExtension(file), buffer.AsSpan(0, read), length > read);
        }

        return builder.Build();
    }

    /// <summary>Loads the sample notes embedded in the assembly (VisionFlow's own architecture).</summary>
    public static KnowledgeSet LoadEmbedded() => LoadEmbedded(null);

    /// <summary>As <see cref="LoadEmbedded()"/>, within <paramref name="limits"/>.</summary>
    internal static KnowledgeSet LoadEmbedded(KnowledgeLimits? limits)
    {
        limits ??= new KnowledgeLimits();
        var assembly = typeof(KnowledgeLoader).Assembly;
        var builder = new Builder(limits);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name);
            if (stream is null) continue;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var fileName = name[ResourcePrefix.Length..];
            builder.Add(Path.GetFileNameWithoutExtension(fileName), memory.GetBuffer().AsSpan(0, (int)memory.Length), false);
        }

        return builder.Build();
    }

    /// <summary>Loads notes given as (name, markdown) pairs.</summary>
    public static KnowledgeSet LoadTexts(IEnumerable<(string Name, string Markdown)> notes) => LoadTexts(notes, null);

    /// <summary>As <see cref="LoadTexts(IEnumerable{ValueTuple{string, string}})"/>, within <paramref name="limits"/>.</summary>
    internal static KnowledgeSet LoadTexts(IEnumerable<(string Name, string Markdown)> notes, KnowledgeLimits? limits)
    {
        ArgumentNullException.ThrowIfNull(notes);
        var builder = new Builder(limits ?? new KnowledgeLimits());
        foreach (var (name, markdown) in notes) builder.Add(name, Encoding.UTF8.GetBytes(markdown), false);
        return builder.Build();
    }

    internal static bool IsMarkdown(string path) =>
        path.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase);

    private sealed class Builder(KnowledgeLimits limits)
    {
        private readonly List<KnowledgeNote> _notes = [];
        private readonly Dictionary<string, int> _byName = new(StringComparer.OrdinalIgnoreCase);
        private int _files;
        private int _binary;
        private int _truncated;
        private int _duplicates;

        public int OverLimit { get; set; }

        public int Unreadable { get; set; }

        public bool HasRoom => _notes.Count < limits.MaxNotes;

        public void Add(string name, ReadOnlySpan<byte> content, bool truncated)
        {
            _files++;
            if (!HasRoom)
            {
                OverLimit++;
                return;
            }

            if (content[..Math.Min(content.Length, BinaryProbeBytes)].Contains((byte)0))
            {
                _binary++;
                return;
            }

            if (string.IsNullOrWhiteSpace(name) || !_byName.TryAdd(name, _notes.Count))
            {
                _duplicates++;
                return;
            }

            if (truncated) _truncated++;
            var links = new List<string>();
            MarkdownLinkScanner.Scan(Encoding.UTF8.GetString(content), links, limits.MaxLinksPerNote);
            _notes.Add(new KnowledgeNote(name, links));
        }

        public KnowledgeSet Build()
        {
            var edges = new HashSet<(int, int)>();
            var missing = 0;
            var self = 0;
            for (var from = 0; from < _notes.Count; from++)
            {
                foreach (var target in _notes[from].Links)
                {
                    if (!_byName.TryGetValue(target, out var to)) missing++;
                    else if (to == from) self++;
                    else edges.Add(from < to ? (from, to) : (to, from));
                }
            }

            var links = edges.Order().ToArray();
            return new KnowledgeSet(_notes, links, new KnowledgeLoadStats(_files, missing, self, _binary, _truncated, _duplicates, OverLimit, Unreadable));
        }
    }
}
