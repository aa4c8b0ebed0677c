using VisionFlow.History.Model;

namespace VisionFlow.History.State;

/// <summary>One agent, swarm, task, edge or note as it was at a moment: its id and the fields known then.</summary>
public sealed class EntityView
{
    private readonly FieldValue[] _fields;

    internal EntityView(string id, string? second, FieldValue[] fields)
    {
        Id = id;
        Second = second;
        _fields = fields;
    }

    /// <summary>The id (an edge's source).</summary>
    public string Id { get; }

    /// <summary>An edge's target; null for the others.</summary>
    public string? Second { get; }

    /// <summary>A field by number; <see cref="FieldValue.Null"/> when it was never reported.</summary>
    public FieldValue Get(byte field) => field < _fields.Length ? _fields[field] : FieldValue.Null;

    /// <summary>An agent field.</summary>
    public FieldValue Get(AgentField field) => Get((byte)field);

    /// <summary>A swarm field.</summary>
    public FieldValue Get(SwarmField field) => Get((byte)field);

    /// <summary>A task field.</summary>
    public FieldValue Get(TaskField field) => Get((byte)field);

    /// <summary>An edge field.</summary>
    public FieldValue Get(EdgeField field) => Get((byte)field);

    /// <summary>A note field.</summary>
    public FieldValue Get(NoteField field) => Get((byte)field);

    /// <summary>The known fields, by number.</summary>
    public IEnumerable<FieldChange> Fields
    {
        get
        {
            for (var i = 0; i < _fields.Length; i++)
            {
                if (!_fields[i].IsNull)
                {
                    yield return new FieldChange((byte)i, _fields[i]);
                }
            }
        }
    }
}
