using ElectronicLicense.Licenses.Lifecycle;
using System.Text.Json;

namespace ElectronicLicense.Licenses.Sharing;

/// <summary>On what basis a department read a holder's license.</summary>
public enum AccessBasis
{
    /// <summary>A live grant of the holder (授权共享).</summary>
    Grant,

    /// <summary>The type is 无条件共享: any verifier may read its public fields.</summary>
    Unconditional,

    /// <summary>依职能用证: a legal basis, an officer and a case number.</summary>
    Duty,

    /// <summary>A single-use 亮证 code the holder showed.</summary>
    Presentation,
}

/// <summary>A license as disclosed to a department: only the fields its basis allows.</summary>
/// <param name="LicenseId">证照标识 of the current version.</param>
/// <param name="TypeCode">证照类型代码.</param>
/// <param name="TypeName">证照名称.</param>
/// <param name="Status">Status today.</param>
/// <param name="Fields">The disclosed fields in clear, by name.</param>
/// <param name="Masked">Sensitive fields shown masked for identification only, by name.</param>
/// <param name="Basis">Why the department may read it.</param>
/// <param name="GrantId">The grant relied on, for <see cref="AccessBasis.Grant"/>.</param>
public sealed record SharedLicense(
    string LicenseId,
    string TypeCode,
    string TypeName,
    LicenseStatus Status,
    IReadOnlyDictionary<string, JsonElement> Fields,
    IReadOnlyDictionary<string, string> Masked,
    AccessBasis Basis,
    string? GrantId);

/// <summary>The justification a department gives for 依职能用证 (duty-based access without a grant).</summary>
/// <param name="LegalBasis">The legal-basis code (法律依据).</param>
/// <param name="OfficerId">Personal: the acting officer's identity.</param>
/// <param name="CaseNumber">The case number (案件编号).</param>
public sealed record DutyBasis(string? LegalBasis, string? OfficerId, string? CaseNumber);

/// <summary>One of the holder's own licenses.</summary>
/// <param name="LicenseId">证照标识 of the current version.</param>
/// <param name="TypeCode">证照类型代码.</param>
/// <param name="TypeName">证照名称.</param>
/// <param name="Number">证照编号.</param>
/// <param name="IssuerCode">颁发机构代码.</param>
/// <param name="Status">Status today.</param>
/// <param name="SharingLevel">The type's sharing level.</param>
/// <param name="Data">The license data: national metadata and 照面.</param>
public sealed record HolderLicense(
    string LicenseId, string TypeCode, string TypeName, string Number, string IssuerCode, LicenseStatus Status,
    Catalog.SharingLevel SharingLevel, JsonElement Data);
