namespace ElectronicLicense.Licenses.Sharing;

/// <summary>What a holder asks for when granting (授权) a department access to some of their licenses.</summary>
public sealed class GrantRequest
{
    /// <summary>The grantee department's 统一社会信用代码.</summary>
    public string? Grantee { get; set; }

    /// <summary>证照类型代码 of the license types covered.</summary>
    public IList<string>? LicenseTypes { get; set; }

    /// <summary>Field names (照面 fields or national metadata names) disclosed; <see cref="GrantFields.Document"/> adds the sealed file.</summary>
    public IList<string>? Fields { get; set; }

    /// <summary>What the grant serves.</summary>
    public GrantPurpose? Purpose { get; set; }

    /// <summary>Start of the window; default now.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>End of the window (exclusive).</summary>
    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>How many reads the grant allows.</summary>
    public int? MaxUses { get; set; }
}

/// <summary>The purpose of a grant.</summary>
public sealed class GrantPurpose
{
    /// <summary>事项编码: the government service item.</summary>
    public string? ItemCode { get; set; }

    /// <summary>业务流水号: the case the grant serves.</summary>
    public string? SerialNumber { get; set; }
}

/// <summary>Pseudo-field names a grant may list besides the types' own fields.</summary>
public static class GrantFields
{
    /// <summary>The sealed OFD/PDF document, which carries every field of the license.</summary>
    public const string Document = "证照文件";
}

/// <summary>Where a grant stands now.</summary>
public enum GrantState
{
    /// <summary>Usable now.</summary>
    Active,

    /// <summary>Its window has not started.</summary>
    Pending,

    /// <summary>Its window has ended.</summary>
    Expired,

    /// <summary>All its uses are spent.</summary>
    Exhausted,

    /// <summary>The holder revoked it.</summary>
    Revoked,
}

/// <summary>A grant as stored.</summary>
/// <param name="Id">Its random identifier.</param>
/// <param name="HolderCode">Personal: the holder who granted it.</param>
/// <param name="Grantee">The department it was granted to.</param>
/// <param name="LicenseTypes">The license types covered.</param>
/// <param name="Fields">The fields disclosed.</param>
/// <param name="ItemCode">事项编码.</param>
/// <param name="SerialNumber">业务流水号.</param>
/// <param name="NotBefore">Window start.</param>
/// <param name="NotAfter">Window end (exclusive).</param>
/// <param name="MaxUses">Uses allowed.</param>
/// <param name="Uses">Uses so far.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="State">Where it stands now.</param>
public sealed record Grant(
    string Id,
    string HolderCode,
    string Grantee,
    IReadOnlyList<string> LicenseTypes,
    IReadOnlyList<string> Fields,
    string ItemCode,
    string SerialNumber,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    int MaxUses,
    int Uses,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    GrantState State);
