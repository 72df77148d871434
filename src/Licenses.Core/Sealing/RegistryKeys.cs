using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Seals.Pki;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Sealing;

/// <summary>The registry's keys: its CA, its seal maker (制章), one SM2 signer per department for OFD and one ECDSA P-256 signer per department for PDF, in a PKCS#12 key store.</summary>
/// <remarks>
/// Keys are made on first use and kept encrypted under the configured password. On the embedded default, when no password is
/// configured, a random one is made once and kept in <c>keystore.password</c> beside the keys (mode 0600) — fine for a
/// single-machine registry, never for production, where the password comes from a secret store.
/// </remarks>
internal sealed class RegistryKeys
{
    public const string CaId = "registry-ca";
    public const string SealMakerId = "seal-maker";
    public const string ReceiptSignerId = "verification-receipts-p256";

    private readonly KeyStore store;
    private volatile ValidatorSet? validators;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SigningKey> departmentKeys = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SigningKey> pdfKeys = new(StringComparer.Ordinal);
    private readonly TimeProvider clock;
    private readonly int validityYears;
    private readonly Lazy<CertificateAuthority> ca;
    private readonly Lazy<SigningKey> sealMaker;
    private readonly IReadOnlyList<X509Certificate2> trustedSignerAuthorities;
    private readonly IReadOnlyList<X509Certificate2> trustedSealMakers;

    public RegistryKeys(IOptions<SealingOptions> options, IOptions<StorageOptions> storage, TimeProvider clock)
    {
        var sealing = options.Value;
        var directory = sealing.KeyDirectory ?? Path.Combine(storage.Value.DataDirectory, "keys");
        Directory.CreateDirectory(directory);
        store = new KeyStore(directory, sealing.KeyPassword ?? LocalPassword(directory), clock);
        this.clock = clock;
        validityYears = sealing.ValidityYears;
        TrustDirectory = Path.Combine(directory, "trust");
        ca = new Lazy<CertificateAuthority>(() =>
        {
            var authority = CertificateAuthority.FromSigningKey(store.LoadOrCreate(CaId, () =>
            {
                var now = clock.GetUtcNow();
                return CertificateAuthority.CreateRoot("电子证照登记系统根证书", "电子证照登记系统", SignatureAlgorithm.Sm2WithSm3, now.AddMinutes(-5), now.AddYears(20)).Key;
            }));
            PublishTrustAnchor(authority.Certificate);
            return authority;
        });
        sealMaker = new Lazy<SigningKey>(() => store.LoadOrCreate(SealMakerId, () =>
        {
            var now = clock.GetUtcNow();
            return Ca.IssueSealMaker("电子证照登记系统电子印章制章", "电子证照登记系统", SignatureAlgorithm.Sm2WithSm3, now.AddMinutes(-5), now.AddYears(10));
        }));
        trustedSignerAuthorities = sealing.TrustedSignerAuthorities.Select(LoadCertificate).ToList();
        trustedSealMakers = sealing.TrustedSealMakers.Select(LoadCertificate).ToList();
    }

    public CertificateAuthority Ca => ca.Value;

    /// <summary>The key store itself, for features that keep their own keys beside these (presentation keys).</summary>
    internal KeyStore Store => store;

    /// <summary>Folder with the registry CA's certificate (public), for verifiers: <c>elic verify --trust</c>.</summary>
    public string TrustDirectory { get; }

    /// <summary>The registry CA certificate as PEM.</summary>
    public string TrustAnchorPem => Ca.Certificate.ExportCertificatePem();

    public SigningKey SealMaker => sealMaker.Value;

    /// <summary>The department's SM2 signing key, made (with its certificate from the registry CA) on first use.</summary>
    /// <remarks>Kept in memory after the first load: decrypting the PKCS#12 file costs milliseconds, and every license needs its signers' keys.</remarks>
    public SigningKey ForDepartment(Department department) => departmentKeys.GetOrAdd(department.Code.Value, code => store.LoadOrCreate($"dept-{code}-sm2", () =>
    {
        var now = clock.GetUtcNow();
        return Ca.IssueDepartmentSigner(department.Name, code, SignatureAlgorithm.Sm2WithSm3, now.AddMinutes(-5), now.AddYears(validityYears));
    }));

