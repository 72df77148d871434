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

    /// <summary>No status list has this id, or the license version has no offline payload.</summary>
    public const string StatusListNotFound = "status-list-not-found";
}
