using System.Security.Cryptography;
using System.Text;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>The audit log's secrets beside the registry's other keys: the HMAC secret that salts personal fields, and the tree-head signing key.</summary>
/// <remarks>
/// Both are made at first start in <c>Sealing:KeyDirectory</c> (default <c>keys</c> in the data directory) with owner-only access:
/// <c>audit-hmac.key</c> (32 random bytes) and <c>audit-sth-p256.pem</c> (ECDSA P-256, PKCS#8 encrypted under the key store password).
/// Losing the HMAC secret does not break the log, but new events of a holder no longer link to older ones.
/// </remarks>
internal sealed class AuditKeys : IDisposable
{
    private const string SecretFile = "audit-hmac.key";
    private const string SigningKeyFile = "audit-sth-p256.pem";

    private readonly byte[] secret;

    public AuditKeys(IOptions<SealingOptions> sealing, IOptions<StorageOptions> storage)
    {
        var directory = sealing.Value.KeyDirectory ?? Path.Combine(storage.Value.DataDirectory, "keys");
        Directory.CreateDirectory(directory);
        var password = sealing.Value.KeyPassword ?? RegistryKeys.LocalPassword(directory);

        secret = Convert.FromBase64String(Encoding.ASCII.GetString(
            LoadOrCreate(Path.Combine(directory, SecretFile), () => Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))))).Trim());
        SigningKey = ECDsa.Create();
        var pem = LoadOrCreate(Path.Combine(directory, SigningKeyFile), () =>
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return Encoding.ASCII.GetBytes(fresh.ExportEncryptedPkcs8PrivateKeyPem(
                password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));
        });
        try
        {
            SigningKey.ImportFromEncryptedPem(Encoding.ASCII.GetString(pem), password);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"Audit: the tree-head key {SigningKeyFile} cannot be opened with the key store password.", e);
        }

        KeyId = SignedTreeHead.KeyIdOf(SigningKey);
        PublicKeyPem = SigningKey.ExportSubjectPublicKeyInfoPem();
    }

    public ECDsa SigningKey { get; }

    public string KeyId { get; }

    public string PublicKeyPem { get; }

    /// <summary>HMAC-SHA256 of a personal value under the audit secret, lower-case hex.</summary>
    public string PersonalHash(string value) => Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(value)));

    public void Dispose() => SigningKey.Dispose();

    private static byte[] LoadOrCreate(string path, Func<byte[]> create)
    {
        if (!File.Exists(path))
        {
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var streamOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // Owner-only from the first byte: the file never exists with wider permissions.
                streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, streamOptions))
            {
                stream.Write(create());
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException)
            {
                // Another process made it first: use theirs.
                File.Delete(temporary);
            }
        }

        return File.ReadAllBytes(path);
    }
}