    /// <summary>The department's ECDSA P-256 key for PDF signatures, made (with its certificate from the registry CA) on first use.</summary>
    /// <remarks>
    /// PDF readers (pdfsig/NSS, Acrobat) cannot verify SM2 signatures, so a registry PDF carries ECDSA ones; the certificate's
    /// subject is the SM2 one's (serialNumber = 统一社会信用代码), so the signature policy maps PDF signers as it maps OFD ones.
    /// The issuer stays the SM2 registry CA: a reader checks the signature with the leaf's key alone (pdfsig -nocert reports
    /// "Signature is Valid" for such a leaf), and only chain building needs the CA, which NSS cannot do for SM2 and which our
    /// verifier does with the one published trust anchor. Cached like the SM2 keys.
    /// </remarks>
    public SigningKey PdfSignerFor(Department department) => pdfKeys.GetOrAdd(department.Code.Value, code => store.LoadOrCreate($"dept-{code}-p256", () =>
    {
        var now = clock.GetUtcNow();
        return Ca.IssueDepartmentSigner(department.Name, code, SignatureAlgorithm.EcdsaP256WithSha256, now.AddMinutes(-5), now.AddYears(validityYears));
    }));

    /// <summary>Validates signer certificates: the registry CA, configured other CAs, and the CA's revocation list.</summary>
    /// <remarks>Rebuilt every minute so a new CRL applies; in between, verdicts on the same certificates are remembered.</remarks>
    public CertificateValidator SignerValidator() => Validators().Signers;

    /// <summary>Validates seal makers: ours, and the other entities' makers whose seals are accepted (互认).</summary>
    public CertificateValidator SealMakerValidator() => Validators().Makers;

    private (CertificateValidator Signers, CertificateValidator Makers) Validators()
    {
        var now = clock.GetUtcNow();
        var current = validators;
        if (current is not null && now - current.At < TimeSpan.FromMinutes(1))
        {
            return (current.Signers, current.Makers);
        }

        var anchor = Ca.Certificate; // makes the CA on first use, before its revocation list is asked for
        var crl = store.GetRevocationList(CaId);
        var fresh = new ValidatorSet(
            new CertificateValidator([anchor, .. trustedSignerAuthorities], revocationLists: [crl]),
            new CertificateValidator([anchor, .. trustedSealMakers], revocationLists: [crl]),
            now);
        validators = fresh;
        return (fresh.Signers, fresh.Makers);
    }

    private SigningKey? receiptSigner;

    /// <summary>The registry's ECDSA P-256 key that signs 核验 receipts, certified by the registry CA; made on first use.</summary>
    public SigningKey ReceiptSigner() => LazyInitializer.EnsureInitialized(ref receiptSigner, () => store.LoadOrCreate(ReceiptSignerId, () =>
    {
        var now = clock.GetUtcNow();
        return Ca.IssueSealMaker("电子证照登记系统核验回执", "电子证照登记系统", SignatureAlgorithm.EcdsaP256WithSha256, now.AddMinutes(-5), now.AddYears(10));
    }));

    private sealed record ValidatorSet(CertificateValidator Signers, CertificateValidator Makers, DateTimeOffset At);

    /// <summary>Every CA certificate a signer or seal maker may chain to: the registry CA and the configured other CAs and makers, for archive packages.</summary>
    public IReadOnlyList<X509Certificate2> TrustAnchors => [Ca.Certificate, .. trustedSignerAuthorities, .. trustedSealMakers];

    /// <summary>The registry's own trust anchors and the mutually recognised makers, for publishing.</summary>
    public IReadOnlyList<X509Certificate2> TrustedMakers => [SealMaker.Certificate, .. trustedSealMakers];

    private void PublishTrustAnchor(X509Certificate2 certificate)
    {
        Directory.CreateDirectory(TrustDirectory);
        var file = Path.Combine(TrustDirectory, "registry-ca.pem");
        var pem = certificate.ExportCertificatePem() + "\n";
        if (!File.Exists(file) || File.ReadAllText(file) != pem)
        {
            File.WriteAllText(file, pem);
        }
    }

    private static X509Certificate2 LoadCertificate(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            return bytes.AsSpan().StartsWith("-----"u8)
                ? X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(bytes))
                : X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Sealing: the trusted certificate file '{path}' cannot be read as a PEM or DER certificate.", e);
        }
    }

    internal static string LocalPassword(string directory)
    {
        var file = Path.Combine(directory, "keystore.password");
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(temporary, file, overwrite: false);
        }
        catch (IOException)
        {
            // Another process made it first: use theirs.
            File.Delete(temporary);
        }

        return File.ReadAllText(file).Trim();
    }
}
