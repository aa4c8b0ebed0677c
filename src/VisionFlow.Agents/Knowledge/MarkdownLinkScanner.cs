namespace VisionFlow.Agents.Knowledge;

/// <summary>
/// Finds link targets in markdown: <c>[[target]]</c>, <c>[[target|alias]]</c>, <c>[[target#heading]]</c> (embeds
/// <c>![[…]]</c> too) and relative links to notes <c>[text](other.md)</c>. Text inside fenced code blocks and inline
/// code is ignored. Linear in the input; each target is reduced to a note name (last path segment, no extension).
/// </summary>
internal static class MarkdownLinkScanner
{
    public static void Scan(ReadOnlySpan<char> text, List<string> targets, int maxLinks)
    {
        var inFence = false;
        while (!text.IsEmpty && targets.Count < maxLinks)
        {
            var end = text.IndexOf('\n');
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? default : text[(end + 1)..];
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("```") || trimmed.StartsWith("~~~"))
            {
                inFence = !inFence;
                continue;
            }

            if (!inFence) ScanLine(line, targets, maxLinks);
        }
    }

    private static void ScanLine(ReadOnlySpan<char> line, List<string> targets, int maxLinks)
    {
        var i = 0;
        while (i < line.Length && targets.Count < maxLinks)
        {
            var c = line[i];
            if (c == '`')
            {
                var close = line[(i + 1)..].IndexOf('`');
                if (close < 0) return;
                i += close + 2;
                continue;
            }

            if (c == '[' && i + 1 < line.Length && line[i + 1] == '[')
            {
                var close = line[(i + 2)..].IndexOf("]]");
                if (close < 0) return;
                var inner = line.Slice(i + 2, close);
                var pipe = inner.IndexOf('|');
                if (pipe >= 0) inner = inner[..pipe];
                AddTarget(inner, targets);
                i += close + 4;
                continue;
            }

            if (c == ']' && i + 1 < line.Length && line[i + 1] == '(')
            {
                var close = line[(i + 2)..].IndexOf(')');
                if (close < 0) return;
                var href = line.Slice(i + 2, close).Trim();
                var space = href.IndexOf(' ');
                if (space >= 0) href = href[..space];
                if (IsRelativeNoteLink(href)) AddTarget(Unescape(href), targets);
                i += close + 3;
                continue;
            }

            i++;
        }
    }

    private static bool IsRelativeNoteLink(ReadOnlySpan<char> href)
    {
        if (href.IsEmpty || href[0] == '#' || href[0] == '/' || href.Contains("://", StringComparison.Ordinal) || href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            return false;
        var hash = href.IndexOfAny('#', '?');
        var path = hash >= 0 ? href[..hash] : href;
        return path.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase);
    }

    private static ReadOnlySpan<char> Unescape(ReadOnlySpan<char> href) =>
        href.Contains('%') ? Uri.UnescapeDataString(href.ToString()).AsSpan() : href;

    private static void AddTarget(ReadOnlySpan<char> target, List<string> targets)
    {
        var hash = target.IndexOfAny('#', '?');
        if (hash >= 0) target = target[..hash];
        var slash = target.LastIndexOfAny('/', '\\');
        if (slash >= 0) target = target[(slash + 1)..];
        if (target.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) target = target[..^3];
        else if (target.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase)) target = target[..^9];
        target = target.Trim();
        if (target.IsEmpty || target.Length > 255) return;
        targets.Add(target.ToString());
    }
}
