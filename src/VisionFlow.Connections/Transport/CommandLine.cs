using System.Text;

namespace VisionFlow.Connections.Transport;

/// <summary>
/// Splits a command line into a program and its arguments the way a POSIX shell splits words, without running a shell:
/// blanks separate words; <c>'…'</c> keeps everything literally; <c>"…"</c> keeps everything but <c>\"</c> and
/// <c>\\</c>; a backslash outside quotes keeps the next character. No expansion of variables, globs or <c>~</c>.
/// </summary>
internal static class CommandLine
{
    /// <summary>The words of <paramref name="command"/>; null (with <paramref name="error"/>) when a quote is left open or there is no word.</summary>
    public static IReadOnlyList<string>? Split(string command, out string? error)
    {
        ArgumentNullException.ThrowIfNull(command);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (quote == '\'')
            {
                if (c == '\'') quote = null;
                else word.Append(c);
                continue;
            }

            if (quote == '"')
            {
                if (c == '"') quote = null;
                else if (c == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\') word.Append(command[++i]);
                else word.Append(c);
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c is '\'' or '"') quote = c;
            else if (c == '\\' && i + 1 < command.Length) word.Append(command[++i]);
            else word.Append(c);
        }

        if (quote is { } open)
        {
            error = $"a {open} quote is not closed";
            return null;
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        error = words.Count == 0 ? "no program named" : null;
        return words.Count == 0 ? null : words;
    }
}
