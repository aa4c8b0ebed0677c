namespace VisionFlow.Protocol.Messages;

/// <summary>The JSON type of a message's <c>id</c>.</summary>
internal enum JsonRpcIdKind
{
    /// <summary>No <c>id</c> member.</summary>
    None,

    /// <summary><c>"id": null</c> (only legal on error responses to unreadable requests).</summary>
    Null,

    /// <summary>A string id.</summary>
    String,

    /// <summary>An integer id.</summary>
    Number,
}
