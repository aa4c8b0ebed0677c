using System.Globalization;
using VisionFlow.Connections.Link;

namespace VisionFlow.Server.Configuration;

/// <summary>Parses a raw setting value; false when it is outside the range.</summary>
internal delegate bool SettingParser<T>(string raw, out T value);

/// <summary>
/// The values a setting accepts, written once: the sentence help and errors show, the parser that enforces it, how a
/// value is written back (for the default), and the values at and just past its edges that the tests try.
/// </summary>
/// <param name="Accepted">Human description of the range (<c>an integer 1-65535</c>).</param>
/// <param name="Parser">Parses and checks a raw value.</param>
/// <param name="Formatter">Writes a value as the setting would accept it; null for "no value".</param>
/// <param name="Bounds">Accepted values at the edges of the range (minimum and maximum, or every choice).</param>
/// <param name="Outside">Refused values just past the edges.</param>
internal sealed record SettingRange<T>(
    string Accepted,
    SettingParser<T> Parser,
    Func<T, string?> Formatter,
    IReadOnlyList<string> Bounds,
    IReadOnlyList<string> Outside)
{
    /// <summary>Parses <paramref name="raw"/>; false when it is outside the range.</summary>
    public bool TryParse(string raw, out T value) => Parser(raw, out value);

    /// <summary>Writes <paramref name="value"/> as the setting would accept it.</summary>
    public string? Format(T value) => Formatter(value);
}

/// <summary>The kinds of range a setting can have; each derives its description, parser and edge values from its limits.</summary>
internal static class SettingRange
{
    private static readonly string[] TrueWords = ["true", "1", "yes", "on"];
    private static readonly string[] FalseWords = ["false", "0", "no", "off"];

    /// <summary>An integer from <paramref name="min"/> to <paramref name="max"/>; <paramref name="note"/> explains a special value.</summary>
    public static SettingRange<int> Integer(int min, int max, string? note = null) => new(
        $"an integer {Number(min)}-{Number(max)}{(note is null ? "" : $" ({note})")}",
        (string raw, out int value) => TryInt(raw, min, max, out value),
        static value => Number(value),
        [Number(min), Number(max)],
        [Number(min - 1L), Number(max + 1L)]);

