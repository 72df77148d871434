using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>A package as the content checks see it: its <c>data/</c> files read once, its metadata parsed, its documents' digests shared.</summary>
internal sealed class InspectedPackage
{
    /// <summary>Files larger than this are not read (the OFD reader's own limit); they are reported.</summary>
    public static readonly long MaxFileBytes = OfdReadLimits.Default.MaxPackageBytes;

    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Payload files too large to read, by path.</summary>
    public Dictionary<string, long> Unread { get; } = new(StringComparer.Ordinal);

    public XDocument? Metadata { get; set; }

    public string? MetadataError { get; set; }

    public string? LicenseId { get; set; }

    public IReadOnlyList<ArchivedFile> CatalogueFiles { get; set; } = [];

    public IEnumerable<string> Documents => Files.Keys.Concat(Unread.Keys).Where(p => p.StartsWith(ArchiveLayout.DocumentsFolder, StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    public byte[]? Get(string path) => Files.GetValueOrDefault(path);

    /// <summary>Lower-case hex SHA-256 and SM3 of documents, as computed by whichever check read them first.</summary>
    public Dictionary<string, (string Sha256, string Sm3)> Digests { get; } = new(StringComparer.Ordinal);

    public (string Sha256, string Sm3) DigestsOf(string path, byte[] bytes)
    {
        if (!Digests.TryGetValue(path, out var digests))
        {
            digests = (Convert.ToHexStringLower(SHA256.HashData(bytes)), Convert.ToHexStringLower(Sm3.Hash(bytes)));
            Digests[path] = digests;
        }

        return digests;
    }

    public static async Task<InspectedPackage> LoadAsync(IBagSource bag, List<ArchiveCheck> findings, CancellationToken cancellationToken)
    {
        var package = new InspectedPackage();
        try
        {
            await foreach (var file in bag.ListFilesAsync(cancellationToken))
            {
                if (!file.RelativePath.StartsWith("data/", StringComparison.Ordinal))
                {
                    continue;
                }

                if (file.Length > MaxFileBytes)
                {
                    package.Unread[file.RelativePath] = file.Length;
                    continue;
                }

                await using var stream = await bag.OpenAsync(file.RelativePath, cancellationToken);
                if (stream is null)
                {
                    continue;
                }

                using var memory = new MemoryStream();
                await stream.CopyToAsync(memory, cancellationToken);
                package.Files[file.RelativePath] = memory.ToArray();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            findings.Add(new ArchiveCheck(ArchiveCheckIds.Catalogue, ArchiveProperty.Integrity, ArchiveCheckResult.Failed,
                $"the package's files could not all be read ({e.GetType().Name}); the checks below saw only those that could"));
        }

        if (package.Get(ArchiveLayout.Metadata) is { } xml)
        {
            try
            {
                using var reader = XmlReader.Create(new MemoryStream(xml, writable: false), ArchiveFormats.SafeXml());
                package.Metadata = XDocument.Load(reader, LoadOptions.SetLineInfo);
                var root = package.Metadata.Root!;
                package.LicenseId = ArchiveMetadata.Find(root, "证照标识")?.Value.Trim() is { Length: > 0 } id ? id : null;
                package.CatalogueFiles = root.Name == ArchiveMetadata.Namespace + ArchiveMetadata.Root ? ArchiveMetadata.ReadCatalogue(root) : [];
            }
            catch (XmlException e)
            {
                package.MetadataError = $"{ArchiveLayout.Metadata} is not well-formed XML (line {e.LineNumber}, position {e.LinePosition})";
            }
        }
        else
        {
            package.MetadataError = $"{ArchiveLayout.Metadata} is missing";
        }

        return package;
    }
}
