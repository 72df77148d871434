using System.Text.Json;
using System.Text.Json.Serialization;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Seals.Pki;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>The registry's presentation keys: payload signers (one active, older ones retired) and the trust-list signer, in the registry key store.</summary>
/// <remarks>
/// Each key is a PKCS#12 entry of the registry key store (so encrypted like the others) with a self-signed certificate that only
/// carries the public key: trust comes from the trust list, never from a chain, so these keys can sign nothing a document
/// verifier would accept. Which keys exist and their periods are kept in <c>presentation-keys.json</c> beside them (public data).
/// </remarks>
internal sealed class PresentationKeys
{
    private const string ManifestFile = "presentation-keys.json";
    private const string TrustListStoreId = "presentation-trust-list";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    private readonly RegistryKeys keys;
    private readonly TimeProvider clock;
    private readonly PresentationOptions options;
    private readonly Lock gate = new();
    private Loaded? loaded;

    public PresentationKeys(RegistryKeys keys, IOptions<PresentationOptions> options, TimeProvider clock)
    {
        this.keys = keys;
        this.clock = clock;
        this.options = options.Value;
        Algorithm = this.options.Algorithm.ToUpperInvariant() switch
        {
            "ECDSAP256" or "ECDSA" or "P256" or "ES256" => PayloadAlgorithm.EcdsaP256Sha256,
            "SM2" => PayloadAlgorithm.Sm2Sm3,
            _ => throw new InvalidOperationException($"Presentation:Algorithm must be EcdsaP256 or Sm2, got '{this.options.Algorithm}'."),
        };
    }

    /// <summary>The algorithm of newly made keys.</summary>
    public PayloadAlgorithm Algorithm { get; }

    /// <summary>The active payload key, made on first use, and replaced by a new one when its signing period has ended.</summary>
    /// <remarks>A key past its period would sign payloads that fail <c>key-valid-at-issue</c>, so it is rotated rather than used.</remarks>
    public (PresentationKey Public, SigningKey Private) Active
    {
        get
        {
            var current = Load();
            if (current.Keys[^1].Public.NotAfter <= clock.GetUtcNow().AddMinutes(1))
            {
                Rotate();
                current = Load();
            }

            return (current.Keys[^1].Public, current.ActiveSigner);
        }
    }

    /// <summary>The trust-list signer, made on first use.</summary>
    public (PresentationKey Public, SigningKey Private) TrustListSigner
    {
        get
        {
            var current = Load();
            return (current.TrustList, current.TrustListSigner);
        }
    }

    /// <summary>Every payload key ever used, oldest first, and the trust-list key.</summary>
    public IReadOnlyList<PresentationKey> Published
    {
        get
        {
            var current = Load();
            return [.. current.Keys.Select(k => k.Public), current.TrustList];
        }
    }

    /// <summary>Retires the active payload key and makes a new active one; returns the new key.</summary>
    public PresentationKey Rotate()
    {
        lock (gate)
        {
            var manifest = ReadManifest();
            var now = clock.GetUtcNow();
            if (manifest.Keys.Count > 0)
            {
                manifest.Keys[^1].RetiredAt = now;
            }

            manifest.Keys.Add(new ManifestKey { StoreId = $"presentation-{manifest.Keys.Count + 1}-{now.ToUnixTimeSeconds()}" });
            WriteManifest(manifest);
            loaded = null;
        }

        return Active.Public;
    }

