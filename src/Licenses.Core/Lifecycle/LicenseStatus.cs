namespace ElectronicLicense.Licenses.Lifecycle;

/// <summary>The status of a license as a verifier sees it today.</summary>
/// <remarks>Valid, Suspended and Revoked are recorded; Expired and NotYetValid are derived from the validity dates.</remarks>
public enum LicenseStatus
{
    /// <summary>有效.</summary>
    Valid,

    /// <summary>暂停 (e.g. 暂扣): may be resumed.</summary>
    Suspended,

    /// <summary>注销 / 吊销 / 撤销: final.</summary>
    Revoked,

    /// <summary>过期: the 有效期截止日期 has passed.</summary>
    Expired,

    /// <summary>未生效: the 有效期起始日期 is still ahead.</summary>
    NotYetValid,
}
