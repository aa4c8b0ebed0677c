using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace VisionFlow.Server.Security;

/// <summary>
/// The certificate served on https addresses, read from PEM files and swapped in when they change, so a renewed
/// certificate (certbot, cert-manager's secret volume) takes effect on new connections without a restart. The folders of
/// both files are watched (a Kubernetes secret volume replaces a symlink, not the file); events re-arm one debounce
/// timer, and a reload that fails (the key written after the certificate, a bad file) keeps the previous certificate.
/// </summary>
internal sealed class ServerCertificate : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly ITimer _timer;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Lock _reloadGate = new();
    private SslStreamCertificateContext _current;
    private ILogger? _logger;
    private bool _disposed;

    private ServerCertificate(string certificatePath, string keyPath, TimeProvider time, SslStreamCertificateContext initial)
    {
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _current = initial;
        _timer = time.CreateTimer(static s => ((ServerCertificate)s!).Reload(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The certificate (with its chain) new connections get.</summary>
    public SslStreamCertificateContext Current => Volatile.Read(ref _current);

    /// <summary>Loads the pair now; an unusable pair is an <see cref="InvalidOperationException"/> with a one-line reason.</summary>
    public static ServerCertificate Load(string certificatePath, string keyPath, TimeProvider time) =>
        new(certificatePath, keyPath, time, Read(certificatePath, keyPath));

    /// <summary>Starts watching the files; changes are logged to <paramref name="logger"/>.</summary>
    public void Watch(ILogger logger)
    {
        _logger = logger;
        SecurityLog.TlsCertificateLoaded(logger, Describe(Current.TargetCertificate));
        foreach (var folder in new[] { Path.GetDirectoryName(_certificatePath)!, Path.GetDirectoryName(_keyPath)! }.Distinct(StringComparer.Ordinal))
        {
            var watcher = new FileSystemWatcher(folder)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Changed += OnChanged;
            watcher.Created += OnChanged;
            watcher.Deleted += OnChanged;
            watcher.Renamed += OnChanged;
            watcher.Error += (_, _) => Schedule();
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    public void Dispose()
    {
        lock (_reloadGate)
        {
            _disposed = true;
        }

        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _timer.Dispose();
    }

    private static SslStreamCertificateContext Read(string certificatePath, string keyPath)
    {
        try
        {
            var leaf = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(certificatePath);
            var intermediates = new X509Certificate2Collection();
            foreach (var certificate in all)
            {
                if (certificate.Thumbprint != leaf.Thumbprint)
                {
                    intermediates.Add(certificate);
                }
            }

            // offline: the chain is what the file holds; an edge box must not stall a handshake fetching intermediates.
            return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"cannot load the TLS certificate {certificatePath} with key {keyPath}: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
    }

    private static string Describe(X509Certificate2 certificate) =>
        $"{certificate.Subject} (expires {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}, SHA-256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)[..16]}…)";

    private void OnChanged(object sender, FileSystemEventArgs e) => Schedule();

    private void Schedule()
    {
        if (!_disposed)
        {
            _timer.Change(Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void Reload()
    {
        lock (_reloadGate)
        {
            if (_disposed)
            {
                return;
            }

            SslStreamCertificateContext next;
            try
            {
                next = Read(_certificatePath, _keyPath);
            }
            catch (InvalidOperationException ex)
            {
                if (_logger is not null)
                {
                    SecurityLog.TlsCertificateReloadFailed(_logger, ex.Message);
                }

                return;
            }

            if (next.TargetCertificate.Thumbprint == Current.TargetCertificate.Thumbprint)
            {
                // Touched, not changed (or the folder changed for another file).
                return;
            }

            Volatile.Write(ref _current, next);
            if (_logger is not null)
            {
                SecurityLog.TlsCertificateReloaded(_logger, Describe(next.TargetCertificate));
            }
        }
    }
}
