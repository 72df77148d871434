using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Seals.Ofd;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>The 安全性 content checks of 四性检测: no harmful or unexpected content, and the audit trail proves itself.</summary>
internal static class SecurityChecks
{
    // 安全性: no executable and nothing outside the agreed layout.
    public static IEnumerable<ArchiveCheck> Content(InspectedPackage package)
    {
        const string id = ArchiveCheckIds.Content;
        var findings = new List<ArchiveCheck>();
        foreach (var path in package.Files.Keys.Concat(package.Unread.Keys).Order(StringComparer.Ordinal))
        {
            if (!ArchiveLayout.IsExpected(path, package.LicenseId))
            {
                findings.Add(Fail(id, "the file is not part of the agreed package layout", path));
            }

            if (package.Unread.TryGetValue(path, out var length))
            {
                findings.Add(Fail(id, $"the file is {length} bytes, over the {InspectedPackage.MaxFileBytes}-byte limit, and was not inspected", path));
                continue;
            }

            var bytes = package.Files[path];
            if (ArchiveFormats.ExecutableKind(bytes) is { } kind)
            {
                findings.Add(Fail(id, $"the file is {kind}", path));
            }
            else if (ArchiveFormats.IsZip(bytes) && OfdPackage.TryOpen(bytes, OfdReadLimits.Default, out var ofd, out _))
            {
                foreach (var name in ofd.Names)
                {
                    if (ArchiveFormats.ExecutableKind(ofd.GetEntry(name).Span) is { } inner)
                    {
                        findings.Add(Fail(id, $"the OFD package's entry {name} is {inner}", path));
                    }
                }
            }
        }

        return findings;
    }

    // 安全性: every archived event is a leaf of the signed audit log.
    public static IEnumerable<ArchiveCheck> AuditProofs(InspectedPackage package)
    {
        const string id = ArchiveCheckIds.AuditProofs;
        const string path = ArchiveLayout.AuditExtract;
        if (package.Get(path) is not { } bytes)
        {
            return [Fail(id, "the audit extract is missing", path)];
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
            return [Fail(id, "the log's public key is not a PEM public key", path)];
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
            return [Fail(id, "the signed tree head's signature does not verify with the archived key of the log", path)];
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
                findings.Add(Fail(id, string.Create(CultureInfo.InvariantCulture, $"event {index}: its leaf does not hash to the recorded leaf hash"), path));
            }
            else if (proof.GetProperty("leafIndex").GetInt64() != index || proof.GetProperty("treeSize").GetInt64() != head.TreeSize
                     || !MerkleProof.VerifyInclusion(leafHash, index, head.TreeSize, auditPath, rootHash))
            {
                findings.Add(Fail(id, string.Create(CultureInfo.InvariantCulture, $"event {index}: the inclusion proof does not lead to the signed tree head of size {head.TreeSize}"), path));
            }
            else if (series is not null && !LeafConcerns(leaf, series))
            {
                findings.Add(Fail(id, string.Create(CultureInfo.InvariantCulture, $"event {index}: the leaf concerns another license"), path));
            }
        }

        if (count == 0)
        {
            findings.Add(Fail(id, "the audit extract holds no event", path));
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
    public static async Task<IReadOnlyList<ArchiveCheck>> VirusScanAsync(InspectedPackage package, string? clamscan, CancellationToken cancellationToken)
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

    private static ArchiveCheck Fail(string id, string reason, string? path = null) =>
        new(id, ArchiveProperty.Security, ArchiveCheckResult.Failed, reason, path);
}
