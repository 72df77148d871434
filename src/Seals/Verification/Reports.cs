namespace ElectronicLicense.Seals.Verification;

/// <summary>Outcome of one named check.</summary>
public enum CheckOutcome
{
    /// <summary>The check passed.</summary>
    Passed,

    /// <summary>The check failed: the signature or document is proven wrong on this point.</summary>
    Failed,

    /// <summary>The check could not be decided (e.g. unknown issuer); not a proof of failure.</summary>
    Indeterminate,

    /// <summary>Worth knowing, not a failure (e.g. a certificate expired after signing, a file added after signing that the policy allows).</summary>
    Warning,

    /// <summary>The check does not apply to this signature.</summary>
    NotApplicable,
}

/// <summary>One check of a verification, e.g. <c>reference-digest:/Doc_0/Document.xml</c>.</summary>
/// <param name="Id">Stable machine identifier of the check.</param>
/// <param name="Outcome">Its result.</param>
/// <param name="Message">A short human explanation (never key material; may name files and certificate subjects).</param>
/// <param name="SubIndication">The ETSI sub-indication this check implies when it does not pass.</param>
public sealed record CheckResult(string Id, CheckOutcome Outcome, string Message, SubIndication SubIndication = SubIndication.None);

/// <summary>The seal used by a signature, as far as it could be read.</summary>
/// <param name="EsId">印章编码.</param>
/// <param name="Name">印章名称.</param>
/// <param name="Version">4 for GB/T 38540, 1 for GM/T 0031.</param>
/// <param name="ValidFrom">Start of the seal's validity.</param>
/// <param name="ValidUntil">End of the seal's validity.</param>
/// <param name="Maker">Subject of the seal maker's (制章) certificate.</param>
public sealed record SealSummary(string EsId, string Name, int Version, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, string Maker);

/// <summary>The verification of one signature in a document.</summary>
/// <param name="Index">Position in the document's signing order, from 0.</param>
/// <param name="Id">Where it lives: the OFD signature file (<c>/Doc_0/Signs/Sign_0/Signature.xml</c>) or the PDF field name.</param>
/// <param name="Signer">Subject of the signer's certificate, when found.</param>
/// <param name="SigningTime">The signing time the signature claims (no proof of existence unless time-stamped).</param>
/// <param name="Seal">The e-seal, for sealed signatures.</param>
/// <param name="Checks">Every check with its result, in the order they ran.</param>
/// <param name="Indication">The overall result of this signature.</param>
/// <param name="SubIndication">Why it is not TOTAL-PASSED.</param>
/// <param name="Coverage">What the signature covers, e.g. "whole document", "all files present when signed; 3 files added later".</param>
public sealed record SignatureReport(
    int Index,
    string Id,
    string? Signer,
    DateTimeOffset? SigningTime,
    SealSummary? Seal,
    IReadOnlyList<CheckResult> Checks,
    Indication Indication,
    SubIndication SubIndication,
    string Coverage);

/// <summary>The verification of a signed document (OFD or PDF): one entry per signature and an overall verdict.</summary>
/// <param name="Format"><c>ofd</c> or <c>pdf</c>.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the verified bytes.</param>
/// <param name="Sm3">Lower-case hex SM3 of the verified bytes.</param>
/// <param name="Signatures">Each signature's report in signing order.</param>
/// <param name="DocumentChecks">Checks about the document as a whole (structure, files not covered by any signature, ...).</param>
/// <param name="Indication">The overall verdict: the worst of the signatures and document checks; INDETERMINATE when nothing is signed.</param>
/// <param name="SubIndication">Why the verdict is not TOTAL-PASSED.</param>
public sealed record DocumentReport(
    string Format,
    string Sha256,
    string Sm3,
    IReadOnlyList<SignatureReport> Signatures,
    IReadOnlyList<CheckResult> DocumentChecks,
    Indication Indication,
    SubIndication SubIndication)
{
    /// <summary>Derives a signature's indication from its checks: any failure → TOTAL-FAILED, else any indeterminate → INDETERMINATE.</summary>
    public static (Indication Indication, SubIndication SubIndication) Conclude(IEnumerable<CheckResult> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var list = checks as IReadOnlyCollection<CheckResult> ?? checks.ToList();
        if (list.FirstOrDefault(c => c.Outcome == CheckOutcome.Failed) is { } failed)
        {
            return (Indication.TotalFailed, failed.SubIndication == SubIndication.None ? SubIndication.FormatFailure : failed.SubIndication);
        }

        if (list.FirstOrDefault(c => c.Outcome == CheckOutcome.Indeterminate) is { } open)
        {
            return (Indication.Indeterminate, open.SubIndication);
        }

        return (Indication.TotalPassed, SubIndication.None);
    }

    /// <summary>Combines signature results and document checks into the document's verdict.</summary>
    public static (Indication Indication, SubIndication SubIndication) Conclude(IReadOnlyList<SignatureReport> signatures, IEnumerable<CheckResult> documentChecks)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        var fromChecks = Conclude(documentChecks);
        if (fromChecks.Indication == Indication.TotalFailed)
        {
            return fromChecks;
        }

        if (signatures.FirstOrDefault(s => s.Indication == Indication.TotalFailed) is { } failed)
        {
            return (Indication.TotalFailed, failed.SubIndication);
        }

        if (signatures.Count == 0)
        {
            return (Indication.Indeterminate, SubIndication.SignedDataNotFound);
        }

        if (fromChecks.Indication == Indication.Indeterminate)
        {
            return fromChecks;
        }

        return signatures.FirstOrDefault(s => s.Indication == Indication.Indeterminate) is { } open
            ? (Indication.Indeterminate, open.SubIndication)
            : (Indication.TotalPassed, SubIndication.None);
    }
}
