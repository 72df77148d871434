using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>The content checks of 四性检测: what the package's <c>data/</c> files say and prove, offline.</summary>
/// <remarks>
/// BagIt-level checks (declaration, manifests, fixity, Payload-Oxum, paths) are the bag validator's; this reads only the payload.
/// Every check id it owns appears in the result: Passed when it found nothing, once per problem otherwise, NotRun when it could
/// not run (never Passed). Reasons name files, element names, check ids and counts — never holder data. Bad input is
/// reported, never thrown.
/// </remarks>
internal sealed class ArchiveContentInspector
{
    /// <summary>Files larger than this are not read (the OFD reader's own limit); they are reported.</summary>
    private static readonly long MaxFileBytes = OfdReadLimits.Default.MaxPackageBytes;

    private static readonly (string Id, ArchiveProperty Property)[] Owned =
    [
        (ArchiveCheckIds.Signatures, ArchiveProperty.Authenticity),
        (ArchiveCheckIds.Attributes, ArchiveProperty.Authenticity),
        (ArchiveCheckIds.Catalogue, ArchiveProperty.Integrity),
        (ArchiveCheckIds.MetadataElements, ArchiveProperty.Integrity),
        (ArchiveCheckIds.ProcessTrail, ArchiveProperty.Integrity),
        (ArchiveCheckIds.Formats, ArchiveProperty.Usability),
        (ArchiveCheckIds.MetadataSchema, ArchiveProperty.Usability),
        (ArchiveCheckIds.NoEncryption, ArchiveProperty.Usability),
        (ArchiveCheckIds.Content, ArchiveProperty.Security),
        (ArchiveCheckIds.VirusScan, ArchiveProperty.Security),
        (ArchiveCheckIds.AuditProofs, ArchiveProperty.Security),
    ];

    /// <summary>The PREMIS event types every archived document has (written by <see cref="ArchivePackageBuilder"/>).</summary>
    internal static readonly IReadOnlyList<string> PremisEventTypes = ["ingestion", "digest calculation", "signature validation", "format identification"];

    private readonly TimeProvider clock;
    private readonly string? clamscan;

    /// <summary>Creates an inspector.</summary>
    /// <param name="clock">The clock signatures are judged by.</param>
    /// <param name="clamscanPath">The ClamAV scanner to run; by default <c>clamscan</c> found on PATH, and the scan is NotRun without one.</param>
    public ArchiveContentInspector(TimeProvider clock, string? clamscanPath = null)
    {
        this.clock = clock;
        clamscan = clamscanPath ?? FindOnPath("clamscan");
    }

    /// <summary>The check ids this inspector reports.</summary>
    public static IReadOnlyList<string> CheckIds { get; } = Owned.Select(o => o.Id).ToArray();

    /// <summary>Runs every content check on the package <paramref name="bag"/>.</summary>
    /// <param name="bag">The package (only its <c>data/</c> files are read).</param>
    /// <param name="trustAnchors">CA certificates to verify signatures with; null to use those archived in <c>data/verification/trust/</c>.</param>
    /// <param name="cancellationToken">Cancels the inspection.</param>
    public async Task<IReadOnlyList<ArchiveCheck>> InspectAsync(IBagSource bag, IReadOnlyList<X509Certificate2>? trustAnchors = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bag);
        var findings = new List<ArchiveCheck>();
        var package = await LoadAsync(bag, findings, cancellationToken);

        Run(findings, ArchiveCheckIds.MetadataSchema, () => MetadataSchema(package));
        Run(findings, ArchiveCheckIds.MetadataElements, () => MetadataElements(package));
        Run(findings, ArchiveCheckIds.Catalogue, () => Catalogue(package));
        // Signatures first: their verification computes each document's digests, which the attribute check then reuses.
        Run(findings, ArchiveCheckIds.Signatures, () => Signatures(package, trustAnchors));
        Run(findings, ArchiveCheckIds.Attributes, () => Attributes(package));
        Run(findings, ArchiveCheckIds.Formats, () => Formats(package));
        Run(findings, ArchiveCheckIds.NoEncryption, () => NoEncryption(package));
        Run(findings, ArchiveCheckIds.ProcessTrail, () => ProcessTrail(package));
        Run(findings, ArchiveCheckIds.Content, () => Content(package));
        Run(findings, ArchiveCheckIds.AuditProofs, () => AuditProofs(package));
        findings.AddRange(await VirusScanAsync(package, cancellationToken));

