using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VisionFlow.History.Model;
using VisionFlow.History.Query;
using VisionFlow.Server.Api;

namespace VisionFlow.Server.History;

/// <summary>
/// Maps <c>/api/history*</c>: the summary, the state at a moment, events in a range (paged) and export of a range as a
/// recording file. The same endpoints answer live (the service's own store) and under <c>visionflow replay</c> (the file).
/// A malformed moment is a 400 naming its parameter; a moment before the first record (or no record at all) is a 404
/// saying what the recording covers.
/// </summary>
internal static partial class HistoryEndpoints
{
    private const int DefaultPage = 500;

    private static readonly HashSet<string> Kinds = new(StringComparer.Ordinal)
    {
        "agent", "swarm", "task", "edge", "note", "link", "degradation", "command", "positions", "gap",
    };

    public static IEndpointRouteBuilder MapHistoryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/history", Summary);
        app.MapGet("/api/history/state", State);
        app.MapGet("/api/history/events", Events);
        app.MapGet("/api/history/export", ExportAsync);
        return app;
    }

    private static IResult Summary(HistoryService history, TimeProvider time)
    {
        var summary = history.Reader?.Summary();
        var words = history.IsReplay ? "replaying" : history.Recorder?.Status.Words ?? "off";
        return TypedResults.Json(
            new HistorySummaryResponse(
                history.IsReplay ? "replay" : "live",
                words,
                history.Unavailable,
                history.Folder,
                history.ReplayFile,
                history.Warning,
                summary?.First,
                summary?.Last,
                summary?.Bytes ?? 0,
                summary?.Events ?? 0,
                summary?.Segments ?? 0,
                time.GetUtcNow()),
            HistoryJsonContext.Default.HistorySummaryResponse);
    }

    private static IResult State(HttpContext context, HistoryService history)
    {
        if (history.Reader is not { } reader)
        {
            return NoHistory(history);
        }

        if (Moment(context, "at", required: true, out var at) is { } bad)
        {
            return bad;
        }

        var result = reader.StateAt(at!.Value);
        return result.Outcome switch
        {
            StateAtOutcome.Empty => JsonBody.Bad("nothing is recorded yet", StatusCodes.Status404NotFound),
            StateAtOutcome.BeforeFirst => JsonBody.Bad(
                $"at {Iso(at.Value)} is before the first record: the recording runs from {Iso(result.First!.Value)} to {Iso(result.Last!.Value)}",
                StatusCodes.Status404NotFound),
            _ => TypedResults.Json(
                HistoryViews.State(result.State!, at.Value, result.Outcome == StateAtOutcome.AfterLast, result.First!.Value, result.Last!.Value),
                HistoryJsonContext.Default.HistoryStateResponse),
        };
    }

    private static IResult Events(HttpContext context, HistoryService history)
    {
        if (history.Reader is not { } reader)
        {
            return NoHistory(history);
        }

        if (Range(context, reader, out var from, out var to) is { } bad)
        {
            return bad;
        }

        var query = context.Request.Query;
        string? agentId = query["agent_id"];
        if (agentId is { Length: 0 or > 256 })
        {
            return JsonBody.Bad("agent_id: 1-256 characters");
        }

        var limit = DefaultPage;
        if (query.ContainsKey("limit")
            && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > HistoryReader.MaxPage))
        {
            return JsonBody.Bad($"limit: an integer from 1 to {HistoryReader.MaxPage}");
        }

        HashSet<string>? kinds = null;
        if (query["kinds"].ToString() is { Length: > 0 } kindList)
        {
            kinds = [.. kindList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            if (kinds.FirstOrDefault(k => !Kinds.Contains(k)) is { } unknown)
            {
                return JsonBody.Bad($"kinds: '{unknown}' is not one of {string.Join(", ", Kinds)}");
            }
        }

        string? cursor = query["cursor"];
        var events = new List<HistoryEventView>(Math.Min(limit, 1024));
        try
        {
            // With kinds, pages are read until this one is full: the store pages by position, not by kind.
            var page = reader.Events(from, to, agentId, kinds is null ? limit : HistoryReader.MaxPage, cursor, includePositions: kinds?.Contains("positions") == true);
            while (true)
            {
                var taken = 0;
                string? next = page.Next;
                foreach (var record in page.Events)
                {
                    taken++;
                    var view = HistoryViews.Event(record);
                    if (kinds is not null && !kinds.Contains(view.Kind))
                    {
                        continue;
                    }

                    events.Add(view);
                    if (events.Count == limit)
                    {
                        // The rest of this page starts the next one: re-read from the record after this one.
                        next = taken < page.Events.Count ? NextCursorAfter(reader, from, to, agentId, cursor, taken, kinds) : page.Next;
                        break;
                    }
                }

                if (events.Count == limit || next is null || kinds is null)
                {
                    cursor = next;
                    break;
                }

                cursor = next;
                page = reader.Events(from, to, agentId, HistoryReader.MaxPage, cursor, includePositions: kinds.Contains("positions"));
            }
        }
        catch (FormatException ex)
        {
            return JsonBody.Bad(ex.Message);
        }

        return TypedResults.Json(new HistoryEventsResponse(from, to, agentId, events.Count, events, cursor), HistoryJsonContext.Default.HistoryEventsResponse);
    }

    /// <summary>The cursor of the record after the first <paramref name="taken"/> of the page that starts at <paramref name="cursor"/>.</summary>
    private static string? NextCursorAfter(HistoryReader reader, DateTimeOffset from, DateTimeOffset to, string? agentId, string? cursor, int taken, HashSet<string>? kinds) =>
        reader.Events(from, to, agentId, taken, cursor, includePositions: kinds?.Contains("positions") == true).Next;

    private static async Task<IResult> ExportAsync(HttpContext context, HistoryService history)
    {
        if (history.Reader is not { } reader)
        {
            return NoHistory(history);
        }

        if (Range(context, reader, out var from, out var to) is { } bad)
        {
            return bad;
        }

        if (reader.Summary().First is null)
        {
            return JsonBody.Bad("nothing is recorded yet", StatusCodes.Status404NotFound);
        }

        // The writer is synchronous and Kestrel's body is not: the file is made beside the store, then sent.
        var folder = history.Folder ?? Path.GetTempPath();
        var path = Path.Combine(folder, $"export-{Guid.NewGuid():N}.tmp");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            await Task.Run(() => reader.Export(from, to, file), context.RequestAborted).ConfigureAwait(false);
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"visionflow-{from.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.vfh");
        return TypedResults.File(file, "application/vnd.visionflow.history", name);
    }

    private static IResult NoHistory(HistoryService history) =>
        JsonBody.Bad($"no history is kept: {history.Unavailable ?? "off"}", StatusCodes.Status404NotFound);

    /// <summary><c>from</c> and <c>to</c>, each optional (the recording's first and last moment), from before to.</summary>
    private static IResult? Range(HttpContext context, HistoryReader reader, out DateTimeOffset from, out DateTimeOffset to)
    {
        from = to = default;
        if (Moment(context, "from", required: false, out var f) is { } badFrom)
        {
            return badFrom;
        }

        if (Moment(context, "to", required: false, out var t) is { } badTo)
        {
            return badTo;
        }

        if (f is null || t is null)
        {
            var summary = reader.Summary();
            f ??= summary.First ?? DateTimeOffset.UnixEpoch;
            t ??= summary.Last ?? DateTimeOffset.UtcNow;
        }

        if (t < f)
        {
            return JsonBody.Bad($"to ({Iso(t.Value)}) is before from ({Iso(f.Value)})");
        }

        (from, to) = (f.Value, t.Value);
        return null;
    }

    /// <summary>Reads an ISO 8601 moment (a zone or Z is expected; without one it is taken as UTC).</summary>
    private static IResult? Moment(HttpContext context, string name, bool required, out DateTimeOffset? value)
    {
        value = null;
        var raw = context.Request.Query[name];
        if (raw.Count == 0 || string.IsNullOrEmpty(raw[0]))
        {
            return required ? JsonBody.Bad($"{name} is required: an ISO 8601 moment such as 2026-12-07T08:00:00Z") : null;
        }

        if (raw.Count > 1 || !IsoShape().IsMatch(raw[0]!)
            || !DateTimeOffset.TryParse(raw[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
        {
            return JsonBody.Bad($"{name}: '{Shorten(raw.ToString())}' is not an ISO 8601 moment such as 2026-12-07T08:00:00Z");
        }

        value = parsed.ToUniversalTime();
        return null;
    }

    private static string Shorten(string text) => text.Length > 64 ? text[..64] + "…" : text;

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoShape();
}
