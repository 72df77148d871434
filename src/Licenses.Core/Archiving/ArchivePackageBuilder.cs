using ElectronicLicense.Licenses.Lifecycle;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Storage;
using ElectronicLicense.Licenses.Verification;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>Produces the payload and <c>bag-info.txt</c> labels of the archive package of one license version, from the registry's database and stores.</summary>
/// <remarks>
/// The documents are read once to verify them and check their digests against the registry's records, then handed out as stream
/// factories over the object store, so building never holds more than one document in memory. The BagIt files themselves
/// (manifests, tag manifests, Payload-Oxum, Bagging-Date) are the bag writer's.
/// </remarks>
internal sealed class ArchivePackageBuilder(
    IDbContextFactory<RegistryDbContext> contexts,
    LicenseCatalog catalog,
    IObjectStore objects,
    DocumentVerifier verifier,
    RegistryKeys keys,
    AuditLog audit,
    IOptions<ArchivePackageOptions> options,
    TimeProvider clock)
{
    private static readonly JsonSerializerOptions ReportJson = new(VerificationJson.Options) { WriteIndented = true };
    private static readonly JsonWriterOptions IndentedJson = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly XNamespace Premis = "http://www.loc.gov/premis/v3";

    private volatile SignedTreeHead? lastHead;

    /// <summary>Builds the package content of the version <paramref name="licenseId"/> names (its 证照标识 carries the version).</summary>
    /// <param name="licenseId">The version's 证照标识.</param>
    /// <param name="caseNumber">The case number when archived at case closure (办结), written as Bag-Group-Identifier and 归档案件号.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <exception cref="RegistryException">No such license version (<see cref="RegistryErrorCodes.LicenseNotFound"/>).</exception>
    /// <exception cref="InvalidOperationException">A stored document is missing or no longer has the digest the registry recorded.</exception>
    public async Task<ArchivePackageContent> BuildAsync(LicenseId licenseId, string? caseNumber = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(licenseId);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var version = await db.LicenseVersions.AsNoTracking().Include(v => v.Documents)
            .FirstOrDefaultAsync(v => v.LicenseId == licenseId, cancellationToken)
            ?? throw new RegistryException(RegistryErrorCodes.LicenseNotFound, $"No license version {licenseId} is registered.");
        var license = await db.Licenses.AsNoTracking().Include(l => l.StatusChanges)
            .FirstAsync(l => l.Id == version.LicenseRecordId, cancellationToken);
        var versions = await db.LicenseVersions.AsNoTracking().Where(v => v.LicenseRecordId == license.Id).OrderBy(v => v.Version)
            .Select(v => new { v.Version, v.LicenseId, v.StoredAtUtc, v.SupersededAtUtc, v.ChangeReason }).ToListAsync(cancellationToken);
        if (!catalog.TryGet(license.TypeCode, out var type))
        {
            throw new RegistryException(RegistryErrorCodes.LicenseTypeNotFound, $"License type {license.TypeCode} of {licenseId} is not in the catalog.");
        }

        var now = clock.GetUtcNow();
        var payload = new List<ArchivePayloadEntry>();
        var premisEvents = new List<XElement>();
        var reports = new List<(string Path, DocumentReport Report)>();
        var files = new List<ArchivedFile>();

        // Issued documents first (OFD, PDF), then the pushed historical file.
        foreach (var document in version.Documents.OrderBy(d => d.Origin == DocumentOrigin.Issued ? 0 : 1).ThenBy(d => d.Format.Name(), StringComparer.Ordinal))
        {
            var issued = document.Origin == DocumentOrigin.Issued;
            var formatName = document.Format.Name();
            var path = issued ? ArchiveLayout.IssuedDocument(licenseId, formatName) : ArchiveLayout.SourceDocument(formatName);
            var bytes = await ReadAsync(document.Sha256, licenseId, cancellationToken);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var sm3 = Convert.ToHexStringLower(Sm3.Hash(bytes));
            if (sha256 != document.Sha256 || sm3 != document.Sm3 || bytes.Length != document.Length)
            {
                throw new InvalidOperationException($"The object store returned a {formatName} document of {licenseId} whose digest differs from the one recorded at ingest; it is not archived.");
            }

            var format = ArchiveFormats.Identify(bytes, ArchiveFormats.FromExtension(path));
            var report = document.Format == DocumentFormat.Ofd
                ? await verifier.VerifyOfdAsync(bytes, cancellationToken)
                : await verifier.VerifyPdfAsync(bytes, cancellationToken);
            reports.Add((path, report));
            var signers = document.Signers.Length == 0 ? null : document.Signers;
            files.Add(new ArchivedFile(path, formatName.ToUpperInvariant(), issued ? ArchiveMetadata.Issued : ArchiveMetadata.Pushed,
                bytes.Length, sha256, sm3, signers));
            var sha = document.Sha256;
            payload.Add(new ArchivePayloadEntry(path, bytes.Length, sha256, async token =>
                await objects.OpenReadAsync(sha, token) ?? throw new InvalidOperationException($"The object store has lost a document of {licenseId}.")));

            var linked = path["data/".Length..];
            premisEvents.Add(PremisEvent(premisEvents.Count, "ingestion", document.CreatedAtUtc, "success",
                issued ? "rendered and sealed by the registry" : "pushed by the issuing department", linked));
            premisEvents.Add(PremisEvent(premisEvents.Count, "digest calculation", now.UtcDateTime, "success",
                $"SHA-256 {sha256}; SM3 {sm3}; equal to the digests recorded at ingest", linked));
            premisEvents.Add(PremisEvent(premisEvents.Count, "signature validation", now.UtcDateTime,
                report.Indication == Indication.TotalPassed ? "success" : !issued && report.Signatures.Count == 0 ? "not applicable" : "failure",
                !issued && report.Signatures.Count == 0 ? "an unsigned historical file" : $"{report.Indication.ToEtsi()}; {report.Signatures.Count} signature(s)", linked));
            premisEvents.Add(PremisEvent(premisEvents.Count, "format identification", now.UtcDateTime,
                format == ArchiveFormats.FromExtension(path) ? "success" : "failure",
                format switch
                {
                    ArchiveFileFormat.Ofd => "OFD (GB/T 33190): ZIP package with OFD.xml at its root",
                    ArchiveFileFormat.Pdf => "PDF (ISO 32000): %PDF- header and %%EOF trailer",
                    _ => "not identified",
                }, linked));
        }

        using var data = JsonDocument.Parse(version.DataJson);
        var root = data.RootElement;
        var today = License.ChinaDate(now);
        var archivalCode = ArchiveLayout.ArchivalCode(licenseId, version.IssueDate, type.Retention);
        var metadata = new ArchiveMetadata
        {
            Name = Text(root, MetadataNames.Name) ?? type.Name,
            LicenseId = licenseId.Value,
            Number = license.Number,
            TypeCode = license.TypeCode.Value,
            Issuer = Text(root, MetadataNames.Issuer) ?? license.IssuerCode,
            IssuerCode = license.IssuerCode,
            IssueDate = Date(version.IssueDate),
            Holder = license.HolderName,
            HolderCode = license.HolderCode,
            HolderCodeType = license.HolderCodeType,
            ValidFrom = Date(version.ValidFrom),
            ValidUntil = version.ValidUntil is { } until ? Date(until) : null,
            Version = version.Version,
            Status = StatusName(License.StatusOn(license.Status, version.ValidFrom, version.ValidUntil, today)),
            Retention = ArchiveLayout.RetentionName(type.Retention),
            ArchivalCode = archivalCode,
            ArchivedOn = Date(today),
            CaseNumber = string.IsNullOrWhiteSpace(caseNumber) ? null : caseNumber.Trim(),
            Face = root.TryGetProperty(MetadataNames.Face, out var face) && face.ValueKind == JsonValueKind.Object
                ? face.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())).ToList()
                : [],
            Files = files,
        };
        payload.Add(ArchivePayloadEntry.FromBytes(ArchiveLayout.Metadata, metadata.ToXml()));
        payload.Add(ArchivePayloadEntry.FromBytes(ArchiveLayout.Schema, ArchiveMetadata.SchemaBytes()));

        var anchors = keys.TrustAnchors.DistinctBy(c => c.Thumbprint).ToList();
        var trustFiles = anchors.Select((c, i) => (Path: ArchiveLayout.TrustFolder + (i == 0 ? "registry-ca.pem" : $"ca-{Convert.ToHexStringLower(SHA256.HashData(c.RawData))[..16]}.pem"), Certificate: c)).ToList();
        payload.AddRange(trustFiles.Select(t => ArchivePayloadEntry.FromBytes(t.Path, Encoding.ASCII.GetBytes(t.Certificate.ExportCertificatePem() + "\n"))));
        payload.Add(ArchivePayloadEntry.FromBytes(ArchiveLayout.VerificationReport, VerificationReportJson(now, trustFiles.Select(t => t.Path), reports)));

        payload.Add(ArchivePayloadEntry.FromBytes(ArchiveLayout.StatusHistory, Json(json =>
        {
            json.WriteString("licenseId", licenseId.Value);
            json.WriteStartArray("statusChanges");
            foreach (var change in license.StatusChanges.OrderBy(s => s.Id))
            {
                json.WriteStartObject();
                json.WriteString("from", change.FromStatus is { } from ? StatusName(from) : null);
                json.WriteString("to", StatusName(change.ToStatus));
                json.WriteString("reasonCode", change.ReasonCode);
                json.WriteString("reasonName", LifecycleReasons.NameOf(change.ReasonCode));
                json.WriteString("department", change.ByDepartment);
                json.WriteString("at", change.AtUtc);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("versions");
            foreach (var v in versions)
            {
                json.WriteStartObject();
                json.WriteNumber("version", v.Version);
                json.WriteString("licenseId", v.LicenseId.Value);
                json.WriteString("storedAt", v.StoredAtUtc);
                if (v.SupersededAtUtc is { } superseded)
                {
                    json.WriteString("supersededAt", superseded);
                }

                if (v.ChangeReason is { } reason)
                {
                    json.WriteString("changeReason", reason);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        })));

        payload.Add(ArchivePayloadEntry.FromBytes(ArchiveLayout.AuditExtract, await AuditExtractAsync(versions.Select(v => v.LicenseId.Value).ToArray(), cancellationToken)));
        payload.Add(ArchivePayloadEntry.FromBytes(ArchiveLayout.Premis, PremisXml(premisEvents)));

        var bagInfo = new List<KeyValuePair<string, string>>
        {
            new("Source-Organization", options.Value.SourceOrganization),
            new("External-Identifier", licenseId.Value),
            new("External-Description", $"{metadata.Name} 第{version.Version}版 电子证照归档包"),
            new("Internal-Sender-Identifier", archivalCode),
        };
        if (metadata.CaseNumber is { } group)
        {
            bagInfo.Add(new("Bag-Group-Identifier", group));
        }

        bagInfo.Add(new("License-Version", version.Version.ToString(CultureInfo.InvariantCulture)));
        bagInfo.Add(new("License-Type-Code", license.TypeCode.Value));
        bagInfo.Add(new("Retention-Period", metadata.Retention));

        return new ArchivePackageContent(
            ArchiveLayout.BaseDirectory(licenseId), licenseId, type.Retention, archivalCode, bagInfo,
            payload.OrderBy(p => p.Path, StringComparer.Ordinal).ToList());
    }

    private async Task<byte[]> ReadAsync(string sha256, LicenseId licenseId, CancellationToken cancellationToken)
    {
        await using var stream = await objects.OpenReadAsync(sha256, cancellationToken)
            ?? throw new InvalidOperationException($"The object store has lost a document of {licenseId}; it is not archived.");
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, cancellationToken);
        return memory.ToArray();
    }

    /// <summary>Every audit event about the license with its leaf, an inclusion proof against one signed tree head, that head and the log's key.</summary>
    private async Task<byte[]> AuditExtractAsync(IReadOnlyCollection<string> licenseIds, CancellationToken cancellationToken)
    {
        var events = await audit.ForLicenseAsync(licenseIds, cancellationToken);
        // One head serves every package whose events it covers, so a batch export does not sign a head per package;
        // a fresh one is asked for (after the events were read, so it covers them) only when the last one does not.
        var head = lastHead;
        if (head is null || (events.Count > 0 && events[^1].Index >= head.TreeSize))
        {
            head = await audit.LatestTreeHeadAsync(cancellationToken);
            lastHead = head;
        }

        var proofs = new List<InclusionProof>(events.Count);
        foreach (var e in events)
        {
            proofs.Add(await audit.InclusionProofAsync(e.Index, head.TreeSize, cancellationToken));
        }

        return Json(json =>
        {
            json.WriteString("publicKeyPem", audit.PublicKeyPem);
            json.WriteStartObject("treeHead");
            json.WriteNumber("treeSize", head.TreeSize);
            json.WriteNumber("timestamp", head.Timestamp);
            json.WriteString("rootHash", head.RootHash);
            json.WriteString("keyId", head.KeyId);
            json.WriteString("signature", head.Signature);
            json.WriteEndObject();
            json.WriteStartArray("events");
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                json.WriteStartObject();
                json.WriteNumber("index", e.Index);
                json.WriteString("at", e.AtUtc);
                json.WriteString("action", e.Entry.Action);
                json.WriteString("licenseId", e.Entry.LicenseId);
                json.WriteString("leaf", e.Leaf);
                json.WriteString("leafHash", e.LeafHash);
                json.WriteStartObject("inclusionProof");
                json.WriteNumber("leafIndex", proofs[i].LeafIndex);
                json.WriteNumber("treeSize", proofs[i].TreeSize);
                json.WriteStartArray("auditPath");
                foreach (var node in proofs[i].AuditPath)
                {
                    json.WriteStringValue(node);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    private static byte[] VerificationReportJson(DateTimeOffset at, IEnumerable<string> trust, IReadOnlyList<(string Path, DocumentReport Report)> reports) => Json(json =>
    {
        json.WriteString("verifiedAt", at.UtcDateTime);
        json.WriteStartArray("trustAnchors");
        foreach (var path in trust)
        {
            json.WriteStringValue(path);
        }

        json.WriteEndArray();
        json.WriteStartArray("documents");
        foreach (var (path, report) in reports)
        {
            json.WriteStartObject();
            json.WriteString("file", path);
            json.WritePropertyName("report");
            JsonSerializer.Serialize(json, report, ReportJson);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, IndentedJson))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static XElement PremisEvent(int sequence, string type, DateTime atUtc, string outcome, string detail, string linkedFile) =>
        new(Premis + "event",
            new XElement(Premis + "eventIdentifier",
                new XElement(Premis + "eventIdentifierType", "local"),
                new XElement(Premis + "eventIdentifierValue", string.Create(CultureInfo.InvariantCulture, $"event-{sequence + 1:000}"))),
            new XElement(Premis + "eventType", type),
            new XElement(Premis + "eventDateTime", DateTime.SpecifyKind(atUtc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
            new XElement(Premis + "eventDetailInformation", new XElement(Premis + "eventDetail", detail)),
            new XElement(Premis + "eventOutcomeInformation", new XElement(Premis + "eventOutcome", outcome)),
            new XElement(Premis + "linkingObjectIdentifier",
                new XElement(Premis + "linkingObjectIdentifierType", "filename"),
                new XElement(Premis + "linkingObjectIdentifierValue", linkedFile)));

    private static byte[] PremisXml(IEnumerable<XElement> events)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\n" }))
        {
            new XDocument(new XDeclaration("1.0", "UTF-8", null),
                new XElement(Premis + "premis", new XAttribute("version", "3.0"), new XAttribute(XNamespace.Xmlns + "premis", Premis.NamespaceName), events)).Save(writer);
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static string StatusName(LicenseStatus status) => status switch
    {
        LicenseStatus.Valid => "有效",
        LicenseStatus.Suspended => "暂停",
        LicenseStatus.Revoked => "注销",
        LicenseStatus.Expired => "过期",
        LicenseStatus.NotYetValid => "未生效",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown license status."),
    };

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
