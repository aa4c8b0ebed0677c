namespace VisionFlow.Connections.Link;

/// <summary>How the link's parts start and end their background work.</summary>
internal static class Background
{
    /// <summary>
    /// Runs <paramref name="start"/> (which starts background work) without flowing the caller's execution context: a
    /// health ping or a reconnect must not become a child of whatever request or span happened to start it.
    /// </summary>
    public static void Detached(Action start)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            start();
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            start();
        }
    }

    /// <summary>Awaits <paramref name="task"/> for its end only: its own failures were logged where they happened.</summary>
    public static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // shutting down: the work's own failures were logged where they happened
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
