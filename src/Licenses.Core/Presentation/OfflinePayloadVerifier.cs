using ElectronicLicense.Licenses.StatusLists;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>The result of one named check of an offline verification.</summary>
public enum OfflineCheckResult
{
    /// <summary>The check passed.</summary>
    Passed,

    /// <summary>The check failed.</summary>
    Failed,

    /// <summary>The check could not be made (missing input).</summary>
    NotChecked,
}

/// <summary>One named check with its result and a short reason.</summary>
public sealed record OfflineCheck(string Name, OfflineCheckResult Result, string Detail);

/// <summary>What an offline verification of a QR payload established.</summary>
public sealed record OfflineVerificationReport
{
    /// <summary>TOTAL-PASSED when every check passed, INDETERMINATE when only the current status could not be established, else TOTAL-FAILED.</summary>
    public required Indication Verdict { get; init; }

    /// <summary>The checks in the order made.</summary>
    public required IReadOnlyList<OfflineCheck> Checks { get; init; }

    /// <summary>The payload's statements, when it could be read (trust them only if the verdict is not TOTAL-FAILED).</summary>
    public OfflinePayloadFields? Payload { get; init; }

    /// <summary>The current status from the status list, when one was given and verified.</summary>
    public StatusListValue? CurrentStatus { get; init; }
}

/// <summary>Verifies a license QR payload without network: the trust list and (optionally) a status list are all it needs.</summary>
public static class OfflinePayloadVerifier
{
    /// <summary>Check names, stable for scripts.</summary>
    public static class Checks
    {
        /// <summary>The text is an <c>ELIC1:</c> payload.</summary>
        public const string Format = "format";

        /// <summary>The trust list's own signature verifies (and its signer is the pinned key, when one is pinned).</summary>
        public const string TrustList = "trust-list";

        /// <summary>The payload's key id is a payload key of the trust list.</summary>
        public const string KeyKnown = "key-known";

        /// <summary>The signature verifies with that key.</summary>
        public const string Signature = "signature";

        /// <summary>The key was allowed to sign when the payload was signed, and is not revoked.</summary>
        public const string KeyValidAtIssue = "key-valid-at-issue";

        /// <summary>The payload has not expired.</summary>
        public const string PayloadNotExpired = "payload-not-expired";

        /// <summary>The license is inside its validity period today.</summary>
        public const string LicenseValidity = "license-validity";

        /// <summary>The status list (signature, freshness) and the entry's value.</summary>
        public const string Status = "status";
    }

