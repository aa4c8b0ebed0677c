namespace VisionFlow.History.Query;

/// <summary>How a moment relates to what was recorded.</summary>
public enum StateAtOutcome
{
    /// <summary>Within the recording: the state is the one then.</summary>
    Recorded,

    /// <summary>Nothing is recorded at all.</summary>
    Empty,

    /// <summary>Before the first record: nothing is known about it.</summary>
    BeforeFirst,

    /// <summary>After the last record: the state given is the one at the last record.</summary>
    AfterLast,
}
