namespace ElectronicLicense.Licenses.Archiving;

/// <summary>The four properties an electronic archive must keep (四性): 真实性, 完整性, 可用性, 安全性.</summary>
public enum ArchiveProperty
{
    /// <summary>真实性: it is what it claims to be, unaltered since archiving.</summary>
    Authenticity,

    /// <summary>完整性: nothing is missing, from content to metadata to process trail.</summary>
    Integrity,

    /// <summary>可用性: it can be read and understood with ordinary tools.</summary>
    Usability,

    /// <summary>安全性: it carries no harmful content and its handling is recorded.</summary>
    Security,
}

/// <summary>How one check ended.</summary>
public enum ArchiveCheckResult
{
    /// <summary>Checked and satisfied.</summary>
    Passed,

    /// <summary>Checked and not satisfied; the reason says what was found.</summary>
    Failed,

    /// <summary>Not performed (e.g. no virus scanner installed, no registry to compare with); never counted as passed.</summary>
    NotRun,
}

/// <summary>One check of a 四性检测 report.</summary>
/// <param name="Id">Stable identifier, one of <see cref="ArchiveCheckIds"/>.</param>
/// <param name="Property">The property it belongs to.</param>
/// <param name="Result">How it ended.</param>
/// <param name="Reason">What was checked and found, in a sentence; never holder data.</param>
/// <param name="Path">The bag-relative file it concerns, when one.</param>
public sealed record ArchiveCheck(string Id, ArchiveProperty Property, ArchiveCheckResult Result, string Reason, string? Path = null);

/// <summary>The stable identifiers of the 四性检测 checks (DA/T 70-style), grouped by property.</summary>
/// <remarks>A check that finds several problems is reported once per problem, each with the same id and its own path.</remarks>
public static class ArchiveCheckIds
{
    /// <summary>Every payload file's SHA-256 and SM3 equal the manifests (固化信息有效).</summary>
    public const string Fixity = "authenticity.fixity";

    /// <summary>Every tag file's digest equals the tag manifest.</summary>
    public const string TagFixity = "authenticity.tag-fixity";

    /// <summary>Every signature and seal in the OFD and PDF documents verifies.</summary>
    public const string Signatures = "authenticity.signatures";

    /// <summary>The package digest equals the digest the registry recorded when it archived the package.</summary>
    public const string PackageDigest = "authenticity.package-digest";

    /// <summary>The documents' captured attributes (length, digests, format) equal what the metadata records.</summary>
    public const string Attributes = "authenticity.attributes";

    /// <summary><c>bagit.txt</c> declares BagIt 1.0 in UTF-8 and <c>bag-info.txt</c> is well-formed.</summary>
    public const string BagDeclaration = "integrity.bag-declaration";

    /// <summary>The manifests are well-formed: both required algorithms present, one line per file, no duplicates.</summary>
    public const string ManifestWellFormed = "integrity.manifest-well-formed";

    /// <summary>Every file a manifest lists is present.</summary>
    public const string FilesPresent = "integrity.files-present";

    /// <summary>Every payload file is listed in every payload manifest.</summary>
    public const string NoUnlistedFiles = "integrity.no-unlisted-files";

    /// <summary>Payload file count and byte total equal <c>Payload-Oxum</c>.</summary>
    public const string PayloadOxum = "integrity.payload-oxum";

    /// <summary>The payload holds exactly the files the metadata's catalogue lists.</summary>
    public const string Catalogue = "integrity.catalogue";

    /// <summary>Every required metadata element is present and non-empty.</summary>
    public const string MetadataElements = "integrity.metadata-elements";

    /// <summary>The process trail (ingest, issue, signatures, status changes) is present.</summary>
    public const string ProcessTrail = "integrity.process-trail";

    /// <summary>Each file's format, identified by its bytes, is the one its name and the metadata declare.</summary>
    public const string Formats = "usability.formats";

    /// <summary>The metadata XML parses and validates against the XSD shipped in the package.</summary>
    public const string MetadataSchema = "usability.metadata-schema";

    /// <summary>No document is encrypted or password-protected.</summary>
    public const string NoEncryption = "usability.no-encryption";

    /// <summary>No path escapes the bag (<c>..</c>, absolute, backslash) and no file is a link.</summary>
    public const string Paths = "security.paths";

    /// <summary>No executable or unexpected content.</summary>
    public const string Content = "security.content";

    /// <summary>A virus scan (ClamAV when installed) found nothing; reported not run when no scanner is installed.</summary>
    public const string VirusScan = "security.virus-scan";

    /// <summary>The audit extract's events prove their inclusion in the registry's signed audit log.</summary>
    public const string AuditProofs = "security.audit-proofs";
}
