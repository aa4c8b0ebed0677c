namespace VisionFlow.Connections;

/// <summary>The one way every options type reports what is wrong with it: all problems at once, in one exception.</summary>
internal static class OptionsErrors
{
    /// <summary>Throws <see cref="ArgumentException"/> listing <paramref name="errors"/> when there are any.</summary>
    public static void ThrowIfAny(List<string> errors, string what)
    {
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {what}: " + string.Join("; ", errors));
        }
    }
}
