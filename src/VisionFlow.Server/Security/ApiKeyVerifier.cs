using System.Security.Cryptography;
using System.Text;

namespace VisionFlow.Server.Security;

/// <summary>Compares presented keys with the configured one in constant time.</summary>
internal sealed class ApiKeyVerifier(string key)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    public bool Matches(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > 512)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[512 * 3];
        var n = Encoding.UTF8.GetBytes(candidate, buffer);
        return CryptographicOperations.FixedTimeEquals(buffer[..n], _key);
    }
}
