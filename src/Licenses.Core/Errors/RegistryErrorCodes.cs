namespace ElectronicLicense.Licenses.Errors;

/// <summary>Stable codes for every error the registry reports; the HTTP API maps each to a problem type and status.</summary>
/// <remarks>Codes are part of the public contract: callers branch on them, so they never change once shipped.</remarks>
public static class RegistryErrorCodes
{
    /// <summary>The body is not well-formed JSON (or NDJSON line).</summary>
    public const string MalformedJson = "malformed-json";

    /// <summary>One or more fields fail validation; the error lists each with a JSON pointer.</summary>
    public const string ValidationFailed = "validation-failed";

    /// <summary>The caller's department may not act on this license type or license.</summary>
    public const string NotAuthorised = "not-authorised";

    /// <summary>The same issuer, type and 证照编号 already hold different content and the request is not an explicit 变更.</summary>
    public const string ContentConflict = "content-conflict";

    /// <summary>No license has this identifier.</summary>
    public const string LicenseNotFound = "license-not-found";

    /// <summary>The license type code is well-formed but not in the catalog.</summary>
    public const string LicenseTypeNotFound = "license-type-not-found";

    /// <summary>The requested lifecycle change is not allowed from the license's current status.</summary>
    public const string InvalidStatusTransition = "invalid-status-transition";

    /// <summary>The body is larger than the configured limit.</summary>
    public const string PayloadTooLarge = "payload-too-large";

    /// <summary>The request's content type is not one the endpoint accepts.</summary>
    public const string UnsupportedMediaType = "unsupported-media-type";

    /// <summary>A seal or signer the license type's signature policy needs is missing, revoked or not allowed.</summary>
    public const string SignaturePolicyViolation = "signature-policy-violation";

    /// <summary>No seal has this 印章编码.</summary>
    public const string SealNotFound = "seal-not-found";

    /// <summary>The license exists but has no document in the requested format.</summary>
    public const string DocumentNotFound = "document-not-found";

    /// <summary>No grant has this id, or it is not the caller's.</summary>
    public const string GrantNotFound = "grant-not-found";

    /// <summary>The grant exists but cannot be used now: revoked, outside its window, or all its uses spent.</summary>
    public const string GrantNotUsable = "grant-not-usable";

    /// <summary>A duty-based access (依职能用证) lacks its legal basis, officer or case number.</summary>
    public const string DutyBasisRequired = "duty-basis-required";

    /// <summary>No 亮证 code matches.</summary>
    public const string PresentationNotFound = "presentation-not-found";

    /// <summary>The 亮证 code was already redeemed or has expired.</summary>
    public const string PresentationGone = "presentation-gone";

    /// <summary>A 核验 request names none, or more than one, of a 证照标识, a QR payload and a file, or one of them is malformed.</summary>
    public const string InvalidVerificationRequest = "invalid-verification-request";

    /// <summary>A query or route parameter is out of range or malformed; the error names it.</summary>
    public const string InvalidParameter = "invalid-parameter";
    /// <summary>No status list has this id, or the license version has no offline payload.</summary>
    public const string StatusListNotFound = "status-list-not-found";

    /// <summary>No package of that license version is archived (yet).</summary>
    public const string ArchiveNotFound = "archive-not-found";

    /// <summary>No export job of the caller's department has this id.</summary>
    public const string ExportNotFound = "export-not-found";

    /// <summary>The export job has not completed, so there is nothing to download yet.</summary>
    public const string ExportNotComplete = "export-not-complete";
}
