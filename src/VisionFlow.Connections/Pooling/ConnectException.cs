using System.Net.Sockets;

namespace VisionFlow.Connections.Pooling;

/// <summary>A TCP connect failed; an <see cref="IOException"/> so the resilience pipeline treats it as transient.</summary>
public sealed class ConnectException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ConnectException()
        : this("Connect failed")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ConnectException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed connect to host:port.</summary>
    internal ConnectException(ConnectFailureKind kind, string host, int port, Exception? innerException)
        : base(Describe(kind, host, port, innerException), innerException)
    {
        Kind = kind;
        Host = host;
        Port = port;
    }

    /// <summary>Why it failed.</summary>
    internal ConnectFailureKind Kind { get; } = ConnectFailureKind.Other;

    /// <summary>The host that was dialled.</summary>
    public string? Host { get; }

    /// <summary>The port that was dialled.</summary>
    public int Port { get; }

    private static string Describe(ConnectFailureKind kind, string host, int port, Exception? inner) => kind switch
    {
        ConnectFailureKind.Refused => $"Connection to {host}:{port} refused",
        ConnectFailureKind.Timeout => $"Connection to {host}:{port} timed out",
        ConnectFailureKind.HostNotFound => $"Host '{host}' not found",
        ConnectFailureKind.Unreachable => $"{host}:{port} unreachable",
        _ => $"Connection to {host}:{port} failed: {(inner as SocketException)?.SocketErrorCode.ToString() ?? inner?.Message}",
    };
}
