using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace ElectronicLicense.Seals.Pki;

/// <summary>Validates a signer certificate at the signing time against configured trust anchors and revocation lists.</summary>
/// <remarks>
/// A simplified RFC 5280 §6 path validation, evaluated at the signing time rather than now, as ETSI EN 319 102-1 §5.2.6
/// does for a signature whose time is known: every certificate of the path must be within its validity at that time,
/// and a revocation counts only if it happened at or before it. Name constraints and certificate policies are not
/// processed; a certificate that marks them critical fails with <see cref="ValidationSubIndication.ChainConstraintsFailure"/>.
/// Certificate and CRL signatures are checked for SM3withSM2 (GM/T 0009 default user id), ECDSA and RSA.
/// </remarks>
public sealed class CertificateValidator
{
    private const int MaxPathLength = 8;
    private const int MaxPathsTried = 16;

    // RFC 5280 §4.2: extensions this validator understands (or that carry no constraint on path validation).
    private static readonly HashSet<string> UnderstoodCriticalExtensions =
    [
        "2.5.29.15", // keyUsage
        "2.5.29.19", // basicConstraints
        "2.5.29.37", // extKeyUsage: not restricted here; callers check purposes they need
        "2.5.29.17", // subjectAltName
        "2.5.29.14", // subjectKeyIdentifier
        "2.5.29.35", // authorityKeyIdentifier
    ];

    private readonly List<Node> anchors;
    private readonly List<Node> intermediates;
    private readonly List<CertificateRevocationList> revocationLists;

    /// <summary>Creates a validator.</summary>
    /// <param name="trustAnchors">The certificates trusted without further proof, typically the registry CA.</param>
    /// <param name="intermediates">Certificates that may complete a path (untrusted on their own).</param>
    /// <param name="revocationLists">CRLs; each is used only for certificates of the CA whose key verifies it.</param>
    /// <exception cref="ArgumentException">A trust anchor is not a readable certificate.</exception>
    public CertificateValidator(
        IEnumerable<X509Certificate2> trustAnchors,
        IEnumerable<X509Certificate2>? intermediates = null,
        IEnumerable<CertificateRevocationList>? revocationLists = null)
    {
        ArgumentNullException.ThrowIfNull(trustAnchors);
        anchors = trustAnchors.Select(c => Node.TryCreate(c, out var node)
            ? node
            : throw new ArgumentException("A trust anchor could not be read as an X.509 certificate.", nameof(trustAnchors))).ToList();
        this.intermediates = Nodes(intermediates);
        this.revocationLists = revocationLists?.ToList() ?? [];
    }

    /// <summary>Validates <paramref name="certificate"/> for a signature made at <paramref name="signingTime"/>; never throws for bad certificates.</summary>
    /// <param name="certificate">The signer's certificate.</param>
    /// <param name="signingTime">The time the signature was made (trusted by the caller, e.g. from a time-stamp).</param>
    /// <param name="requiredKeyUsage">Key usages the certificate must allow, if it has a keyUsage extension.</param>
    /// <param name="otherCertificates">Further untrusted certificates that came with the signature.</param>
    public CertificateValidationResult Validate(
        X509Certificate2 certificate,
        DateTimeOffset signingTime,
        X509KeyUsageFlags requiredKeyUsage = X509KeyUsageFlags.DigitalSignature,
        IEnumerable<X509Certificate2>? otherCertificates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!Node.TryCreate(certificate, out var leaf))
        {
            return Result(ValidationIndication.Indeterminate, ValidationSubIndication.NoCertificateChainFound, [], ["The certificate could not be read."]);
        }

        var pool = intermediates.Concat(Nodes(otherCertificates)).ToList();
        var paths = new List<List<Node>>();
        FindPaths([leaf], pool, paths);
        if (paths.Count == 0)
        {
            var why = leaf.IsSelfIssued
                ? $"'{leaf.Name}' is self-signed and not a trust anchor."
                : $"No path from '{leaf.Name}' to a trust anchor (issuer '{certificate.Issuer}').";
            return Result(ValidationIndication.Indeterminate, ValidationSubIndication.NoCertificateChainFound, [], [why]);
        }

        // Prefer a path whose signatures all verify: a re-keyed CA may have two certificates with one name.
        var path = paths.FirstOrDefault(SignaturesVerify) ?? paths[0];
        var chain = path.Select(n => n.Certificate).ToList();
        var messages = new List<string>();

