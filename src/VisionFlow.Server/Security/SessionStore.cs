using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace VisionFlow.Server.Security;

/// <summary>
/// Viewer sessions issued after a correct API key: random 256-bit tokens with an expiry, bounded in number so a
/// key-holder looping on /api/session cannot grow memory without limit.
/// </summary>
internal sealed class SessionStore(TimeProvider time)
{
    /// <summary>How long a session cookie is valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private const int MaxSessions = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);

    public string Create()
    {
        if (_sessions.Count >= MaxSessions)
        {
            Prune(force: true);
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _sessions[token] = time.GetUtcNow() + Lifetime;
        return token;
    }

    public bool IsValid(string? token)
    {
        if (string.IsNullOrEmpty(token) || !_sessions.TryGetValue(token, out var expires))
        {
            return false;
        }

        if (expires > time.GetUtcNow())
        {
            return true;
        }

        _sessions.TryRemove(token, out _);
        return false;
    }

    public void Revoke(string? token)
    {
        if (token is not null)
        {
            _sessions.TryRemove(token, out _);
        }
    }

    private void Prune(bool force)
    {
        var now = time.GetUtcNow();
        foreach (var (token, expires) in _sessions)
        {
            if (expires <= now)
            {
                _sessions.TryRemove(token, out _);
            }
        }

        if (force && _sessions.Count >= MaxSessions)
        {
            // Still full of live sessions: drop the ones closest to expiry.
            foreach (var token in _sessions.OrderBy(kv => kv.Value).Take(_sessions.Count - MaxSessions + 1).Select(kv => kv.Key).ToList())
            {
                _sessions.TryRemove(token, out _);
            }
        }
    }
}
