using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Xml;
using ElectronicLicense.Licenses.Archiving.BagIt;

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
        var package = await InspectedPackage.LoadAsync(bag, findings, cancellationToken);

        Run(findings, ArchiveCheckIds.MetadataSchema, () => UsabilityChecks.MetadataSchema(package));
        Run(findings, ArchiveCheckIds.MetadataElements, () => IntegrityChecks.MetadataElements(package));
        Run(findings, ArchiveCheckIds.Catalogue, () => IntegrityChecks.Catalogue(package));
        // Signatures first: their verification computes each document's digests, which the attribute check then reuses.
        Run(findings, ArchiveCheckIds.Signatures, () => AuthenticityChecks.Signatures(package, trustAnchors, clock));
        Run(findings, ArchiveCheckIds.Attributes, () => AuthenticityChecks.Attributes(package));
        Run(findings, ArchiveCheckIds.Formats, () => UsabilityChecks.Formats(package));
        Run(findings, ArchiveCheckIds.NoEncryption, () => UsabilityChecks.NoEncryption(package));
        Run(findings, ArchiveCheckIds.ProcessTrail, () => IntegrityChecks.ProcessTrail(package));
        Run(findings, ArchiveCheckIds.Content, () => SecurityChecks.Content(package));
        Run(findings, ArchiveCheckIds.AuditProofs, () => SecurityChecks.AuditProofs(package));
        findings.AddRange(await SecurityChecks.VirusScanAsync(package, clamscan, cancellationToken));

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

    private static string PassedReason(string id, InspectedPackage package) => id switch
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

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, tool))
        .FirstOrDefault(File.Exists);
}
