using VisionFlow.Agents.Graph;

namespace VisionFlow.Agents.Knowledge;

/// <summary>
/// Applies knowledge sets to a <see cref="GraphModel"/> as a diff: a note keeps its node id across reloads
/// (ids by case-insensitive name, bit 31 clear), vanished notes and links are removed, new ones added.
/// Calls are serialised internally; the model's observers run on the caller's thread.
/// </summary>
public sealed class KnowledgeGraph
{
    private readonly Dictionary<string, int> _keyByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _nameByKey = [];
    private readonly Lock _gate = new();
    private volatile KnowledgeSet? _current;

    /// <summary>Wraps <paramref name="model"/> (a fresh one when null).</summary>
    public KnowledgeGraph(GraphModel? model = null) => Model = model ?? new GraphModel();

    /// <summary>The knowledge graph model.</summary>
    public GraphModel Model { get; }

    /// <summary>The last applied set.</summary>
    public KnowledgeSet? Current => _current;

    /// <summary>Note name of a knowledge node id (empty when unknown).</summary>
    public string NameOf(uint nodeId)
    {
        lock (_gate)
        {
            var key = NodeIds.KeyOf(nodeId);
            return !NodeIds.IsAgent(nodeId) && key < _nameByKey.Count ? _nameByKey[key] : string.Empty;
        }
    }

    /// <summary>Node id of a note currently in the graph, or null.</summary>
    public uint? NodeIdOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return _keyByName.TryGetValue(name, out var key) && Model.ContainsNode(NodeIds.Knowledge(key)) ? NodeIds.Knowledge(key) : null;
        }
    }

    /// <summary>Makes the model match <paramref name="set"/>; returns the change list (empty when nothing changed).</summary>
    public GraphChangeList Apply(KnowledgeSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        lock (_gate)
        {
            var model = Model;
            var wanted = new HashSet<uint>(set.Notes.Count);
            var ids = new uint[set.Notes.Count];
            for (var i = 0; i < set.Notes.Count; i++)
            {
                var name = set.Notes[i].Name;
                if (!_keyByName.TryGetValue(name, out var key))
                {
                    key = _nameByKey.Count;
                    _keyByName.Add(name, key);
                    _nameByKey.Add(name);
                }

                ids[i] = NodeIds.Knowledge(key);
                wanted.Add(ids[i]);
            }

            var existing = model.NodeIds.ToArray();
            foreach (var id in existing)
            {
                if (!wanted.Contains(id)) model.RemoveNode(id);
            }

            foreach (var id in ids) model.AddNode(id);
            var wantedEdges = new HashSet<(uint, uint)>(set.Links.Count);
            foreach (var (from, to) in set.Links)
            {
                var a = ids[from];
                var b = ids[to];
                wantedEdges.Add(a < b ? (a, b) : (b, a));
                model.SetEdge(a, b, 1f);
            }

            foreach (var (a, b, _) in model.Edges().ToArray())
            {
                if (!wantedEdges.Contains(a < b ? (a, b) : (b, a))) model.RemoveEdge(a, b);
            }

            _current = set;
            return model.Commit();
        }
    }
}
