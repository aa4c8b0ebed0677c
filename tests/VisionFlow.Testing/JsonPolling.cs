using System.Text.Json;

namespace VisionFlow.Testing;

/// <summary>Polls an HTTP JSON endpoint until its answer satisfies a condition, or fails with the last answer.</summary>
public static class JsonPolling
{
    /// <summary>How long <see cref="WaitForJsonAsync"/> waits unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// GETs <paramref name="path"/> every 50 ms until <paramref name="condition"/> holds for the parsed answer and returns
    /// it; after <paramref name="timeout"/> (default <see cref="DefaultTimeout"/>) throws a <see cref="TimeoutException"/>
    /// naming <paramref name="what"/> and quoting the last answer, so a failing test says what it saw.
    /// </summary>
    public static async Task<JsonElement> WaitForJsonAsync(HttpClient http, string path, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(condition);
        var last = "";
        JsonElement root = default;
        await Eventually.UntilAsync(
            async () =>
            {
                last = await http.GetStringAsync(path).ConfigureAwait(false);
                root = JsonDocument.Parse(last).RootElement;
                return condition(root);
            },
            $"{what} on {path}",
            timeout ?? DefaultTimeout,
            pollMilliseconds: 50,
            seen: () => "the answer " + last).ConfigureAwait(false);
        return root;
    }
}