        // Every owned id is named: Passed when nothing was found under it.
        foreach (var (id, property) in Owned)
        {
            if (!findings.Any(f => f.Id == id))
            {
                findings.Add(new ArchiveCheck(id, property, ArchiveCheckResult.Passed, PassedReason(id, package)));
            }
        }

        var order = Owned.Select(o => o.Id).ToList();
        return findings.OrderBy(f => order.IndexOf(f.Id)).ToList();
    }

    private sealed class Package
    {
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
    }

    private static async Task<Package> LoadAsync(IBagSource bag, List<ArchiveCheck> findings, CancellationToken cancellationToken)
    {
        var package = new Package();
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

    private static void Run(List<ArchiveCheck> findings, string id, Func<IEnumerable<ArchiveCheck>> check)
    {
        try
        {
            findings.AddRange(check());
        }
        catch (Exception e) when (e is JsonException or XmlException or FormatException or InvalidDataException or IOException
                                     or CryptographicException or ArgumentException or InvalidOperationException or KeyNotFoundException or OverflowException)
        {
            // A check that trips over malformed input fails; it never takes the report down with it.
            var property = Owned.First(o => o.Id == id).Property;
            findings.Add(new ArchiveCheck(id, property, ArchiveCheckResult.Failed, $"the check could not read what it needs ({e.GetType().Name})"));
        }
    }

    private static ArchiveCheck Fail(string id, ArchiveProperty property, string reason, string? path = null) =>
        new(id, property, ArchiveCheckResult.Failed, reason, path);

    /// <summary>A path taken from the metadata, when it is a layout path; else the metadata file (a recorded value may be anything, holder data included).</summary>
    private static string SafePath(string path) => ArchiveLayout.IsExpected(path, null) ? path : ArchiveLayout.Metadata;

    // 可用性: license.xml validates against the XSD shipped in the package.
    private static IEnumerable<ArchiveCheck> MetadataSchema(Package package)
    {
        const string id = ArchiveCheckIds.MetadataSchema;
        var schemaBytes = package.Get(ArchiveLayout.Schema);
        if (schemaBytes is null)
        {
            return [Fail(id, ArchiveProperty.Usability, $"{ArchiveLayout.Schema} is missing, so {ArchiveLayout.Metadata} cannot be validated", ArchiveLayout.Schema)];
        }

        if (package.Metadata is null)
        {
            return [Fail(id, ArchiveProperty.Usability, package.MetadataError!, ArchiveLayout.Metadata)];
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
            errors.Add(Fail(id, ArchiveProperty.Usability,
                $"{ArchiveLayout.Schema} differs from the schema this registry ships for {ArchiveMetadata.Namespace.NamespaceName}", ArchiveLayout.Schema));
            try
            {
                schemas = Compile(schemaBytes);
            }
            catch (Exception e) when (e is XmlException or XmlSchemaException)
            {
                errors.Add(Fail(id, ArchiveProperty.Usability, $"{ArchiveLayout.Schema} is not a usable XML schema ({e.GetType().Name})", ArchiveLayout.Schema));
                return errors;
            }
        }

        package.Metadata.Validate(schemas, (_, e) =>
        {
            // Name the element, never the value: the schema's own message may quote it, and values are holder data.
            var element = (e.Exception as XmlSchemaValidationException)?.SourceObject is XElement source ? source.Name.LocalName : null;
            var where = element is null ? string.Empty : $" at element {element}";
            errors.Add(Fail(id, ArchiveProperty.Usability,
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

    // 完整性: every required metadata element present and non-empty.
    private static IEnumerable<ArchiveCheck> MetadataElements(Package package)
    {
        const string id = ArchiveCheckIds.MetadataElements;
        if (package.Metadata?.Root is not { } root)
        {
            return [Fail(id, ArchiveProperty.Integrity, package.MetadataError!, ArchiveLayout.Metadata)];
        }

        if (root.Name != ArchiveMetadata.Namespace + ArchiveMetadata.Root)
        {
            return [Fail(id, ArchiveProperty.Integrity, $"the root element is not {ArchiveMetadata.Root} in {ArchiveMetadata.Namespace.NamespaceName}", ArchiveLayout.Metadata)];
        }

        var missing = new List<ArchiveCheck>();
        foreach (var required in ArchiveMetadata.RequiredElements)
        {
            var alternatives = required.Split('|');
            var found = alternatives.Select(a => ArchiveMetadata.Find(root, a)).FirstOrDefault(e => e is not null);
            if (found is null)
            {
                missing.Add(Fail(id, ArchiveProperty.Integrity, $"required element {string.Join(" or ", alternatives)} is missing", ArchiveLayout.Metadata));
            }
            else if (!found.HasElements && found.Value.Trim().Length == 0 && required != "照面")
            {
                missing.Add(Fail(id, ArchiveProperty.Integrity, $"required element {alternatives[0]} is empty", ArchiveLayout.Metadata));
            }
        }

        var number = 0;
        foreach (var file in ArchiveMetadata.Find(root, "文件目录")?.Elements(ArchiveMetadata.Namespace + "文件") ?? [])
        {
            number++;
            foreach (var name in ArchiveMetadata.RequiredFileElements)
            {
                if (file.Element(ArchiveMetadata.Namespace + name)?.Value.Trim() is not { Length: > 0 })
                {
                    missing.Add(Fail(id, ArchiveProperty.Integrity, $"文件目录/文件[{number}] lacks required element {name} or it is empty", ArchiveLayout.Metadata));
                }
            }
        }

        return missing;
    }

    // 完整性: the documents present are exactly those the catalogue lists.
    private static IEnumerable<ArchiveCheck> Catalogue(Package package)
    {
        const string id = ArchiveCheckIds.Catalogue;
        if (package.Metadata is null)
        {
            return [Fail(id, ArchiveProperty.Integrity, $"no catalogue to compare with: {package.MetadataError}", ArchiveLayout.Metadata)];
        }

        var listed = package.CatalogueFiles.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var present = package.Documents.ToHashSet(StringComparer.Ordinal);
        var findings = new List<ArchiveCheck>();
        if (listed.Count == 0)
        {
            findings.Add(Fail(id, ArchiveProperty.Integrity, "the catalogue (文件目录) lists no document", ArchiveLayout.Metadata));
        }

        findings.AddRange(listed.Except(present).Order(StringComparer.Ordinal)
            .Select(p => ArchiveLayout.IsExpected(p, null)
                ? Fail(id, ArchiveProperty.Integrity, "the catalogue lists this document but the package does not hold it", p)
                : Fail(id, ArchiveProperty.Integrity, "the catalogue lists a 文件名 that is not a document path of the package layout", ArchiveLayout.Metadata)));
        findings.AddRange(present.Except(listed).Order(StringComparer.Ordinal)
            .Select(p => Fail(id, ArchiveProperty.Integrity, "the package holds this document but the catalogue does not list it", p)));
        findings.AddRange(package.CatalogueFiles.GroupBy(f => f.Path).Where(g => g.Count() > 1)
            .Select(g => Fail(id, ArchiveProperty.Integrity, $"the catalogue lists this document {g.Count()} times", SafePath(g.Key))));
        return findings;
    }

    // 真实性: each document's captured attributes (length, SHA-256, SM3, format) equal the catalogue's.
    private static IEnumerable<ArchiveCheck> Attributes(Package package)
    {
        const string id = ArchiveCheckIds.Attributes;
        var findings = new List<ArchiveCheck>();
        foreach (var entry in package.CatalogueFiles)
        {
            if (package.Get(entry.Path) is not { } bytes)
            {
                continue; // integrity.catalogue reports it
            }

            var differences = new List<string>();
            if (bytes.LongLength != entry.Length)
            {
                differences.Add($"大小 is {bytes.LongLength}, the metadata records {entry.Length}");
            }

            var (sha256, sm3) = package.DigestsOf(entry.Path, bytes);
            if (!string.Equals(sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                differences.Add("its SHA-256 differs from the metadata's");
            }

            if (!string.Equals(sm3, entry.Sm3, StringComparison.OrdinalIgnoreCase))
            {
                differences.Add("its SM3 differs from the metadata's");
            }

            var format = ArchiveFormats.Identify(bytes, ArchiveFormats.FromExtension(entry.Path));
            if (!string.Equals(ArchiveFormats.MetadataName(format), entry.Format, StringComparison.OrdinalIgnoreCase))
            {
                // Quote the recorded value only when it is one of the known names: anything else may be holder data.
                var recorded = entry.Format is "OFD" or "PDF" ? "格式 " + entry.Format : "a 格式 that is neither OFD nor PDF";
                differences.Add($"its bytes are {Describe(format)}, the metadata records {recorded}");
            }

            if (differences.Count > 0)
            {
                findings.Add(Fail(id, ArchiveProperty.Authenticity, string.Join("; ", differences), entry.Path));
            }
        }

        return findings;
    }

    // 可用性: every payload file's format, told by its bytes, is the one its name (and for documents the metadata) declares.
    private static IEnumerable<ArchiveCheck> Formats(Package package)
    {
        const string id = ArchiveCheckIds.Formats;
        var findings = new List<ArchiveCheck>();
        foreach (var (path, bytes) in package.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var declared = ArchiveFormats.FromExtension(path);
            var actual = ArchiveFormats.Identify(bytes, declared);
            if (declared == ArchiveFileFormat.Unknown)
            {
                findings.Add(Fail(id, ArchiveProperty.Usability, $"the file's name declares no format the package may hold; its bytes are {Describe(actual)}", path));
            }
            else if (actual != declared)
            {
                findings.Add(Fail(id, ArchiveProperty.Usability, $"the name declares {Describe(declared)} but the bytes are {Describe(actual)}", path));
            }
        }

        return findings;
    }

    // 可用性: no document is encrypted or password-protected.
    private static IEnumerable<ArchiveCheck> NoEncryption(Package package)
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
                findings.Add(Fail(id, ArchiveProperty.Usability, "the PDF is encrypted: its trailer has an /Encrypt dictionary", path));
            }
            else if (ArchiveFormats.IsZip(bytes))
            {
                var encrypted = ArchiveFormats.EncryptedZipEntries(bytes);
                if (encrypted is null)
                {
                    findings.Add(Fail(id, ArchiveProperty.Usability, "the OFD's ZIP central directory cannot be read, so encryption cannot be ruled out", path));
                }
                else if (encrypted.Count > 0)
                {
                    findings.Add(Fail(id, ArchiveProperty.Usability, $"{encrypted.Count} OFD package entr{(encrypted.Count == 1 ? "y is" : "ies are")} encrypted, e.g. {encrypted[0]}", path));
                }
            }
        }

        return findings;
    }

    // 真实性: every signature and seal verifies, offline, against the given or archived trust anchors.
    private IEnumerable<ArchiveCheck> Signatures(Package package, IReadOnlyList<X509Certificate2>? supplied)
    {
        const string id = ArchiveCheckIds.Signatures;
        var (anchors, source) = supplied is not null
            ? (supplied, $"{supplied.Count} trust anchor(s) supplied by the caller")
            : ArchivedAnchors(package);
        var validator = anchors.Count == 0 ? null : new CertificateValidator(anchors);
        var findings = new List<ArchiveCheck>();
        var verified = 0;
        foreach (var path in package.Documents)
        {
            if (package.Get(path) is not { } bytes)
            {
                findings.Add(Fail(id, ArchiveProperty.Authenticity, "the document is too large to verify here", path));
                continue;
            }

            var report = ArchiveFormats.Identify(bytes, ArchiveFormats.FromExtension(path)) switch
            {
                ArchiveFileFormat.Ofd => OfdVerifier.Verify(bytes, new OfdVerificationOptions { Signers = validator, SealMakers = validator, Clock = clock }),
                ArchiveFileFormat.Pdf => PdfVerifier.Verify(bytes, new PdfVerificationOptions { Signers = validator, Clock = clock }),
                _ => null,
            };
            if (report is null)
            {
                findings.Add(Fail(id, ArchiveProperty.Authenticity, "the document is neither an OFD nor a PDF, so its signatures cannot be verified", path));
                continue;
            }

            // The verifiers hash exactly the bytes they verified.
            package.Digests[path] = (report.Sha256, report.Sm3);

            var pushed = package.CatalogueFiles.FirstOrDefault(f => f.Path == path)?.Origin == ArchiveMetadata.Pushed;
            if (pushed && report.Signatures.Count == 0)
            {
                continue; // a historical file pushed unsigned: nothing to verify, and nothing claimed
            }

            if (report.Indication != Indication.TotalPassed)
            {
                // Check ids and the ETSI verdict only: check messages may quote certificate subjects and document text.
                var failing = report.Signatures.SelectMany(s => s.Checks).Concat(report.DocumentChecks)
                    .Where(c => c.Outcome is CheckOutcome.Failed or CheckOutcome.Indeterminate).Select(c => c.Id).Distinct().Take(5).ToList();
                findings.Add(Fail(id, ArchiveProperty.Authenticity,
                    $"{report.Indication.ToEtsi()}{(report.SubIndication.ToEtsi() is { } sub ? " / " + sub : string.Empty)} with {source}; "
                    + $"{report.Signatures.Count} signature(s){(failing.Count == 0 ? string.Empty : "; not passed: " + string.Join(", ", failing))}", path));
                continue;
            }

            verified += report.Signatures.Count;
        }

        return findings.Count > 0 ? findings :
        [
            new ArchiveCheck(id, ArchiveProperty.Authenticity, ArchiveCheckResult.Passed,
                $"every signature and seal of the package's documents verifies ({verified} signature(s)) with {source}"),
        ];
    }

    private static (IReadOnlyList<X509Certificate2> Anchors, string Source) ArchivedAnchors(Package package)
    {
        var files = package.Files.Where(f => f.Key.StartsWith(ArchiveLayout.TrustFolder, StringComparison.Ordinal)).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        var anchors = new List<X509Certificate2>();
        foreach (var (_, bytes) in files)
        {
            try
            {
                anchors.Add(X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(bytes)));
            }
            catch (CryptographicException)
            {
                // A bad certificate file is a usability.formats finding; it simply anchors nothing here.
            }
        }

        return (anchors, $"the {anchors.Count} trust anchor(s) archived in {ArchiveLayout.TrustFolder}");
    }

    // 完整性: the process trail — ingest and issue events, signatures, status history — is present.
    private static IEnumerable<ArchiveCheck> ProcessTrail(Package package)
    {
        const string id = ArchiveCheckIds.ProcessTrail;
        var findings = new List<ArchiveCheck>();
        var issued = package.CatalogueFiles.Any(f => f.Origin == ArchiveMetadata.Issued);

        if (package.Get(ArchiveLayout.AuditExtract) is not { } audit)
        {
            findings.Add(Fail(id, ArchiveProperty.Integrity, "the audit extract is missing", ArchiveLayout.AuditExtract));
        }
        else
        {
            using var document = JsonDocument.Parse(audit);
            var actions = document.RootElement.GetProperty("events").EnumerateArray()
                .Select(e => LeafAction(e.GetProperty("leaf").GetString())).ToHashSet(StringComparer.Ordinal);
            if (!actions.Contains(AuditActions.Ingest))
            {
                findings.Add(Fail(id, ArchiveProperty.Integrity, $"the audit extract has no {AuditActions.Ingest} event", ArchiveLayout.AuditExtract));
            }

            if (issued && !actions.Contains(AuditActions.Issue))
            {
                findings.Add(Fail(id, ArchiveProperty.Integrity, $"the package holds issued documents but the audit extract has no {AuditActions.Issue} event", ArchiveLayout.AuditExtract));
            }
        }

        if (package.Get(ArchiveLayout.StatusHistory) is not { } history)
        {
            findings.Add(Fail(id, ArchiveProperty.Integrity, "the status history is missing", ArchiveLayout.StatusHistory));
        }
        else
        {
            using var document = JsonDocument.Parse(history);
            if (document.RootElement.GetProperty("statusChanges").GetArrayLength() == 0)
            {
                findings.Add(Fail(id, ArchiveProperty.Integrity, "the status history records no status change, not even the issue", ArchiveLayout.StatusHistory));
            }

            if (document.RootElement.GetProperty("versions").GetArrayLength() == 0)
            {
                findings.Add(Fail(id, ArchiveProperty.Integrity, "the status history lists no version", ArchiveLayout.StatusHistory));
            }
        }

        if (package.Get(ArchiveLayout.VerificationReport) is not { } reportBytes)
        {
            findings.Add(Fail(id, ArchiveProperty.Integrity, "the verification report made at archiving time is missing", ArchiveLayout.VerificationReport));
        }
        else
        {
            using var document = JsonDocument.Parse(reportBytes);
            var reports = document.RootElement.GetProperty("documents").EnumerateArray()
                .ToDictionary(d => d.GetProperty("file").GetString() ?? string.Empty, d => d.GetProperty("report").GetProperty("signatures").GetArrayLength(), StringComparer.Ordinal);
            foreach (var file in package.CatalogueFiles)
            {
                if (!reports.TryGetValue(file.Path, out var signatures))
                {
                    findings.Add(Fail(id, ArchiveProperty.Integrity, "the verification report made at archiving time does not cover this document", SafePath(file.Path)));
                }
                else if (file.Origin == ArchiveMetadata.Issued && signatures == 0)
                {
                    findings.Add(Fail(id, ArchiveProperty.Integrity, "an issued document without signatures: the signing step of the trail is missing", SafePath(file.Path)));
                }
            }
        }

        if (package.Get(ArchiveLayout.Premis) is not { } premisBytes)
        {
            findings.Add(Fail(id, ArchiveProperty.Integrity, "the PREMIS event list is missing", ArchiveLayout.Premis));
        }
        else
        {
            // Each document's preservation events: ingestion, digest calculation, signature validation, format identification.
            using var reader = XmlReader.Create(new MemoryStream(premisBytes, writable: false), ArchiveFormats.SafeXml());
            var premis = XDocument.Load(reader);
            XNamespace ns = "http://www.loc.gov/premis/v3";
            var events = premis.Root?.Name == ns + "premis" ? premis.Root.Elements(ns + "event").ToList() : [];
            foreach (var file in package.CatalogueFiles)
            {
                var linked = file.Path.StartsWith("data/", StringComparison.Ordinal) ? file.Path["data/".Length..] : file.Path;
                var types = events.Where(e => e.Descendants(ns + "linkingObjectIdentifierValue").Any(v => v.Value == linked))
                    .Select(e => e.Element(ns + "eventType")?.Value).ToHashSet(StringComparer.Ordinal);
                var missing = PremisEventTypes.Where(t => !types.Contains(t)).ToList();
                if (missing.Count > 0)
                {
                    findings.Add(Fail(id, ArchiveProperty.Integrity, $"the PREMIS event list lacks this document's {string.Join(", ", missing)} event(s)", SafePath(file.Path)));
                }
            }
        }

        return findings;

        static string? LeafAction(string? leaf)
        {
            if (leaf is null)
            {
                return null;
            }

            using var json = JsonDocument.Parse(Convert.FromBase64String(leaf));
            return json.RootElement.GetProperty("action").GetString();
        }
    }

    // 安全性: no executable and nothing outside the agreed layout.
    private static IEnumerable<ArchiveCheck> Content(Package package)
    {
        const string id = ArchiveCheckIds.Content;
        var findings = new List<ArchiveCheck>();
        foreach (var path in package.Files.Keys.Concat(package.Unread.Keys).Order(StringComparer.Ordinal))
        {
            if (!ArchiveLayout.IsExpected(path, package.LicenseId))
            {
                findings.Add(Fail(id, ArchiveProperty.Security, "the file is not part of the agreed package layout", path));
            }

            if (package.Unread.TryGetValue(path, out var length))
            {
                findings.Add(Fail(id, ArchiveProperty.Security, $"the file is {length} bytes, over the {MaxFileBytes}-byte limit, and was not inspected", path));
                continue;
            }

            var bytes = package.Files[path];
            if (ArchiveFormats.ExecutableKind(bytes) is { } kind)
            {
                findings.Add(Fail(id, ArchiveProperty.Security, $"the file is {kind}", path));
            }
            else if (ArchiveFormats.IsZip(bytes) && OfdPackage.TryOpen(bytes, OfdReadLimits.Default, out var ofd, out _))
            {
                foreach (var name in ofd.Names)
                {
                    if (ArchiveFormats.ExecutableKind(ofd.GetEntry(name).Span) is { } inner)
                    {
                        findings.Add(Fail(id, ArchiveProperty.Security, $"the OFD package's entry {name} is {inner}", path));
                    }
                }
            }
        }

        return findings;
    }

    // 安全性: every archived event is a leaf of the signed audit log.
    private static IEnumerable<ArchiveCheck> AuditProofs(Package package)
    {
        const string id = ArchiveCheckIds.AuditProofs;
        const string path = ArchiveLayout.AuditExtract;
        if (package.Get(path) is not { } bytes)
        {
            return [Fail(id, ArchiveProperty.Security, "the audit extract is missing", path)];
        }

        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(root.GetProperty("publicKeyPem").GetString());
        }
        catch (ArgumentException)
        {
            return [Fail(id, ArchiveProperty.Security, "the log's public key is not a PEM public key", path)];
        }

        var headElement = root.GetProperty("treeHead");
        var head = new SignedTreeHead
        {
            TreeSize = headElement.GetProperty("treeSize").GetInt64(),
            Timestamp = headElement.GetProperty("timestamp").GetInt64(),
            RootHash = headElement.GetProperty("rootHash").GetString() ?? string.Empty,
            KeyId = headElement.GetProperty("keyId").GetString() ?? string.Empty,
            Signature = headElement.GetProperty("signature").GetString() ?? string.Empty,
        };
        if (!head.VerifySignature(key))
        {
            return [Fail(id, ArchiveProperty.Security, "the signed tree head's signature does not verify with the archived key of the log", path)];
        }

        var rootHash = head.RootHashBytes()!;
        var series = LicenseId.TryParse(package.LicenseId, out var licenseId, out _) ? licenseId.SeriesKey : null;
        var findings = new List<ArchiveCheck>();
        var count = 0;
        foreach (var e in root.GetProperty("events").EnumerateArray())
        {
            count++;
            var index = e.GetProperty("index").GetInt64();
            var leaf = Convert.FromBase64String(e.GetProperty("leaf").GetString() ?? string.Empty);
            var leafHash = MerkleTree.LeafHash(leaf);
            var proof = e.GetProperty("inclusionProof");
            var auditPath = proof.GetProperty("auditPath").EnumerateArray().Select(p => Convert.FromHexString(p.GetString() ?? string.Empty)).ToList();
            if (!string.Equals(Convert.ToHexStringLower(leafHash), e.GetProperty("leafHash").GetString(), StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(Fail(id, ArchiveProperty.Security, string.Create(CultureInfo.InvariantCulture, $"event {index}: its leaf does not hash to the recorded leaf hash"), path));
            }
            else if (proof.GetProperty("leafIndex").GetInt64() != index || proof.GetProperty("treeSize").GetInt64() != head.TreeSize
                     || !MerkleProof.VerifyInclusion(leafHash, index, head.TreeSize, auditPath, rootHash))
            {
                findings.Add(Fail(id, ArchiveProperty.Security, string.Create(CultureInfo.InvariantCulture, $"event {index}: the inclusion proof does not lead to the signed tree head of size {head.TreeSize}"), path));
            }
            else if (series is not null && !LeafConcerns(leaf, series))
            {
                findings.Add(Fail(id, ArchiveProperty.Security, string.Create(CultureInfo.InvariantCulture, $"event {index}: the leaf concerns another license"), path));
            }
        }

        if (count == 0)
        {
            findings.Add(Fail(id, ArchiveProperty.Security, "the audit extract holds no event", path));
        }

        return findings;

        static bool LeafConcerns(byte[] leaf, string series)
        {
            using var json = JsonDocument.Parse(leaf);
            return json.RootElement.GetProperty("license").GetString() is { } id
                && LicenseId.TryParse(id, out var parsed, out _) && parsed.SeriesKey == series;
        }
    }

    // 安全性: ClamAV when installed; NotRun otherwise, never Passed.
    private async Task<IReadOnlyList<ArchiveCheck>> VirusScanAsync(Package package, CancellationToken cancellationToken)
    {
        const string id = ArchiveCheckIds.VirusScan;
        if (clamscan is null)
        {
            return [new ArchiveCheck(id, ArchiveProperty.Security, ArchiveCheckResult.NotRun, "ClamAV not installed (no clamscan on PATH); no virus scan was run")];
        }

        var folder = Directory.CreateTempSubdirectory("elic-scan-");
        try
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            var n = 0;
            foreach (var (path, bytes) in package.Files)
            {
                var local = Path.Combine(folder.FullName, string.Create(CultureInfo.InvariantCulture, $"f{n++:00000}"));
                await File.WriteAllBytesAsync(local, bytes, cancellationToken);
                names[local] = path;
            }

            var start = new ProcessStartInfo(clamscan) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in (string[])["--no-summary", "--infected", "--recursive", folder.FullName])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start);
            if (process is null)
            {
                return [new ArchiveCheck(id, ArchiveProperty.Security, ArchiveCheckResult.NotRun, "clamscan could not be started; no virus scan was run")];
            }

            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            await errors;
            // clamscan: exit 0 no virus found, 1 virus(es) found, 2 an error occurred.
            return process.ExitCode switch
            {
                0 => [new ArchiveCheck(id, ArchiveProperty.Security, ArchiveCheckResult.Passed, string.Create(CultureInfo.InvariantCulture, $"ClamAV scanned {package.Files.Count} file(s) and found nothing"))],
                1 => output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Where(l => l.EndsWith(" FOUND", StringComparison.Ordinal))
                    .Select(l => (File: l[..l.IndexOf(": ", StringComparison.Ordinal)], Name: l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..^" FOUND".Length]))
                    .Select(f => new ArchiveCheck(id, ArchiveProperty.Security, ArchiveCheckResult.Failed, $"ClamAV found {f.Name}", names.GetValueOrDefault(f.File)))
                    .DefaultIfEmpty(new ArchiveCheck(id, ArchiveProperty.Security, ArchiveCheckResult.Failed, "ClamAV reported an infected file"))
                    .ToList(),
                _ => [new ArchiveCheck(id, ArchiveProperty.Security, ArchiveCheckResult.NotRun, string.Create(CultureInfo.InvariantCulture, $"clamscan failed (exit {process.ExitCode}); no virus scan result"))],
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return [new ArchiveCheck(id, ArchiveProperty.Security, ArchiveCheckResult.NotRun, $"clamscan could not be run ({e.GetType().Name}); no virus scan was run")];
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string PassedReason(string id, Package package) => id switch
    {
        ArchiveCheckIds.Attributes => $"each of the {package.CatalogueFiles.Count} catalogued document(s) has the length, SHA-256, SM3 and format the metadata records",
        ArchiveCheckIds.Catalogue => $"the package holds exactly the {package.CatalogueFiles.Count} document(s) the catalogue lists",
        ArchiveCheckIds.MetadataElements => $"all {ArchiveMetadata.RequiredElements.Count} required metadata elements are present and non-empty",
        ArchiveCheckIds.ProcessTrail => "ingest and issue events, signatures, the verification at archiving time, the status history and each document's PREMIS events are present",
        ArchiveCheckIds.Formats => $"all {package.Files.Count} payload file(s) are, by their bytes, the format their names declare",
        ArchiveCheckIds.MetadataSchema => $"{ArchiveLayout.Metadata} validates against {ArchiveLayout.Schema}",
        ArchiveCheckIds.NoEncryption => "no document is encrypted or password-protected",
        ArchiveCheckIds.Content => "no executable content, and every file is part of the agreed layout",
        ArchiveCheckIds.AuditProofs => "every audit event's leaf hash and inclusion proof verify against the signed tree head, whose signature verifies with the archived key",
        _ => "nothing found",
    };

    private static string Describe(ArchiveFileFormat format) => format switch
    {
        ArchiveFileFormat.Ofd => "OFD",
        ArchiveFileFormat.Pdf => "PDF",
        ArchiveFileFormat.Xml => "XML",
        ArchiveFileFormat.Json => "JSON",
        ArchiveFileFormat.Pem => "a PEM certificate",
        _ => "of no recognised format",
    };

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, tool))
        .FirstOrDefault(File.Exists);
}
