using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using ElectronicLicense.Licenses.Audit;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>The 完整性 content checks of 四性检测: the metadata, the catalogue and the process trail are complete.</summary>
internal static class IntegrityChecks
{
    /// <summary>The PREMIS event types every archived document has (written by <see cref="ArchivePackageBuilder"/>).</summary>
    private static readonly IReadOnlyList<string> PremisEventTypes = ["ingestion", "digest calculation", "signature validation", "format identification"];

    // 完整性: every required metadata element present and non-empty.
    public static IEnumerable<ArchiveCheck> MetadataElements(InspectedPackage package)
    {
        const string id = ArchiveCheckIds.MetadataElements;
        if (package.Metadata?.Root is not { } root)
        {
            return [Fail(id, package.MetadataError!, ArchiveLayout.Metadata)];
        }

        if (root.Name != ArchiveMetadata.Namespace + ArchiveMetadata.Root)
        {
            return [Fail(id, $"the root element is not {ArchiveMetadata.Root} in {ArchiveMetadata.Namespace.NamespaceName}", ArchiveLayout.Metadata)];
        }

        var missing = new List<ArchiveCheck>();
        foreach (var required in ArchiveMetadata.RequiredElements)
        {
            var alternatives = required.Split('|');
            var found = alternatives.Select(a => ArchiveMetadata.Find(root, a)).FirstOrDefault(e => e is not null);
            if (found is null)
            {
                missing.Add(Fail(id, $"required element {string.Join(" or ", alternatives)} is missing", ArchiveLayout.Metadata));
            }
            else if (!found.HasElements && found.Value.Trim().Length == 0 && required != "照面")
            {
                missing.Add(Fail(id, $"required element {alternatives[0]} is empty", ArchiveLayout.Metadata));
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
                    missing.Add(Fail(id, $"文件目录/文件[{number}] lacks required element {name} or it is empty", ArchiveLayout.Metadata));
                }
            }
        }

        return missing;
    }

    // 完整性: the documents present are exactly those the catalogue lists.
    public static IEnumerable<ArchiveCheck> Catalogue(InspectedPackage package)
    {
        const string id = ArchiveCheckIds.Catalogue;
        if (package.Metadata is null)
        {
            return [Fail(id, $"no catalogue to compare with: {package.MetadataError}", ArchiveLayout.Metadata)];
        }

        var listed = package.CatalogueFiles.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var present = package.Documents.ToHashSet(StringComparer.Ordinal);
        var findings = new List<ArchiveCheck>();
        if (listed.Count == 0)
        {
            findings.Add(Fail(id, "the catalogue (文件目录) lists no document", ArchiveLayout.Metadata));
        }

        findings.AddRange(listed.Except(present).Order(StringComparer.Ordinal)
            .Select(p => ArchiveLayout.IsExpected(p, null)
                ? Fail(id, "the catalogue lists this document but the package does not hold it", p)
                : Fail(id, "the catalogue lists a 文件名 that is not a document path of the package layout", ArchiveLayout.Metadata)));
        findings.AddRange(present.Except(listed).Order(StringComparer.Ordinal)
            .Select(p => Fail(id, "the package holds this document but the catalogue does not list it", p)));
        findings.AddRange(package.CatalogueFiles.GroupBy(f => f.Path).Where(g => g.Count() > 1)
            .Select(g => Fail(id, $"the catalogue lists this document {g.Count()} times", SafePath(g.Key))));
        return findings;
    }

    // 完整性: the process trail — ingest and issue events, signatures, status history — is present.
    public static IEnumerable<ArchiveCheck> ProcessTrail(InspectedPackage package)
    {
        const string id = ArchiveCheckIds.ProcessTrail;
        var findings = new List<ArchiveCheck>();
        var issued = package.CatalogueFiles.Any(f => f.Origin == ArchiveMetadata.Issued);

        if (package.Get(ArchiveLayout.AuditExtract) is not { } audit)
        {
            findings.Add(Fail(id, "the audit extract is missing", ArchiveLayout.AuditExtract));
        }
        else
        {
            using var document = JsonDocument.Parse(audit);
            var actions = document.RootElement.GetProperty("events").EnumerateArray()
                .Select(e => LeafAction(e.GetProperty("leaf").GetString())).ToHashSet(StringComparer.Ordinal);
            if (!actions.Contains(AuditActions.Ingest))
            {
                findings.Add(Fail(id, $"the audit extract has no {AuditActions.Ingest} event", ArchiveLayout.AuditExtract));
            }

            if (issued && !actions.Contains(AuditActions.Issue))
            {
                findings.Add(Fail(id, $"the package holds issued documents but the audit extract has no {AuditActions.Issue} event", ArchiveLayout.AuditExtract));
            }
        }

        if (package.Get(ArchiveLayout.StatusHistory) is not { } history)
        {
            findings.Add(Fail(id, "the status history is missing", ArchiveLayout.StatusHistory));
        }
        else
        {
            using var document = JsonDocument.Parse(history);
            if (document.RootElement.GetProperty("statusChanges").GetArrayLength() == 0)
            {
                findings.Add(Fail(id, "the status history records no status change, not even the issue", ArchiveLayout.StatusHistory));
            }

            if (document.RootElement.GetProperty("versions").GetArrayLength() == 0)
            {
                findings.Add(Fail(id, "the status history lists no version", ArchiveLayout.StatusHistory));
            }
        }

        if (package.Get(ArchiveLayout.VerificationReport) is not { } reportBytes)
        {
            findings.Add(Fail(id, "the verification report made at archiving time is missing", ArchiveLayout.VerificationReport));
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
                    findings.Add(Fail(id, "the verification report made at archiving time does not cover this document", SafePath(file.Path)));
                }
                else if (file.Origin == ArchiveMetadata.Issued && signatures == 0)
                {
                    findings.Add(Fail(id, "an issued document without signatures: the signing step of the trail is missing", SafePath(file.Path)));
                }
            }
        }

        if (package.Get(ArchiveLayout.Premis) is not { } premisBytes)
        {
            findings.Add(Fail(id, "the PREMIS event list is missing", ArchiveLayout.Premis));
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
                    findings.Add(Fail(id, $"the PREMIS event list lacks this document's {string.Join(", ", missing)} event(s)", SafePath(file.Path)));
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

    /// <summary>A path taken from the metadata, when it is a layout path; else the metadata file (a recorded value may be anything, holder data included).</summary>
    private static string SafePath(string path) => ArchiveLayout.IsExpected(path, null) ? path : ArchiveLayout.Metadata;

    private static ArchiveCheck Fail(string id, string reason, string? path = null) =>
        new(id, ArchiveProperty.Integrity, ArchiveCheckResult.Failed, reason, path);
}
