using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace ElectronicLicense.Seals.Pki;

/// <summary>A folder of password-encrypted PKCS#12 key files, one per key id, and the revocation lists of the CAs stored in it.</summary>
/// <remarks>
/// Layout: <c>{id}.p12</c> (mode 0600 on Unix; the folder 0700), <c>{ca id}.revoked.json</c> (the revocations the
/// registry has recorded, with the last CRL number) and <c>{ca id}.crl</c> (the DER CRL last issued from it).
/// Every file is written to a temporary name and renamed, so a crash never leaves half a key. The password
/// appears in no message or exception this class produces.
/// </remarks>
public sealed partial class KeyStore
{
    // One lock per folder across all KeyStore instances of the process; creation across processes is
    // settled by the no-overwrite rename (the first writer wins, the others load its key).
    private static readonly ConcurrentDictionary<string, object> Locks = new(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    private readonly string password;
    private readonly TimeProvider timeProvider;
    private readonly object gate;

    /// <summary>Opens (and creates if needed) a key folder.</summary>
    /// <param name="directory">The folder, e.g. <c>{data}/keys</c>.</param>
    /// <param name="password">The PKCS#12 password from configuration.</param>
    /// <param name="timeProvider">The clock for CRL issue times; the system clock by default.</param>
    public KeyStore(string directory, string password, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrEmpty(password);
        Directory = Path.GetFullPath(directory);
        this.password = password;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        gate = Locks.GetOrAdd(Directory, _ => new object());
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The folder's full path.</summary>
    public string Directory { get; }

    /// <summary>How long an issued CRL stays current (its nextUpdate − thisUpdate); seven days by default.</summary>
    public TimeSpan CrlLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Loads the key <paramref name="id"/>; false if there is none.</summary>
    /// <exception cref="CryptographicException">The file exists but cannot be opened with the configured password.</exception>
    public bool TryLoad(string id, [NotNullWhen(true)] out SigningKey? key)
    {
        var path = KeyPath(id);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            key = null;
            return false;
        }

        try
        {
            key = SigningKey.FromPkcs12(bytes, password);
            return true;
        }
        catch (CryptographicException)
        {
            // Only the file name: neither the password nor anything read from the file.
            throw new CryptographicException($"Key file '{Path.GetFileName(path)}' could not be opened: wrong password or damaged file.");
        }
    }

    /// <summary>Loads the key <paramref name="id"/>, or makes it with <paramref name="create"/> and stores it if there is none yet.</summary>
    /// <remarks>Concurrent callers get the same key: <paramref name="create"/> runs at most once per folder and id within a process, and across processes the first stored key wins.</remarks>
    /// <exception cref="CryptographicException">The file exists but cannot be opened with the configured password.</exception>
    public SigningKey LoadOrCreate(string id, Func<SigningKey> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var path = KeyPath(id);
        lock (gate)
        {
            if (TryLoad(id, out var existing))
            {
                return existing;
            }

            var key = create() ?? throw new InvalidOperationException("The key factory returned null.");
            if (WriteAtomically(path, key.ExportPkcs12(password), secret: true, overwrite: false))
            {
                return key;
            }

            // Another process stored the key first: use its key, not ours.
            return TryLoad(id, out existing) ? existing : throw new IOException($"Key file '{Path.GetFileName(path)}' vanished while being created.");
        }
    }

    /// <summary>Records a revocation by the CA stored as <paramref name="caId"/> and issues a new CRL including it.</summary>
    /// <param name="caId">The key id of the issuing CA.</param>
    /// <param name="serialNumber">The revoked certificate's serial number in hexadecimal (<see cref="X509Certificate2.SerialNumber"/>).</param>
    /// <param name="reason">The RFC 5280 reason code.</param>
    /// <param name="revocationTime">When the certificate stopped being trustworthy; signatures made before it stay valid.</param>
    /// <returns>The new CRL. Revoking a serial already listed keeps the first entry.</returns>
    public CertificateRevocationList Revoke(string caId, string serialNumber, X509RevocationReason reason, DateTimeOffset revocationTime)
    {
        var entry = new RevokedCertificate(serialNumber, revocationTime, reason);
        lock (gate)
        {
            var ca = LoadCa(caId);
            var state = ReadRevocations(caId);
            if (!state.Revoked.Any(r => RevokedCertificate.ParseSerial(r.SerialNumber).Equals(entry.SerialValue)))
            {
                state.Revoked.Add(new RevocationRecord { SerialNumber = entry.SerialNumber, RevocationTime = entry.RevocationTime, Reason = entry.Reason });
            }

            return Publish(caId, ca, state);
        }
    }

    /// <summary>The current CRL of the CA stored as <paramref name="caId"/>, issued anew when there is none or the last one is due.</summary>
    public CertificateRevocationList GetRevocationList(string caId)
    {
        lock (gate)
        {
            var state = ReadRevocations(caId);
            var now = timeProvider.GetUtcNow();
            if (File.Exists(CrlPath(caId))
                && CertificateRevocationList.TryDecode(File.ReadAllBytes(CrlPath(caId)), out var crl, out _)
                && crl.CrlNumber == state.CrlNumber
                && now < crl.NextUpdate)
            {
                return crl;
            }

            return Publish(caId, LoadCa(caId), state);
        }
    }

    private CertificateRevocationList Publish(string caId, CertificateAuthority ca, RevocationState state)
    {
        state.CrlNumber++;
        var now = timeProvider.GetUtcNow();
        var entries = state.Revoked.Select(r => new RevokedCertificate(r.SerialNumber, r.RevocationTime, r.Reason));
        var crl = ca.IssueCrl(entries, state.CrlNumber, now, now + CrlLifetime);
        // The list first: if the process stops before the CRL is written, the next GetRevocationList sees the
        // numbers differ and issues it again.
        WriteAtomically(RevocationsPath(caId), JsonSerializer.SerializeToUtf8Bytes(state, Json), secret: false, overwrite: true);
        WriteAtomically(CrlPath(caId), crl.Export(), secret: false, overwrite: true);
        return crl;
    }

    private CertificateAuthority LoadCa(string caId) => TryLoad(caId, out var key)
        ? CertificateAuthority.FromSigningKey(key)
        : throw new InvalidOperationException($"There is no key '{caId}' in the key store.");

    private RevocationState ReadRevocations(string caId)
    {
        var path = RevocationsPath(caId);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<RevocationState>(File.ReadAllBytes(path), Json) ?? new RevocationState()
            : new RevocationState();
    }

    private string KeyPath(string id) => Path.Combine(Directory, CheckId(id) + ".p12");

    private string RevocationsPath(string caId) => Path.Combine(Directory, CheckId(caId) + ".revoked.json");

    private string CrlPath(string caId) => Path.Combine(Directory, CheckId(caId) + ".crl");

    private static string CheckId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        // A file name component and nothing else: no separators, no "..", no leading dot.
        return SafeId().IsMatch(id)
            ? id
            : throw new ArgumentException("A key id must be 1-100 characters of letters, digits, '.', '_' and '-', starting with a letter or digit.", nameof(id));
    }

    /// <summary>Writes via a temporary file and a rename; false when <paramref name="overwrite"/> is off and the file already exists.</summary>
    private static bool WriteAtomically(string path, byte[] bytes, bool secret, bool overwrite)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation, so the key is never readable by others, not even for a moment.
            options.UnixCreateMode = secret
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            // Without overwrite, .NET renames through link(2) on Unix, which fails atomically if the target exists.
            File.Move(temporary, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex SafeId();

    private sealed class RevocationState
    {
        public long CrlNumber { get; set; }

        public List<RevocationRecord> Revoked { get; set; } = [];
    }

    private sealed class RevocationRecord
    {
        public string SerialNumber { get; set; } = string.Empty;

        public DateTimeOffset RevocationTime { get; set; }

        public X509RevocationReason Reason { get; set; }
    }
}
