namespace VisionFlow.History.Model;

/// <summary>A knowledge-graph note's recorded fields (numbers are the format's).</summary>
public enum NoteField : byte
{
    /// <summary>The names it links to, as written (text list).</summary>
    Links = 1,

    /// <summary>Title (text).</summary>
    Title = 2,
}
