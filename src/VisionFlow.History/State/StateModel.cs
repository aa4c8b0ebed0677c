using VisionFlow.History.Model;

namespace VisionFlow.History.State;

/// <summary>
/// The state a reader rebuilds by applying records in order: a keyframe's records after <see cref="Clear"/>, then
/// changes. Lenient by design: a change to an entity it does not have adds it, a removal of one it does not have is
/// nothing, so a recording that lost a block still replays.
/// </summary>
internal sealed class StateModel
{
    private readonly Dictionary<EntityKey, FieldValue[]>[] _tables =
        [.. Enumerable.Range(0, (int)EntityKind.Note + 1).Select(_ => new Dictionary<EntityKey, FieldValue[]>())];

    public LinkRecord? Link { get; private set; }

    public DegradationRecord? Degradation { get; private set; }

    public PositionsRecord? Positions { get; private set; }

    public GapRecord? LastGap { get; private set; }

    /// <summary>Entities of <paramref name="kind"/> now.</summary>
    public int Count(EntityKind kind) => _tables[(int)kind].Count;

    /// <summary>Forgets the entities (a keyframe follows); link, level and positions are restated by the keyframe too.</summary>
    public void Clear()
    {
        foreach (var table in _tables)
        {
            table.Clear();
        }
    }

    public void Apply(HistoryRecord record)
    {
        switch (record)
        {
            case EntityRecord e:
                var table = _tables[(int)e.Kind];
                var key = new EntityKey(e.Id, e.Second);
                if (e.Operation == EntityOperation.Removed)
                {
                    table.Remove(key);
                    return;
                }

                if (e.Operation == EntityOperation.Added || !table.TryGetValue(key, out var fields))
                {
                    fields = [];
                }

                foreach (var f in e.Fields)
                {
                    if (f.Field >= fields.Length)
                    {
                        Array.Resize(ref fields, f.Field + 1);
                    }

                    fields[f.Field] = f.Value;
                }

                table[key] = fields;
                break;
            case LinkRecord l:
                Link = l;
                break;
            case DegradationRecord d:
                Degradation = d;
                break;
            case PositionsRecord p:
                Positions = p;
                break;
            case GapRecord g:
                LastGap = g;
                break;
        }
    }

    /// <summary>Every entity now, kind by kind: what a keyframe of this state restates.</summary>
    public IEnumerable<(EntityKind Kind, EntityKey Key, FieldValue[] Fields)> Entities()
    {
        for (var kind = EntityKind.Agent; kind <= EntityKind.Note; kind++)
        {
            foreach (var (key, fields) in _tables[(int)kind])
            {
                yield return (kind, key, fields);
            }
        }
    }

    public HistoryStateView ToView(DateTimeOffset at) => new(
        at,
        View(EntityKind.Agent),
        View(EntityKind.Swarm),
        View(EntityKind.Task),
        View(EntityKind.Edge),
        View(EntityKind.Note),
        Link,
        Degradation,
        Positions,
        LastGap);

    private EntityView[] View(EntityKind kind)
    {
        var table = _tables[(int)kind];
        var views = new EntityView[table.Count];
        var i = 0;
        foreach (var (key, fields) in table)
        {
            // Copied: the arrays go on changing as later records apply.
            views[i++] = new EntityView(key.Id, key.Second, (FieldValue[])fields.Clone());
        }

        Array.Sort(views, static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Id, b.Id);
            return c != 0 ? c : string.CompareOrdinal(a.Second, b.Second);
        });
        return views;
    }
}
