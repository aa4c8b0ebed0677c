using VisionFlow.Protocol.Dialects;
using VisionFlow.Server.Api;

namespace VisionFlow.Server.History;

// The shapes of /api/history*: one file, since they are one answer family and used nowhere else.

/// <summary><c>GET /api/history</c>: what is recorded and how recording stands.</summary>
/// <param name="Mode"><c>live</c> (this service records) or <c>replay</c> (<c>visionflow replay</c> serves a file read-only).</param>
/// <param name="Recording">The health line's words: <c>recording</c>, <c>paused (disk full)</c>, <c>replaying</c>, <c>off</c>, ...</param>
/// <param name="Reason">Why nothing is recorded, when nothing is.</param>
/// <param name="Folder">The history folder (live).</param>
/// <param name="File">The recording replayed.</param>
/// <param name="Warning">A truncated recording: what was cut and up to when it replays.</param>
/// <param name="First">The first moment recorded (null when nothing is).</param>
/// <param name="Last">The last moment recorded.</param>
/// <param name="Bytes">Bytes on disk.</param>
/// <param name="Events">Changes and events recorded (keyframes not counted).</param>
/// <param name="Segments">Segment files.</param>
/// <param name="Now">The service's clock when it answered: the live end of a timeline (the viewer's clock may differ).</param>
internal sealed record HistorySummaryResponse(
    string Mode,
    string Recording,
    string? Reason,
    string? Folder,
    string? File,
    string? Warning,
    DateTimeOffset? First,
    DateTimeOffset? Last,
    long Bytes,
    long Events,
    int Segments,
    DateTimeOffset Now);

/// <summary><c>GET /api/history/state?at=</c>: everything as it was at a moment, in the live endpoints' shapes.</summary>
/// <param name="At">The moment asked about.</param>
/// <param name="Outcome"><c>recorded</c>, or <c>after_last</c>: later than the last record, so the state is the one at <paramref name="Last"/>.</param>
internal sealed record HistoryStateResponse(
    DateTimeOffset At,
    string Outcome,
    DateTimeOffset First,
    DateTimeOffset Last,
    string DegradationLevel,
    int DegradationLevelNumber,
    IReadOnlyList<AgentView> Agents,
    IReadOnlyList<SwarmInfo> Swarms,
    IReadOnlyList<TaskSummary> Tasks,
    IReadOnlyList<HistoryEdgeView> Edges,
    IReadOnlyList<HistoryNoteView> Notes,
    HistoryLinkView? Link,
    HistoryEventView? Degradation,
    HistoryPositionsView? Positions,
    HistoryEventView? LastGap);

/// <summary>
/// A message-flow edge then: its weight class as <c>/ws</c> carried it (a power of two in [1/2, 64]), and its message and
/// byte counts as last read (with a class change, at most every 10 s).
/// </summary>
internal sealed record HistoryEdgeView(string Source, string Target, double? Weight, long? Messages, long? Bytes);

/// <summary>A knowledge note then.</summary>
internal sealed record HistoryNoteView(string Name, IReadOnlyList<string>? Links);

/// <summary>The link's last transition before then.</summary>
internal sealed record HistoryLinkView(DateTimeOffset At, string State, string? Detail, string? FailureKind, string? Address);

/// <summary>The last position sample before then: node ids (bit 31 set: agents) and their x, y, z, three floats per node.</summary>
internal sealed record HistoryPositionsView(DateTimeOffset At, IReadOnlyList<uint> Ids, IReadOnlyList<float> Xyz);

/// <summary>One recorded event, as <c>/api/history/events</c> lists it (the fields a kind does not have are null).</summary>
/// <param name="Kind"><c>agent</c>, <c>swarm</c>, <c>task</c>, <c>edge</c>, <c>note</c>, <c>link</c>, <c>degradation</c>, <c>command</c>, <c>positions</c> or <c>gap</c>.</param>
/// <param name="Operation">For an entity: <c>added</c>, <c>changed</c> or <c>removed</c>; for a command: method and route.</param>
/// <param name="Reason">A link's failure kind, a degradation's reason, a gap's cause (<c>restart</c>, <c>disk_full</c>,
/// <c>write_error</c>, <c>backlog</c>).</param>
/// <param name="Fields">For an entity: the fields written, by the live API's names; values as text (numbers invariant,
/// moments ISO 8601, lists comma-separated), null when unknown.</param>
internal sealed record HistoryEventView(
    DateTimeOffset At,
    string Kind,
    string? Operation,
    string? Id,
    string? Target,
    IReadOnlyDictionary<string, string?>? Fields,
    string? State,
    string? Detail,
    string? Reason,
    string? From,
    string? To,
    string? Client,
    string? Request,
    int? Status,
    string? Answer,
    double? DurationMs,
    DateTimeOffset? Since,
    long? Dropped,
    int? Nodes);

/// <summary><c>GET /api/history/events</c>: a page, oldest first, and the cursor of the next one (null on the last).</summary>
internal sealed record HistoryEventsResponse(DateTimeOffset From, DateTimeOffset To, string? AgentId, int Count, IReadOnlyList<HistoryEventView> Events, string? Next);
