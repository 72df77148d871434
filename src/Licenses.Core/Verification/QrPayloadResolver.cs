using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Issuance;

namespace ElectronicLicense.Licenses.Verification;

/// <summary>What a recognised QR payload says: the license it names and any claims to compare with the registry.</summary>
/// <param name="LicenseId">The 证照标识 the payload names.</param>
/// <param name="Scheme">Which payload form it was, e.g. <c>urn</c> or <c>offline-signed</c>.</param>
/// <param name="PayloadChecks">Checks the resolver made on the payload itself (its signature, its expiry); added to the report as they are.</param>
/// <param name="DocumentSha256">The SHA-256 of the document the payload was printed on, when it says so; compared with the registry's record.</param>
internal sealed record QrPayloadClaims(LicenseId LicenseId, string Scheme, IReadOnlyList<RegistryCheck> PayloadChecks, string? DocumentSha256 = null);

/// <summary>Recognises one form of QR payload. The 核验 service asks every registered resolver in turn; the first that recognises the text answers.</summary>
/// <remarks>
/// The seam for the signed offline payload (<c>ELIC1:</c>) and the online single-use code: register another implementation with
/// <c>services.AddSingleton&lt;IQrPayloadResolver, …&gt;()</c>. A resolver returns false for text it does not recognise, and true
/// with an error message set for text it recognises but finds malformed (the request then fails naming /qrPayload).
/// </remarks>
internal interface IQrPayloadResolver
{
    /// <summary>Reads <paramref name="payload"/>.</summary>
    /// <returns>False when the text is not this resolver's form; true with either <paramref name="claims"/> or <paramref name="error"/> set otherwise.</returns>
    bool TryResolve(string payload, out QrPayloadClaims? claims, out string? error);
}

/// <summary>The payload the registry prints today: <c>urn:elic:license:{证照标识}</c> (<see cref="LicenseDocumentIssuer.VerificationPayload"/>).</summary>
internal sealed class UrnQrPayloadResolver : IQrPayloadResolver
{
    private const string Prefix = "urn:elic:license:";

    public bool TryResolve(string payload, out QrPayloadClaims? claims, out string? error)
    {
        claims = null;
        error = null;
        if (!payload.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (!LicenseId.TryParse(payload[Prefix.Length..], out var id, out var reason))
        {
            error = $"the payload names no valid 证照标识: {reason}";
            return true;
        }

        claims = new QrPayloadClaims(id, "urn", []);
        return true;
    }
}

/// <summary>A holder's single-use 亮证 code (<c>urn:elic:presentation:…</c>) scanned into 核验 by mistake: says where it belongs.</summary>
/// <remarks>Redeeming spends the code, so 核验 does not redeem it on the verifier's behalf; the request fails naming /qrPayload.</remarks>
internal sealed class PresentationCodeQrPayloadResolver : IQrPayloadResolver
{
    public bool TryResolve(string payload, out QrPayloadClaims? claims, out string? error)
    {
        claims = null;
        error = null;
        if (!payload.StartsWith(Sharing.PresentationService.QrPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        error = "is a holder's single-use 亮证 code, not a license payload: redeem it with POST /api/v1/presentations/redeem (once)";
        return true;
    }
}
