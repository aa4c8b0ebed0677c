namespace VisionFlow.Physics;

/// <summary>A layout backend cannot run (or can no longer run); the physics loop falls back to the CPU backend.</summary>
internal class LayoutBackendException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LayoutBackendException() { }

    /// <summary>Creates the exception with a message.</summary>
    public LayoutBackendException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public LayoutBackendException(string message, Exception innerException) : base(message, innerException) { }
}
