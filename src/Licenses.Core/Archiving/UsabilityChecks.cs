using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>The 可用性 content checks of 四性检测: the metadata validates, and every file is readable as the format it declares.</summary>
internal static class UsabilityChecks
{
    // 可用性: license.xml validates against the XSD shipped in the package.
    public static IEnumerable<ArchiveCheck> MetadataSchema(InspectedPackage package)
    {
        const string id = ArchiveCheckIds.MetadataSchema;
        var schemaBytes = package.Get(ArchiveLayout.Schema);
        if (schemaBytes is null)
        {
            return [Fail(id, $"{ArchiveLayout.Schema} is missing, so {ArchiveLayout.Metadata} cannot be validated", ArchiveLayout.Schema)];
        }

        if (package.Metadata is null)
        {
            return [Fail(id, package.MetadataError!, ArchiveLayout.Metadata)];
        }

        var errors = new List<ArchiveCheck>();
        XmlSchemaSet schemas;
        if (schemaBytes.AsSpan().SequenceEqual(ShippedSchema))
        {
            schemas = ShippedSchemas.Value!;
        }
        else
        {
            // A package's own schema could be looser than the one it claims to follow: say so, then validate with it as asked.
            errors.Add(Fail(id,
                $"{ArchiveLayout.Schema} differs from the schema this registry ships for {ArchiveMetadata.Namespace.NamespaceName}", ArchiveLayout.Schema));
            try
            {
                schemas = Compile(schemaBytes);
            }
            catch (Exception e) when (e is XmlException or XmlSchemaException)
            {
                errors.Add(Fail(id, $"{ArchiveLayout.Schema} is not a usable XML schema ({e.GetType().Name})", ArchiveLayout.Schema));
                return errors;
            }
        }

        package.Metadata.Validate(schemas, (_, e) =>
        {
            // Name the element, never the value: the schema's own message may quote it, and values are holder data.
            var element = (e.Exception as XmlSchemaValidationException)?.SourceObject is XElement source ? source.Name.LocalName : null;
            var where = element is null ? string.Empty : $" at element {element}";
            errors.Add(Fail(id,
                $"{ArchiveLayout.Metadata} does not validate against {ArchiveLayout.Schema}{where} (line {e.Exception.LineNumber})", ArchiveLayout.Metadata));
        }, addSchemaInfo: false);
        return errors;
    }

    private static readonly byte[] ShippedSchema = ArchiveMetadata.SchemaBytes();

    // Compiled once per thread: XmlSchemaSet does not promise thread safety.
    private static readonly ThreadLocal<XmlSchemaSet> ShippedSchemas = new(() => Compile(ShippedSchema));

    private static XmlSchemaSet Compile(byte[] xsd)
    {
        var schemas = new XmlSchemaSet { XmlResolver = null };
        using var reader = XmlReader.Create(new MemoryStream(xsd, writable: false), ArchiveFormats.SafeXml());
        schemas.Add(null, reader);
        schemas.Compile();
        return schemas;
    }

    // 可用性: every payload file's format, told by its bytes, is the one its name (and for documents the metadata) declares.
    public static IEnumerable<ArchiveCheck> Formats(InspectedPackage package)
    {
        const string id = ArchiveCheckIds.Formats;
        var findings = new List<ArchiveCheck>();
        foreach (var (path, bytes) in package.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var declared = ArchiveFormats.FromExtension(path);
            var actual = ArchiveFormats.Identify(bytes, declared);
            if (declared == ArchiveFileFormat.Unknown)
            {
                findings.Add(Fail(id, $"the file's name declares no format the package may hold; its bytes are {ArchiveFormats.Describe(actual)}", path));
            }
            else if (actual != declared)
            {
                findings.Add(Fail(id, $"the name declares {ArchiveFormats.Describe(declared)} but the bytes are {ArchiveFormats.Describe(actual)}", path));
            }
        }

        return findings;
    }

    // 可用性: no document is encrypted or password-protected.
    public static IEnumerable<ArchiveCheck> NoEncryption(InspectedPackage package)
    {
        const string id = ArchiveCheckIds.NoEncryption;
        var findings = new List<ArchiveCheck>();
        foreach (var path in package.Documents)
        {
            if (package.Get(path) is not { } bytes)
            {
                continue;
            }

            if (bytes.AsSpan().StartsWith("%PDF-"u8) && ArchiveFormats.IsEncryptedPdf(bytes))
            {
                findings.Add(Fail(id, "the PDF is encrypted: its trailer has an /Encrypt dictionary", path));
            }
            else if (ArchiveFormats.IsZip(bytes))
            {
                var encrypted = ArchiveFormats.EncryptedZipEntries(bytes);
                if (encrypted is null)
                {
                    findings.Add(Fail(id, "the OFD's ZIP central directory cannot be read, so encryption cannot be ruled out", path));
                }
                else if (encrypted.Count > 0)
                {
                    findings.Add(Fail(id, $"{encrypted.Count} OFD package entr{(encrypted.Count == 1 ? "y is" : "ies are")} encrypted, e.g. {encrypted[0]}", path));
                }
            }
        }

        return findings;
    }

    private static ArchiveCheck Fail(string id, string reason, string? path = null) =>
        new(id, ArchiveProperty.Usability, ArchiveCheckResult.Failed, reason, path);
}
