using System.Text.RegularExpressions;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>The agreed layout of an archive package's payload: one BagIt bag per license version, base directory <c>{证照标识}-v{version}</c>.</summary>
internal static partial class ArchiveLayout
{
    public const string DocumentsFolder = "data/documents/";
    public const string Metadata = "data/metadata/license.xml";
    public const string Schema = "data/metadata/license-archive.xsd";
    public const string VerificationReport = "data/verification/report.json";
    public const string TrustFolder = "data/verification/trust/";
    public const string StatusHistory = "data/history/status.json";
    public const string AuditExtract = "data/audit/events.json";
    public const string Premis = "data/premis/events.xml";

    /// <summary>The bag's base directory name.</summary>
    public static string BaseDirectory(LicenseId id) => $"{id.Value}-v{id.Version}";

    /// <summary>An issued (registry-signed) document of the version: <c>data/documents/{证照标识}.{ofd|pdf}</c>.</summary>
    public static string IssuedDocument(LicenseId id, string format) => $"{DocumentsFolder}{id.Value}.{format}";

    /// <summary>The historical file pushed with the version: <c>data/documents/source.{ofd|pdf}</c>.</summary>
    public static string SourceDocument(string format) => $"{DocumentsFolder}source.{format}";

    /// <summary>Whether <paramref name="path"/> is a payload file the layout allows (documents named after <paramref name="licenseId"/> when known).</summary>
    public static bool IsExpected(string path, string? licenseId)
    {
        if (path is Metadata or Schema or VerificationReport or StatusHistory or AuditExtract or Premis)
        {
            return true;
        }

        if (path.StartsWith(TrustFolder, StringComparison.Ordinal))
        {
            return TrustFile().IsMatch(path[TrustFolder.Length..]);
        }

        if (!path.StartsWith(DocumentsFolder, StringComparison.Ordinal))
        {
            return false;
        }

        var name = path[DocumentsFolder.Length..];
        if (name is "source.ofd" or "source.pdf")
        {
            return true;
        }

        return licenseId is null
            ? DocumentFile().IsMatch(name)
            : name == licenseId + ".ofd" || name == licenseId + ".pdf";
    }

    /// <summary>保管期限 as written in the metadata: 永久, 30年, 10年.</summary>
    public static string RetentionName(RetentionPeriod retention) => retention switch
    {
        RetentionPeriod.Permanent => "永久",
        RetentionPeriod.ThirtyYears => "30年",
        RetentionPeriod.TenYears => "10年",
        _ => throw new ArgumentOutOfRangeException(nameof(retention), retention, "Unknown retention period."),
    };

    /// <summary>The 保管期限 code used in the 档号 (DA/T 22 style): Y for 永久, D30, D10.</summary>
    public static string RetentionCode(RetentionPeriod retention) => retention switch
    {
        RetentionPeriod.Permanent => "Y",
        RetentionPeriod.ThirtyYears => "D30",
        RetentionPeriod.TenYears => "D10",
        _ => throw new ArgumentOutOfRangeException(nameof(retention), retention, "Unknown retention period."),
    };

    /// <summary>
    /// The 档号 of a license version: <c>{全宗号}-{证照类型代码}-{年度}-{保管期限代码}-{件号}</c>, where 全宗号 is the issuing
    /// department's 统一社会信用代码, 年度 the year of the 颁发日期, 保管期限代码 Y, D30 or D10, and 件号 the 证照标识's serial
    /// and three-digit version joined by a dot. Deterministic: the same version always gets the same 档号.
    /// </summary>
    public static string ArchivalCode(LicenseId id, DateOnly issueDate, RetentionPeriod retention) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{id.Issuer.Value}-{id.TypeCode.Value}-{issueDate.Year:0000}-{RetentionCode(retention)}-{id.Serial}.{id.Version:000}");

    [GeneratedRegex(@"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}\.pem$", RegexOptions.CultureInvariant)]
    private static partial Regex TrustFile();

    [GeneratedRegex(@"^[0-9A-Za-z.]{1,100}\.(ofd|pdf)$", RegexOptions.CultureInvariant)]
    private static partial Regex DocumentFile();
}
