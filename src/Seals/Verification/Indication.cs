namespace ElectronicLicense.Seals.Verification;

/// <summary>The main status of a validation, ETSI EN 319 102-1 §5.1.3.</summary>
public enum Indication
{
    /// <summary>TOTAL-PASSED: every check passed, including trust in the signer.</summary>
    TotalPassed,

    /// <summary>INDETERMINATE: nothing is proven wrong, but something could not be established (unknown chain, expired certificate without proof of existence, ...).</summary>
    Indeterminate,

    /// <summary>TOTAL-FAILED: the signature is proven wrong (altered data, bad cryptography, revoked before signing, malformed).</summary>
    TotalFailed,
}

/// <summary>Why a validation is not TOTAL-PASSED, ETSI EN 319 102-1 §5.1.3 Table 5 and 6.</summary>
public enum SubIndication
{
    /// <summary>No sub-indication (TOTAL-PASSED).</summary>
    None,

    /// <summary>FORMAT_FAILURE: the signature or document is not conformant to its format.</summary>
    FormatFailure,

    /// <summary>HASH_FAILURE: a digest of the signed data does not match.</summary>
    HashFailure,

    /// <summary>SIG_CRYPTO_FAILURE: the signature value does not verify with the signer's public key.</summary>
    SigCryptoFailure,

    /// <summary>REVOKED: the signer's certificate (or the seal) was revoked before the signing time.</summary>
    Revoked,

    /// <summary>SIG_CONSTRAINTS_FAILURE: the signature does not meet the validation constraints (e.g. out-of-order or unauthorised signer, seal not valid at signing).</summary>
    SigConstraintsFailure,

    /// <summary>CHAIN_CONSTRAINTS_FAILURE: the certificate chain does not meet the constraints (key usage, CA flags).</summary>
    ChainConstraintsFailure,

    /// <summary>CRYPTO_CONSTRAINTS_FAILURE: an algorithm or key size is not acceptable.</summary>
    CryptoConstraintsFailure,

    /// <summary>NO_SIGNING_CERTIFICATE_FOUND: the signer's certificate cannot be identified.</summary>
    NoSigningCertificateFound,

    /// <summary>NO_CERTIFICATE_CHAIN_FOUND: no chain to a trust anchor.</summary>
    NoCertificateChainFound,

    /// <summary>OUT_OF_BOUNDS_NO_POE: the signing time is outside the certificate's validity, or the certificate has expired and no proof of existence predates that.</summary>
    OutOfBoundsNoPoe,

    /// <summary>REVOKED_NO_POE: the certificate was revoked and nothing proves the signature existed before.</summary>
    RevokedNoPoe,

    /// <summary>SIGNED_DATA_NOT_FOUND: the data the signature covers cannot be found.</summary>
    SignedDataNotFound,
}

/// <summary>Text forms used in reports: the ETSI spellings.</summary>
public static class IndicationText
{
    /// <summary>"TOTAL-PASSED", "INDETERMINATE" or "TOTAL-FAILED".</summary>
    public static string ToEtsi(this Indication indication) => indication switch
    {
        Indication.TotalPassed => "TOTAL-PASSED",
        Indication.Indeterminate => "INDETERMINATE",
        Indication.TotalFailed => "TOTAL-FAILED",
        _ => throw new ArgumentOutOfRangeException(nameof(indication)),
    };

    /// <summary>E.g. "HASH_FAILURE"; null for <see cref="SubIndication.None"/>.</summary>
    public static string? ToEtsi(this SubIndication subIndication) => subIndication switch
    {
        SubIndication.None => null,
        SubIndication.FormatFailure => "FORMAT_FAILURE",
        SubIndication.HashFailure => "HASH_FAILURE",
        SubIndication.SigCryptoFailure => "SIG_CRYPTO_FAILURE",
        SubIndication.Revoked => "REVOKED",
        SubIndication.SigConstraintsFailure => "SIG_CONSTRAINTS_FAILURE",
        SubIndication.ChainConstraintsFailure => "CHAIN_CONSTRAINTS_FAILURE",
        SubIndication.CryptoConstraintsFailure => "CRYPTO_CONSTRAINTS_FAILURE",
        SubIndication.NoSigningCertificateFound => "NO_SIGNING_CERTIFICATE_FOUND",
        SubIndication.NoCertificateChainFound => "NO_CERTIFICATE_CHAIN_FOUND",
        SubIndication.OutOfBoundsNoPoe => "OUT_OF_BOUNDS_NO_POE",
        SubIndication.RevokedNoPoe => "REVOKED_NO_POE",
        SubIndication.SignedDataNotFound => "SIGNED_DATA_NOT_FOUND",
        _ => throw new ArgumentOutOfRangeException(nameof(subIndication)),
    };
}
