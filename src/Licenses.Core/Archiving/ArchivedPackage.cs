namespace ElectronicLicense.Licenses.Archiving;

/// <summary>A package the registry has archived.</summary>
/// <param name="LicenseId">The 证照标识 of the version it archives.</param>
/// <param name="CaseNumber">The closed case it was made for, or empty for the package made at issue.</param>
/// <param name="Location">Where its bag is: folder or <c>s3://bucket/prefix</c>.</param>
/// <param name="BagName">The bag's base directory name.</param>
/// <param name="PackageSha256">SHA-256 of its <c>tagmanifest-sha256.txt</c>, registered at archiving.</param>
/// <param name="ArchivalCode">档号.</param>
/// <param name="FileCount">Payload files.</param>
/// <param name="Bytes">Payload bytes.</param>
/// <param name="Retention">保管期限: 永久, 30年 or 10年.</param>
/// <param name="RetainUntil">Kept at least until then (null for 永久, which is a legal hold).</param>
/// <param name="RetentionEnforced">Whether the store enforces the retention (S3 object lock) or only records it.</param>
/// <param name="ArchivedAt">When it was archived.</param>
public sealed record ArchivedPackage(
    string LicenseId,
    string CaseNumber,
    string Location,
    string BagName,
    string PackageSha256,
    string ArchivalCode,
    int FileCount,
    long Bytes,
    string Retention,
    DateTimeOffset? RetainUntil,
    bool RetentionEnforced,
    DateTimeOffset ArchivedAt)
{
    /// <summary>The key prefix its files are stored under, as recorded at archiving.</summary>
    internal string StoreKey { get; init; } = string.Empty;
}
