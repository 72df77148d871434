using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Seals.Verification;

/// <summary>Turns a certificate validation into a report check.</summary>
internal static class CertificateChecks
{
    // The same signer and seal-maker certificates come back in every document: a validator remembers its verdicts
    // (its anchors and CRLs are fixed for its lifetime), keyed by certificate bytes, signing time and the day of "now".
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CertificateValidator, System.Collections.Concurrent.ConcurrentDictionary<(string, long, long, string), CheckResult>> Memo = [];

    public static CheckResult ToCheck(this CertificateValidator validator, string id, X509Certificate2 certificate, DateTimeOffset signingTime, DateTimeOffset now)
    {
        var memo = Memo.GetOrCreateValue(validator);
        var key = (Convert.ToHexString(SHA256.HashData(certificate.RawData)), signingTime.UtcTicks, now.UtcDateTime.Date.Ticks, id);
        if (memo.TryGetValue(key, out var known))
        {
            return known;
        }

        var result = Validate(validator, id, certificate, signingTime, now);
        if (memo.Count < 10_000)
        {
            memo[key] = result;
        }

        return result;
    }

    private static CheckResult Validate(CertificateValidator validator, string id, X509Certificate2 certificate, DateTimeOffset signingTime, DateTimeOffset now)
    {
        CertificateValidationResult result;
        try
        {
            result = validator.Validate(certificate, signingTime);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or CryptographicException or IOException)
        {
            // A certificate from outside whose fields cannot even be read (e.g. a damaged validity date) proves nothing.
            return new CheckResult(id, CheckOutcome.Failed, "the certificate cannot be read: it is malformed", SubIndication.FormatFailure);
        }

        var detail = result.Messages.Count == 0 ? string.Empty : " (" + string.Join("; ", result.Messages) + ")";
        var subject = certificate.Subject;
        return result.SubIndication switch
        {
            ValidationSubIndication.None when result.RevokedAfterSigning =>
                new CheckResult(id, CheckOutcome.Warning, $"{subject} was valid when it signed but was revoked later, on {result.Revocation!.RevocationTime:yyyy-MM-dd}{detail}"),
            ValidationSubIndication.None when certificate.NotAfter < now.UtcDateTime =>
                new CheckResult(id, CheckOutcome.Warning, $"{subject} chains to a trusted anchor and was valid when it signed; it has expired since ({certificate.NotAfter:yyyy-MM-dd})"),
            ValidationSubIndication.None =>
                new CheckResult(id, CheckOutcome.Passed, $"{subject} chains to a trusted anchor and was valid and not revoked when it signed{detail}"),
            ValidationSubIndication.NoCertificateChainFound =>
                new CheckResult(id, CheckOutcome.Indeterminate, $"{subject} does not chain to a trusted anchor{detail}", SubIndication.NoCertificateChainFound),

            // The signing time is the signer's claim, not a proof of existence: outside the validity is INDETERMINATE (ETSI EN 319 102-1 §5.2.7).
            ValidationSubIndication.Expired or ValidationSubIndication.NotYetValid =>
                new CheckResult(id, CheckOutcome.Indeterminate, $"{subject} was not valid at the signing time {signingTime:yyyy-MM-dd HH:mm:ss}{detail}", SubIndication.OutOfBoundsNoPoe),
            ValidationSubIndication.Revoked =>
                new CheckResult(id, CheckOutcome.Failed, $"{subject} was revoked on {result.Revocation?.RevocationTime:yyyy-MM-dd}, before the signing time{detail}", SubIndication.Revoked),
            ValidationSubIndication.ChainConstraintsFailure =>
                new CheckResult(id, CheckOutcome.Failed, $"{subject}: the certificate chain breaks its constraints{detail}", SubIndication.ChainConstraintsFailure),
            ValidationSubIndication.SigCryptoFailure =>
                new CheckResult(id, CheckOutcome.Failed, $"{subject}: a certificate signature in the chain does not verify{detail}", SubIndication.SigCryptoFailure),
            _ => new CheckResult(id, CheckOutcome.Indeterminate, $"{subject}: {result.SubIndication}{detail}", SubIndication.NoCertificateChainFound),
        };
    }
}
