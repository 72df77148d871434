using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>The 真实性 content checks of 四性检测: the documents are the ones the metadata describes, and their signatures verify.</summary>
internal static class AuthenticityChecks
{
    // 真实性: each document's captured attributes (length, SHA-256, SM3, format) equal the catalogue's.
    public static IEnumerable<ArchiveCheck> Attributes(InspectedPackage package)
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
                differences.Add($"its bytes are {ArchiveFormats.Describe(format)}, the metadata records {recorded}");
            }

            if (differences.Count > 0)
            {
                findings.Add(Fail(id, string.Join("; ", differences), entry.Path));
            }
        }

        return findings;
    }

    // 真实性: every signature and seal verifies, offline, against the given or archived trust anchors.
    public static IEnumerable<ArchiveCheck> Signatures(InspectedPackage package, IReadOnlyList<X509Certificate2>? supplied, TimeProvider clock)
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
                findings.Add(Fail(id, "the document is too large to verify here", path));
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
                findings.Add(Fail(id, "the document is neither an OFD nor a PDF, so its signatures cannot be verified", path));
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
                findings.Add(Fail(id,
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

    private static (IReadOnlyList<X509Certificate2> Anchors, string Source) ArchivedAnchors(InspectedPackage package)
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

    private static ArchiveCheck Fail(string id, string reason, string? path = null) =>
        new(id, ArchiveProperty.Authenticity, ArchiveCheckResult.Failed, reason, path);
}
