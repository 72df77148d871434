namespace ElectronicLicense.Licenses.Identifiers;

/// <summary>The kinds of identifier that <see cref="IdentifierInspector"/> can recognise.</summary>
public enum IdentifierKind
{
    /// <summary>The value has the shape of none of the identifiers.</summary>
    Unknown,

    /// <summary>A 公民身份号码 (GB 11643-1999).</summary>
    CitizenId,

    /// <summary>A 统一社会信用代码 (GB 32100-2015).</summary>
    UnifiedSocialCreditCode,

    /// <summary>A 证照类型代码.</summary>
    LicenseTypeCode,

    /// <summary>A 证照标识 (GB/T 36904).</summary>
    LicenseId,
}