        // RFC 5280 §6.1.3 (a)(1): the signature of each certificate verifies with its issuer's public key.
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (!CertificateSignatures.Verify(path[i + 1].Bc, path[i].Bc))
            {
                return Result(ValidationIndication.Failed, ValidationSubIndication.SigCryptoFailure, chain,
                    [$"The signature on '{path[i].Name}' does not verify with the key of '{path[i + 1].Name}'."]);
            }
        }

        // RFC 5280 §6.1.3 (a)(3): not revoked; ETSI EN 319 102-1 §5.2.6.4: a revocation after the signing time
        // leaves the signature valid, but a relying party must see it.
        RevokedCertificate? laterRevocation = null;
        for (var i = 0; i < path.Count - 1; i++)
        {
            var issuer = path[i + 1];
            var crl = revocationLists.Where(l => l.IsIssuedBy(issuer.Bc)).MaxBy(l => l.ThisUpdate);
            if (crl is null)
            {
                messages.Add($"No revocation list from '{issuer.Name}': revocation of '{path[i].Name}' not checked.");
                continue;
            }

            if (crl.Find(path[i].Bc.SerialNumber) is not { } entry)
            {
                if (crl.ThisUpdate < signingTime)
                {
                    // ETSI EN 319 102-1 §5.2.5: revocation status information should be issued after the signing time.
                    messages.Add($"The newest revocation list from '{issuer.Name}' was issued at {Format(crl.ThisUpdate)}, before the signing time: later revocations of '{path[i].Name}' are not known.");
                }

                continue;
            }

            if (entry.RevocationTime <= signingTime)
            {
                return Result(ValidationIndication.Failed, ValidationSubIndication.Revoked, chain,
                    [$"'{path[i].Name}' was revoked at {Format(entry.RevocationTime)} ({entry.Reason}), at or before the signing time {Format(signingTime)}."], entry);
            }

            laterRevocation ??= entry;
            messages.Add($"'{path[i].Name}' was revoked at {Format(entry.RevocationTime)} ({entry.Reason}), after the signing time {Format(signingTime)}.");
        }

        // RFC 5280 §6.1.3 (a)(2), at the signing time instead of the current time.
        foreach (var node in path)
        {
            if (signingTime < node.NotBefore)
            {
                return Result(ValidationIndication.Failed, ValidationSubIndication.NotYetValid, chain,
                    [$"'{node.Name}' is valid only from {Format(node.NotBefore)}; the signing time is {Format(signingTime)}."]);
            }

            if (signingTime > node.NotAfter)
            {
                return Result(ValidationIndication.Failed, ValidationSubIndication.Expired, chain,
                    [$"'{node.Name}' expired at {Format(node.NotAfter)}; the signing time is {Format(signingTime)}."]);
            }
        }

        if (ConstraintViolation(path, requiredKeyUsage) is { } violation)
        {
            return Result(ValidationIndication.Indeterminate, ValidationSubIndication.ChainConstraintsFailure, chain, [violation]);
        }

        return Result(ValidationIndication.Passed, ValidationSubIndication.None, chain, messages, laterRevocation);
    }

    private static string? ConstraintViolation(List<Node> path, X509KeyUsageFlags requiredKeyUsage)
    {
        foreach (var node in path)
        {
            if (node.Certificate.Extensions.FirstOrDefault(e => e.Critical && !UnderstoodCriticalExtensions.Contains(e.Oid?.Value ?? string.Empty)) is { } unknown)
            {
                return $"'{node.Name}' has a critical extension {unknown.Oid?.Value} that is not supported.";
            }
        }

        // RFC 5280 §4.2.1.3: if keyUsage is present, the certificate may be used only for the usages it asserts.
        var leafUsage = path[0].KeyUsage;
        if (leafUsage is not null && (leafUsage.Value & requiredKeyUsage) != requiredKeyUsage)
        {
            return $"'{path[0].Name}' allows key usage {leafUsage.Value}, not {requiredKeyUsage}.";
        }

        for (var i = 1; i < path.Count; i++)
        {
            var issuer = path[i];
            var isAnchor = i == path.Count - 1;
            var basic = issuer.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            // RFC 5280 §6.1.4 (k): an issuer must be a CA; a version 1 certificate qualifies only as a trust anchor.
            if (basic is null ? !(isAnchor && issuer.Certificate.Version < 3) : !basic.CertificateAuthority)
            {
                return $"'{issuer.Name}' issued '{path[i - 1].Name}' but is not a CA certificate.";
            }

            // RFC 5280 §6.1.4 (n): an issuer with keyUsage must assert keyCertSign.
            if (issuer.KeyUsage is { } usage && (usage & X509KeyUsageFlags.KeyCertSign) == 0)
            {
                return $"'{issuer.Name}' is not allowed to sign certificates (key usage {usage}).";
            }

            // RFC 5280 §4.2.1.9: pathLenConstraint counts the non-self-issued intermediates below this CA.
            var below = path.Skip(1).Take(i - 1).Count(n => !n.IsSelfIssued);
            if (basic is { HasPathLengthConstraint: true } && below > basic.PathLengthConstraint)
            {
                return $"'{issuer.Name}' allows {basic.PathLengthConstraint} intermediate CA(s) below it, the path has {below}.";
            }
        }

        return null;
    }

    /// <summary>Depth-first search for paths from the last node of <paramref name="path"/> to an anchor.</summary>
    private void FindPaths(List<Node> path, List<Node> pool, List<List<Node>> found)
    {
        var current = path[^1];
        if (anchors.Any(a => a.Same(current)))
        {
            found.Add([.. path]);
            return;
        }

        if (path.Count > MaxPathLength || found.Count >= MaxPathsTried)
        {
            return;
        }

        foreach (var candidate in anchors.Concat(pool).Where(c => c.Issued(current) && !path.Any(p => p.Same(c))))
        {
            path.Add(candidate);
            FindPaths(path, pool, found);
            path.RemoveAt(path.Count - 1);
        }
    }

    private static bool SignaturesVerify(List<Node> path)
    {
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (!CertificateSignatures.Verify(path[i + 1].Bc, path[i].Bc))
            {
                return false;
            }
        }

        return true;
    }

    private static List<Node> Nodes(IEnumerable<X509Certificate2>? certificates) =>
        certificates?.Select(c => Node.TryCreate(c, out var node) ? node : null).OfType<Node>().ToList() ?? [];

    private static CertificateValidationResult Result(
        ValidationIndication indication, ValidationSubIndication subIndication, List<X509Certificate2> chain, List<string> messages, RevokedCertificate? revocation = null) =>
        new(indication, subIndication, chain.AsReadOnly(), messages.AsReadOnly(), revocation);

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed class Node
    {
        private Node(X509Certificate2 certificate, BcCertificate bc)
        {
            Certificate = certificate;
            Bc = bc;
            Name = certificate.Subject;
            NotBefore = new DateTimeOffset(DateTime.SpecifyKind(bc.NotBefore, DateTimeKind.Utc));
            NotAfter = new DateTimeOffset(DateTime.SpecifyKind(bc.NotAfter, DateTimeKind.Utc));
            KeyUsage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault()?.KeyUsages;
            IsSelfIssued = bc.IssuerDN.Equivalent(bc.SubjectDN, true);
            SubjectKeyId = certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes.ToArray();
            AuthorityKeyId = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier?.ToArray();
        }

        public X509Certificate2 Certificate { get; }

        public BcCertificate Bc { get; }

        public string Name { get; }

        public DateTimeOffset NotBefore { get; }

        public DateTimeOffset NotAfter { get; }

        public X509KeyUsageFlags? KeyUsage { get; }

        public bool IsSelfIssued { get; }

        private byte[]? SubjectKeyId { get; }

        private byte[]? AuthorityKeyId { get; }

        public static bool TryCreate(X509Certificate2 certificate, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Node? node)
        {
            node = null;
            if (!SignatureVerifier.TryParse(certificate.RawData, out var bc))
            {
                return false;
            }

            try
            {
                node = new Node(certificate, bc);
                return true;
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // A malformed extension: the certificate cannot take part in a path.
                return false;
            }
        }

        public bool Same(Node other) => Certificate.RawData.AsSpan().SequenceEqual(other.Certificate.RawData);

        /// <summary>Whether this certificate can be <paramref name="child"/>'s issuer: its subject is the child's issuer (RFC 5280 §6.1.4 name chaining) and either the key identifiers match or, without both, the child's signature verifies.</summary>
        /// <remarks>A name alone does not make an issuer: two CAs may share one (a re-keyed CA, or a look-alike), and a certificate
        /// of one must not be reported as a broken signature of the other. With matching key identifiers the child claims this key,
        /// so a signature that fails there is a <see cref="ValidationSubIndication.SigCryptoFailure"/>.</remarks>
        public bool Issued(Node child) =>
            child.Bc.IssuerDN.Equivalent(Bc.SubjectDN, true)
            && (SubjectKeyId is not null && child.AuthorityKeyId is not null
                ? SubjectKeyId.AsSpan().SequenceEqual(child.AuthorityKeyId)
                : CertificateSignatures.Verify(Bc, child.Bc));
    }
}