    private Loaded Load()
    {
        // Another process (or registry instance) on the same key folder may have rotated: the manifest's time says so.
        var manifestTime = File.GetLastWriteTimeUtc(Path.Combine(keys.Store.Directory, ManifestFile));
        var current = loaded;
        if (current is not null && current.ManifestTime == manifestTime)
        {
            return current;
        }

        lock (gate)
        {
            if (loaded is not null && loaded.ManifestTime == File.GetLastWriteTimeUtc(Path.Combine(keys.Store.Directory, ManifestFile)))
            {
                return loaded;
            }

            var manifest = ReadManifest();
            if (manifest.Keys.Count == 0)
            {
                manifest.Keys.Add(new ManifestKey { StoreId = "presentation-1" });
                WriteManifest(manifest);
            }

            var now = clock.GetUtcNow();
            var list = new List<(PresentationKey Public, SigningKey Private)>();
            foreach (var entry in manifest.Keys)
            {
                var signer = keys.Store.LoadOrCreate(entry.StoreId, () => Create("电子证照登记系统核验码签名密钥", TimeSpan.FromDays(options.KeyValidityDays), now));
                var status = entry.RevokedAt is not null ? PresentationKeyStatus.Revoked
                    : entry.RetiredAt is not null ? PresentationKeyStatus.Retired
                    : PresentationKeyStatus.Active;
                list.Add((Describe(signer, PresentationKeyUse.Payload, status, entry.RetiredAt), signer));
            }

            var trustSigner = keys.Store.LoadOrCreate(TrustListStoreId, () => Create("电子证照登记系统信任列表签名密钥", TimeSpan.FromDays(3650 * 2), now));
            loaded = new Loaded(list, list[^1].Private, Describe(trustSigner, PresentationKeyUse.TrustList, PresentationKeyStatus.Active, null), trustSigner,
                File.GetLastWriteTimeUtc(Path.Combine(keys.Store.Directory, ManifestFile)));
            return loaded;
        }
    }

    private SigningKey Create(string name, TimeSpan validity, DateTimeOffset now)
    {
        var algorithm = Algorithm == PayloadAlgorithm.Sm2Sm3 ? SignatureAlgorithm.Sm2WithSm3 : SignatureAlgorithm.EcdsaP256WithSha256;
        // A self-signed certificate only to hold the key and its period in the PKCS#12 store; the trust list is the trust root.
        return CertificateAuthority.CreateRoot(name, "电子证照登记系统", algorithm, now.AddMinutes(-5), now + validity).Key;
    }

    private static PresentationKey Describe(SigningKey key, PresentationKeyUse use, PresentationKeyStatus status, DateTimeOffset? retiredAt)
    {
        var spki = key.Certificate.PublicKey.ExportSubjectPublicKeyInfo();
        var notAfter = new DateTimeOffset(key.Certificate.NotAfter.ToUniversalTime());
        return new PresentationKey
        {
            KeyId = PresentationKey.KeyIdOf(spki),
            Algorithm = key.Algorithm == SignatureAlgorithm.Sm2WithSm3 ? PayloadAlgorithm.Sm2Sm3 : PayloadAlgorithm.EcdsaP256Sha256,
            Use = use,
            SubjectPublicKeyInfo = spki,
            Certificate = key.Certificate.RawData,
            NotBefore = new DateTimeOffset(key.Certificate.NotBefore.ToUniversalTime()),
            NotAfter = retiredAt is { } retired && retired < notAfter ? retired : notAfter,
            Status = status,
        };
    }

    private Manifest ReadManifest()
    {
        var path = Path.Combine(keys.Store.Directory, ManifestFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json) ?? new Manifest() : new Manifest();
    }

    private void WriteManifest(Manifest manifest)
    {
        var path = Path.Combine(keys.Store.Directory, ManifestFile);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(manifest, Json));
        File.Move(temporary, path, overwrite: true);
    }

    private sealed record Loaded(
        IReadOnlyList<(PresentationKey Public, SigningKey Private)> Keys, SigningKey ActiveSigner, PresentationKey TrustList, SigningKey TrustListSigner, DateTime ManifestTime);

    private sealed class Manifest
    {
        public List<ManifestKey> Keys { get; set; } = [];
    }

    private sealed class ManifestKey
    {
        public string StoreId { get; set; } = string.Empty;
        public DateTimeOffset? RetiredAt { get; set; }
        public DateTimeOffset? RevokedAt { get; set; }
    }
}
