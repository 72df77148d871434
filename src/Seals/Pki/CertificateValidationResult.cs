using System.Security.Cryptography.X509Certificates;

namespace ElectronicLicense.Seals.Pki;

/// <summary>The main indication of a certificate validation (ETSI EN 319 102-1 §5.1.3).</summary>
public enum ValidationIndication
{
    /// <summary>TOTAL-PASSED: the certificate was valid at the signing time.</summary>
    Passed = 1,

    /// <summary>TOTAL-FAILED: the certificate was proven not valid at the signing time.</summary>
    Failed = 2,

    /// <summary>INDETERMINATE: validity could not be established.</summary>
    Indeterminate = 3,
}

/// <summary>Why a certificate validation did not pass (ETSI EN 319 102-1 §5.1.3, table 5).</summary>
public enum ValidationSubIndication
{
    /// <summary>No sub-indication: the validation passed.</summary>
    None = 0,

    /// <summary>NO_CERTIFICATE_CHAIN_FOUND: no path leads to a trust anchor (INDETERMINATE).</summary>
    NoCertificateChainFound = 1,

    /// <summary>NOT_YET_VALID: the signing time is before a certificate's notBefore (TOTAL-FAILED).</summary>
    NotYetValid = 2,

    /// <summary>EXPIRED: the signing time is after a certificate's notAfter (TOTAL-FAILED).</summary>
    Expired = 3,

    /// <summary>REVOKED: a certificate of the chain was revoked at or before the signing time (TOTAL-FAILED).</summary>
    Revoked = 4,

    /// <summary>CHAIN_CONSTRAINTS_FAILURE: an issuer is not a CA, a key usage forbids the use, or an extension is not understood (INDETERMINATE).</summary>
    ChainConstraintsFailure = 5,

    /// <summary>SIG_CRYPTO_FAILURE: a certificate's signature does not verify with its issuer's key (TOTAL-FAILED).</summary>
    SigCryptoFailure = 6,
}

/// <summary>The outcome of <see cref="CertificateValidator.Validate"/>: indication, sub-indication, the chain found and short messages.</summary>
public sealed class CertificateValidationResult
{
    internal CertificateValidationResult(
        ValidationIndication indication,
        ValidationSubIndication subIndication,
        IReadOnlyList<X509Certificate2> chain,
        IReadOnlyList<string> messages,
        RevokedCertificate? revocation)
    {
        Indication = indication;
        SubIndication = subIndication;
        Chain = chain;
        Messages = messages;
        Revocation = revocation;
    }

    /// <summary>The main indication.</summary>
    public ValidationIndication Indication { get; }

    /// <summary>The reason when <see cref="Indication"/> is not <see cref="ValidationIndication.Passed"/>.</summary>
    public ValidationSubIndication SubIndication { get; }

    /// <summary>Whether the certificate was valid at the signing time.</summary>
    public bool IsValid => Indication == ValidationIndication.Passed;

    /// <summary>The path found, from the validated certificate to the trust anchor; empty when none was found.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>Short English explanations, including warnings on a passed validation (a revocation after signing, no CRL).</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>The revocation of a chain certificate, when one is listed: after the signing time on a passed validation, at or before it with <see cref="ValidationSubIndication.Revoked"/>.</summary>
    public RevokedCertificate? Revocation { get; }

    /// <summary>Whether a certificate of the chain has been revoked after the signing time, which leaves earlier signatures valid.</summary>
    public bool RevokedAfterSigning => IsValid && Revocation is not null;

    /// <inheritdoc />
    public override string ToString() => SubIndication == ValidationSubIndication.None
        ? $"{Indication}"
        : $"{Indication}/{SubIndication}: {string.Join(" ", Messages)}";
}
