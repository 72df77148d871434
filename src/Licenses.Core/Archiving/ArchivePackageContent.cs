using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>One payload file of an archive package: its bag-relative path and a way to open its content.</summary>
/// <param name="Path">Slash-separated, bag-relative: <c>data/…</c>.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content, known when the package was built.</param>
/// <param name="OpenAsync">Opens the content from its start; each call gives a new stream. Documents stream from the object store, so a package's documents are never all in memory.</param>
internal sealed record ArchivePayloadEntry(string Path, long Length, string Sha256, Func<CancellationToken, Task<Stream>> OpenAsync)
{
    /// <summary>An entry whose content is already in memory (metadata, reports, certificates).</summary>
    public static ArchivePayloadEntry FromBytes(string path, byte[] content) => new(
        path,
        content.Length,
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)),
        _ => Task.FromResult<Stream>(new MemoryStream(content, writable: false)));
}

/// <summary>What a BagIt writer needs to make the archive package of one license version: its base directory, <c>bag-info.txt</c> labels and payload.</summary>
/// <param name="BaseDirectory"><c>{证照标识}-v{version}</c>.</param>
/// <param name="LicenseId">The version's 证照标识.</param>
/// <param name="Retention">保管期限 of the license type, to apply to the stored objects where the store can.</param>
/// <param name="ArchivalCode">档号.</param>
/// <param name="BagInfo">
/// The <c>bag-info.txt</c> labels in order: Source-Organization, External-Identifier, External-Description, Internal-Sender-Identifier (档号),
/// Bag-Group-Identifier (only when archived at case closure), then License-Version, License-Type-Code, Retention-Period. The writer adds
/// Bagging-Date and Payload-Oxum.
/// </param>
/// <param name="Payload">The payload files, in ordinal path order.</param>
internal sealed record ArchivePackageContent(
    string BaseDirectory,
    LicenseId LicenseId,
    RetentionPeriod Retention,
    string ArchivalCode,
    IReadOnlyList<KeyValuePair<string, string>> BagInfo,
    IReadOnlyList<ArchivePayloadEntry> Payload);
