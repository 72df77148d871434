using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Verification;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>Lets 核验 (<c>POST /api/v1/verifications</c> with <c>qrPayload</c>) read the signed <c>ELIC1:</c> payloads printed on licenses.</summary>
/// <remarks>
/// The payload's signature is checked against the registry's own payload keys (what the trust list publishes), its period and
/// expiry against the clock, and its content hash, type and issuer against the registered version; each becomes a registry check
/// of the report, and any failure makes the verification TOTAL-FAILED (mismatch).
/// </remarks>
internal sealed class OfflineQrPayloadResolver(PresentationKeys keys, IDbContextFactory<RegistryDbContext> contexts, TimeProvider clock) : IQrPayloadResolver
{
    /// <summary>Check ids added to the 核验 report.</summary>
    public const string SignatureCheck = "payload-signature";

    /// <summary>The payload has not expired.</summary>
    public const string ExpiryCheck = "payload-expiry";

    /// <summary>The payload's content hash, type and issuer are the registered version's.</summary>
    public const string ContentCheck = "payload-content";

    public bool TryResolve(string payload, out QrPayloadClaims? claims, out string? error)
    {
        claims = null;
        error = null;
        if (!payload.StartsWith(OfflinePayload.Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (!OfflinePayload.TryParse(payload, out var parsed))
        {
            error = "is an ELIC1: payload but damaged or truncated";
            return true;
        }

        var fields = parsed.Fields;
        if (!LicenseId.TryParse(fields.LicenseId, out var id, out var reason))
        {
            error = $"the payload names no valid 证照标识: {reason}";
            return true;
        }

        var checks = new List<RegistryCheck>(3);
        var key = keys.Published.FirstOrDefault(k => k.KeyId == fields.KeyId && k.Use == PresentationKeyUse.Payload);
        var signed = key is not null && key.Algorithm == fields.Algorithm && key.Verify(parsed.SignedBytes, parsed.Signature);
        var inPeriod = key is not null && key.Status != PresentationKeyStatus.Revoked && fields.IssuedAt >= key.NotBefore && fields.IssuedAt <= key.NotAfter;
        checks.Add(new RegistryCheck(SignatureCheck, signed && inPeriod ? RegistryCheckResult.Passed : RegistryCheckResult.Failed,
            key is null ? $"key {fields.KeyId} is not a registry payload key"
            : !signed ? $"the signature does not verify with key {key.KeyId}"
            : !inPeriod ? $"key {key.KeyId} was not allowed to sign at {TrustList.Format(fields.IssuedAt)}"
            : $"signed by registry key {key.KeyId} at {TrustList.Format(fields.IssuedAt)}"));

        var expired = clock.GetUtcNow() > fields.ExpiresAt;
        checks.Add(new RegistryCheck(ExpiryCheck, expired ? RegistryCheckResult.Failed : RegistryCheckResult.Passed,
            $"the payload {(expired ? "expired" : "expires")} {TrustList.Format(fields.ExpiresAt)}"));

        using var db = contexts.CreateDbContext();
        var registered = db.LicenseVersions.AsNoTracking().Where(v => v.LicenseId == id).Select(v => v.ContentSha256).FirstOrDefault();
        if (registered is not null)
        {
            var same = registered == fields.ContentSha256 && fields.TypeCode == id.TypeCode.Value && fields.IssuerCode == id.Issuer.Value;
            checks.Add(new RegistryCheck(ContentCheck, same ? RegistryCheckResult.Passed : RegistryCheckResult.Failed, same
                ? "the payload's content hash, type and issuer are the registered version's"
                : "the payload's content hash, type or issuer differ from the registered version's"));
        }

        claims = new QrPayloadClaims(id, "offline-signed", checks);
        return true;
    }
}