    /// <summary>A duration written in whole milliseconds from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static SettingRange<TimeSpan> Milliseconds(int min, int max) => new(
        $"milliseconds, an integer {Number(min)}-{Number(max)}",
        (string raw, out TimeSpan value) =>
        {
            var ok = TryInt(raw, min, max, out var ms);
            value = TimeSpan.FromMilliseconds(ms);
            return ok;
        },
        static value => Number((long)value.TotalMilliseconds),
        [Number(min), Number(max)],
        [Number(min - 1L), Number(max + 1L)]);

    /// <summary>true or false, with the usual aliases.</summary>
    public static SettingRange<bool> Boolean() => new(
        "true or false (also 1/0, yes/no, on/off)",
        static (string raw, out bool value) =>
        {
            var word = raw.ToLowerInvariant();
            value = TrueWords.Contains(word);
            return value || FalseWords.Contains(word);
        },
        static value => value ? "true" : "false",
        [.. TrueWords.Zip(FalseWords).SelectMany(p => new[] { p.First, p.Second })],
        ["maybe", "2"]);

    /// <summary>One of <paramref name="choices"/>, by name, case-insensitively.</summary>
    public static SettingRange<T> Choice<T>(params (string Name, T Value)[] choices) => new(
        choices.Length == 1 ? choices[0].Name : string.Join(", ", choices[..^1].Select(c => c.Name)) + " or " + choices[^1].Name,
        (string raw, out T value) =>
        {
            foreach (var (name, candidate) in choices)
            {
                if (string.Equals(name, raw, StringComparison.OrdinalIgnoreCase))
                {
                    value = candidate;
                    return true;
                }
            }

            value = default!;
            return false;
        },
        value => choices.First(c => EqualityComparer<T>.Default.Equals(c.Value, value)).Name,
        [.. choices.Select(c => c.Name)],
        ["x" + choices[0].Name, "7"]);

    /// <summary>Every named value of <typeparamref name="T"/>, in lower case (names only: "7" or "-1" is no choice).</summary>
    public static SettingRange<T> EnumChoice<T>()
        where T : struct, Enum =>
        Choice([.. Enum.GetValues<T>().Select(v => (v.ToString().ToLowerInvariant(), v))]);

    /// <summary>A host name or IP address as a socket connect takes it: 1-253 characters, no spaces.</summary>
    public static SettingRange<string> Host() => new(
        "a host name or IP address (1-253 characters, no spaces)",
        static (string raw, out string value) =>
        {
            value = raw;
            return raw.Length is > 0 and <= 253 && Uri.CheckHostName(raw) != UriHostNameType.Unknown;
        },
        static value => value,
        ["127.0.0.1", Labels(253)],
        ["bad host", Labels(254)]);

    /// <summary>
    /// A key or token: <paramref name="min"/>-<paramref name="max"/> printable ASCII characters without spaces.
    /// Unset (null) is the default; there is no way to set it empty.
    /// </summary>
    public static SettingRange<string?> Token(int min, int max) => new(
        $"{min}-{max} printable ASCII characters without spaces",
        (string raw, out string? value) =>
        {
            value = raw;
            return raw.Length >= min && raw.Length <= max && raw.All(static c => c is > ' ' and <= '~');
        },
        static value => value,
        [new string('k', min), new string('k', max)],
        [new string('k', min - 1), new string('k', max + 1), "with space" + new string('k', min)]);

    /// <summary>';'-separated absolute http:// or https:// URLs without a path (Kestrel listen addresses).</summary>
    public static SettingRange<IReadOnlyList<string>> UrlList() => new(
        "';'-separated http://host:port or https://host:port URLs",
        static (string raw, out IReadOnlyList<string> value) => TryList(raw, static uri => uri.AbsolutePath == "/", static (part, _) => part, out value),
        static value => string.Join(';', value),
        ["http://127.0.0.1:0", "http://127.0.0.1:0;http://127.0.0.1:0"],
        ["ws://127.0.0.1:5000", "http://127.0.0.1:5000/path"]);

    /// <summary>';'-separated web origins (<c>scheme://host[:port]</c>), stored normalised as browsers send them.</summary>
    public static SettingRange<IReadOnlyList<string>> OriginList() => new(
        "';'-separated origins such as https://viewer.example:8443",
        // An origin is scheme://host[:port] and nothing else; a path or query here is a mistake worth refusing.
        static (string raw, out IReadOnlyList<string> value) => TryList(
            raw, static uri => uri.PathAndQuery == "/" && string.IsNullOrEmpty(uri.UserInfo), static (_, uri) => Origins.Normalize(uri), out value),
        static value => value.Count == 0 ? null : string.Join(';', value),
        ["https://viewer.example:8443", "http://a.example;https://b.example:8443"],
        ["viewer.example", "https://viewer.example/path"]);

    /// <summary>A command line: a program (found on PATH) and its arguments, split as a shell splits words, run without a shell.</summary>
    public static SettingRange<string?> Command() => new(
        "a program and its arguments, quoted as in a shell (no shell runs it)",
        static (string raw, out string? value) =>
        {
            value = raw;
            try
            {
                new McpLinkOptions { Command = raw }.Validate(); // the link splits it: one reading of a command line
                return true;
            }
            catch (ArgumentException)
            {
                return false;
            }
        },
        static value => value,
        ["true", "'true' --stdio"],
        ["", "'unclosed"]);

    /// <summary>An existing folder (stored as its full path); <paramref name="what"/> says what it holds.</summary>
    public static SettingRange<string?> ExistingFolder(string what) => new(
        "an existing folder " + what,
        static (string raw, out string? value) =>
        {
            value = Directory.Exists(raw) ? Path.GetFullPath(raw) : null;
            return value is not null;
        },
        static value => value,
        ["."],
        ["/nonexistent/folder"]);

    /// <summary>
    /// A folder that exists or can be made (stored as its full path): any path whose nearest existing ancestor is a
    /// folder. Made when the service starts, not here; <paramref name="what"/> says what it holds.
    /// </summary>
    public static SettingRange<string?> Folder(string what) => new(
        "a folder " + what + " (made if missing)",
        static (string raw, out string? value) =>
        {
            value = null;
            if (raw.Length == 0 || raw.Contains('\0', StringComparison.Ordinal))
            {
                return false;
            }

            var full = Path.GetFullPath(raw);
            for (var at = full; !string.IsNullOrEmpty(at); at = Path.GetDirectoryName(at))
            {
                if (Directory.Exists(at))
                {
                    value = full;
                    return true;
                }

                if (File.Exists(at))
                {
                    return false; // a file where a folder must go
                }
            }

            return false;
        },
        static value => value,
        [Settings.TestFolderToken],
        ["/dev/null/history"]);

    /// <summary>A size in bytes from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static SettingRange<long> Bytes(long min, long max) => new(
        $"bytes, an integer {Number(min)}-{Number(max)}",
        (string raw, out long value) =>
            long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max,
        static value => Number(value),
        [Number(min), Number(max)],
        [Number(min - 1), Number(max + 1)]);

    /// <summary>A duration written as a whole number and a unit (s, m, h or d) from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static SettingRange<TimeSpan> Duration(TimeSpan min, TimeSpan max) => new(
        $"a whole number with s, m, h or d (seconds, minutes, hours, days), {FormatDuration(min)}-{FormatDuration(max)}",
        (string raw, out TimeSpan value) =>
        {
            value = default;
            if (raw.Length < 2 || !long.TryParse(raw.AsSpan(0, raw.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 1_000_000)
            {
                return false;
            }

            value = raw[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => TimeSpan.MinValue,
            };
            return value >= min && value <= max;
        },
        static value => FormatDuration(value),
        [FormatDuration(min), FormatDuration(max)],
        [FormatDuration(min - TimeSpan.FromSeconds(1)), FormatDuration(max + TimeSpan.FromDays(1)), "7w"]);

    /// <summary>A duration in the largest of d, h, m, s that divides it.</summary>
    private static string FormatDuration(TimeSpan value)
    {
        var seconds = (long)value.TotalSeconds;
        return seconds % 86400 == 0 ? $"{Number(seconds / 86400)}d"
            : seconds % 3600 == 0 ? $"{Number(seconds / 3600)}h"
            : seconds % 60 == 0 ? $"{Number(seconds / 60)}m"
            : $"{Number(seconds)}s";
    }

    /// <summary>An existing PEM file (stored as its full path); <paramref name="what"/> says what it holds.</summary>
    public static SettingRange<string?> PemFile(string what) => new(
        "an existing PEM file " + what,
        static (string raw, out string? value) =>
        {
            value = File.Exists(raw) ? Path.GetFullPath(raw) : null;
            return value is not null;
        },
        static value => value,
        [Settings.TestCertificateToken],
        ["/nonexistent/file.pem"]);

    private static bool TryInt(string value, int min, int max, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A syntactically valid host name exactly <paramref name="length"/> characters long (labels of at most 63).</summary>
    private static string Labels(int length)
    {
        var labels = new List<string>();
        var left = length;
        for (var c = 'a'; left > 0; c++)
        {
            var size = Math.Min(63, left - (labels.Count == 0 ? 0 : 1));
            if (labels.Count > 0)
            {
                left--;
            }

            labels.Add(new string(c, size));
            left -= size;
        }

        return string.Join('.', labels);
    }

    private static bool TryList(string raw, Func<Uri, bool> valid, Func<string, Uri, string> store, out IReadOnlyList<string> value)
    {
        var parts = raw.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host)
                || !valid(uri))
            {
                value = [];
                return false;
            }

            list.Add(store(part, uri));
        }

        value = list;
        return list.Count > 0;
    }
}