    /// <summary>Verifies <paramref name="text"/> against <paramref name="trustList"/> and, when given, <paramref name="statusList"/>, at <paramref name="now"/>.</summary>
    /// <param name="text">The QR content.</param>
    /// <param name="trustList">The registry trust list.</param>
    /// <param name="statusList">The status list the payload names, or null to report the status as of issue only.</param>
    /// <param name="now">The verification time.</param>
    /// <param name="pinnedTrustListKeyId">The trust-list key id the verifier trusts; null accepts the list's own signer (reported).</param>
    public static OfflineVerificationReport Verify(string text, TrustList trustList, StatusList? statusList, DateTimeOffset now, string? pinnedTrustListKeyId = null)
    {
        ArgumentNullException.ThrowIfNull(trustList);
        var checks = new List<OfflineCheck>();
        if (!OfflinePayload.TryParse(text?.Trim(), out var payload))
        {
            checks.Add(new(Checks.Format, OfflineCheckResult.Failed, $"not an {OfflinePayload.Prefix} payload, or damaged"));
            return new OfflineVerificationReport { Verdict = Indication.TotalFailed, Checks = checks };
        }

        var fields = payload.Fields;
        checks.Add(new(Checks.Format, OfflineCheckResult.Passed, $"{OfflinePayload.Prefix} payload, {payload.Text.Length} characters"));

        var trusted = trustList.VerifySignature(pinnedTrustListKeyId);
        checks.Add(new(Checks.TrustList, trusted ? OfflineCheckResult.Passed : OfflineCheckResult.Failed, trusted
            ? (pinnedTrustListKeyId is null ? $"signed by {trustList.SignerKeyId} (not pinned)" : $"signed by the pinned key {pinnedTrustListKeyId}")
            : "the trust list's signature does not verify" + (pinnedTrustListKeyId is null ? string.Empty : " with the pinned key " + pinnedTrustListKeyId)));

        var key = trustList.FindPayloadKey(fields.KeyId);
        checks.Add(key is null
            ? new(Checks.KeyKnown, OfflineCheckResult.Failed, $"key {fields.KeyId} is not in the trust list")
            : new(Checks.KeyKnown, OfflineCheckResult.Passed, $"key {key.KeyId} ({SignedEnvelope.AlgorithmName(key.Algorithm)}, {key.Status.ToString().ToLowerInvariant()})"));

        var signed = key is not null && key.Algorithm == fields.Algorithm && key.Verify(payload.SignedBytes, payload.Signature);
        checks.Add(new(Checks.Signature, key is null ? OfflineCheckResult.NotChecked : signed ? OfflineCheckResult.Passed : OfflineCheckResult.Failed,
            key is null ? "no key to check with" : signed ? "valid" : "does not verify: the payload was altered or not signed by this key"));

        if (key is not null)
        {
            var inPeriod = fields.IssuedAt >= key.NotBefore && fields.IssuedAt <= key.NotAfter;
            checks.Add(new(Checks.KeyValidAtIssue, inPeriod && key.Status != PresentationKeyStatus.Revoked ? OfflineCheckResult.Passed : OfflineCheckResult.Failed,
                key.Status == PresentationKeyStatus.Revoked ? "the key is revoked"
                : inPeriod ? $"signed {TrustList.Format(fields.IssuedAt)}, key may sign {TrustList.Format(key.NotBefore)} to {TrustList.Format(key.NotAfter)}"
                : $"signed {TrustList.Format(fields.IssuedAt)}, outside the key's period {TrustList.Format(key.NotBefore)} to {TrustList.Format(key.NotAfter)}"));
        }

        checks.Add(new(Checks.PayloadNotExpired, now <= fields.ExpiresAt ? OfflineCheckResult.Passed : OfflineCheckResult.Failed,
            $"expires {TrustList.Format(fields.ExpiresAt)}"));

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var inValidity = today >= fields.ValidFrom && (fields.ValidUntil is null || today <= fields.ValidUntil);
        checks.Add(new(Checks.LicenseValidity, inValidity ? OfflineCheckResult.Passed : OfflineCheckResult.Failed,
            $"valid {fields.ValidFrom:yyyy-MM-dd} to {(fields.ValidUntil is { } until ? until.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "长期")}"));

        StatusListValue? current = null;
        if (statusList is null)
        {
            checks.Add(new(Checks.Status, fields.Status == StatusListValue.Valid ? OfflineCheckResult.NotChecked : OfflineCheckResult.Failed,
                $"no status list given; {Name(fields.Status)} when signed"));
        }
        else if (statusList.Id != fields.StatusListId)
        {
            checks.Add(new(Checks.Status, OfflineCheckResult.NotChecked, $"the payload names status list {fields.StatusListId}, list {statusList.Id} was given"));
        }
        else if (!statusList.VerifySignature(trustList))
        {
            checks.Add(new(Checks.Status, OfflineCheckResult.Failed, "the status list's signature does not verify with a trust-list key"));
        }
        else if (fields.StatusIndex >= statusList.Size)
        {
            checks.Add(new(Checks.Status, OfflineCheckResult.Failed, "the payload's index is outside the status list"));
        }
        else if (now > statusList.IssuedAt + statusList.Ttl)
        {
            current = statusList[fields.StatusIndex];
            checks.Add(new(Checks.Status, current == StatusListValue.Valid ? OfflineCheckResult.NotChecked : OfflineCheckResult.Failed,
                $"{Name(current.Value)} in a status list that is stale (signed {TrustList.Format(statusList.IssuedAt)}); fetch a fresh one"));
        }
        else
        {
            current = statusList[fields.StatusIndex];
            checks.Add(new(Checks.Status, current == StatusListValue.Valid ? OfflineCheckResult.Passed : OfflineCheckResult.Failed,
                $"{Name(current.Value)} (status list {statusList.Id}, signed {TrustList.Format(statusList.IssuedAt)})"));
        }

        var verdict = checks.Any(c => c.Result == OfflineCheckResult.Failed) ? Indication.TotalFailed
            : checks.Any(c => c.Result == OfflineCheckResult.NotChecked) ? Indication.Indeterminate
            : Indication.TotalPassed;
        return new OfflineVerificationReport { Verdict = verdict, Checks = checks, Payload = fields, CurrentStatus = current };
    }

    private static string Name(StatusListValue value) => value.ToString().ToLowerInvariant();
}
