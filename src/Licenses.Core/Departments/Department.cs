using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Departments;

/// <summary>Administrative level of a department.</summary>
public enum DepartmentLevel
{
    /// <summary>市 (in a municipality directly under the central government, the provincial level).</summary>
    City,

    /// <summary>区县.</summary>
    District,

    /// <summary>乡镇 / 街道.</summary>
    Township,
}

/// <summary>What a department's credential allows.</summary>
public enum DepartmentRole
{
    /// <summary>Pushes licenses of the types the catalog lets it issue, and changes their status.</summary>
    Issuer,

    /// <summary>Reads and checks licenses for case handling.</summary>
    Verifier,

    /// <summary>Exports electronic archives.</summary>
    Archivist,

    /// <summary>Administers the registry.</summary>
    Admin,
}

/// <summary>A government department known to the registry.</summary>
/// <param name="Code">The department's 统一社会信用代码.</param>
/// <param name="Name">The department's name, printed as 颁发机构 on the licenses it issues.</param>
/// <param name="Level">Its administrative level.</param>
/// <param name="Parent">The department above it, used for 跨层级签章.</param>
/// <param name="Roles">The roles it may hold credentials for.</param>
public sealed record Department(
    UnifiedSocialCreditCode Code,
    string Name,
    DepartmentLevel Level,
    UnifiedSocialCreditCode? Parent,
    IReadOnlySet<DepartmentRole> Roles);

/// <summary>An authenticated caller: one department acting in one role.</summary>
/// <param name="Department">The department.</param>
/// <param name="Role">The role its credential was issued for.</param>
public sealed record DepartmentIdentity(Department Department, DepartmentRole Role)
{
    /// <summary>The department's code.</summary>
    public UnifiedSocialCreditCode Code => Department.Code;
}
