namespace VisionFlow.History.Model;

/// <summary>
/// One field of a change: its number (an <see cref="AgentField"/>, <see cref="SwarmField"/>, ... as a byte) and its new
/// value. Pass them as a collection expression (<c>[new(AgentField.Status, "busy"), new(AgentField.CpuUsage, 12.5f)]</c>):
/// the span lives on the stack, so recording a change allocates nothing.
/// </summary>
public readonly record struct FieldChange(byte Field, FieldValue Value)
{
    /// <summary>An agent field.</summary>
    public FieldChange(AgentField field, FieldValue value) : this((byte)field, value) { }

    /// <summary>A swarm field.</summary>
    public FieldChange(SwarmField field, FieldValue value) : this((byte)field, value) { }

    /// <summary>A task field.</summary>
    public FieldChange(TaskField field, FieldValue value) : this((byte)field, value) { }

    /// <summary>An edge field.</summary>
    public FieldChange(EdgeField field, FieldValue value) : this((byte)field, value) { }

    /// <summary>A note field.</summary>
    public FieldChange(NoteField field, FieldValue value) : this((byte)field, value) { }
}
