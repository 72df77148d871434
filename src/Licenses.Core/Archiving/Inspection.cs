using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ElectronicLicense.Licenses.Archiving.BagIt;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>四性检测 of one package: the BagIt checks, the content checks and the registered package digest, in one report.</summary>
internal static class Inspection
{
    /// <summary>Looks up the digest a registry registered for a license version's package: (digest, null) or (null, why not).</summary>
    public delegate Task<(string? Registered, string? Reason)> RegisteredDigest(string licenseId, string caseNumber, CancellationToken cancellationToken);

    public static async Task<ArchiveReport> RunAsync(
        IBagSource bag,
        ArchiveContentInspector inspector,
        IReadOnlyList<X509Certificate2>? trustAnchors,
        RegisteredDigest? registered,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var checks = new List<ArchiveCheck>();
        checks.AddRange(await BagValidator.ValidateAsync(bag, cancellationToken));
        checks.AddRange(await inspector.InspectAsync(bag, trustAnchors, cancellationToken));
        var info = await BagInfoAsync(bag, cancellationToken);
        var licenseId = info.GetValueOrDefault("External-Identifier");
        checks.Add(await PackageDigestAsync(bag, licenseId, info.GetValueOrDefault("Bag-Group-Identifier") ?? string.Empty, registered, cancellationToken));
        return new ArchiveReport(bag.Location, licenseId, clock.GetUtcNow(),
            checks.OrderBy(c => c.Property).ThenBy(c => c.Id, StringComparer.Ordinal).ToList());
    }

    private static async Task<ArchiveCheck> PackageDigestAsync(
        IBagSource bag, string? licenseId, string caseNumber, RegisteredDigest? registered, CancellationToken cancellationToken)
    {
        if (registered is null)
        {
            return Check(ArchiveCheckResult.NotRun, "no registry to compare with; run it where the package was archived (GET /api/v1/archives/packages/{id}/report)");
        }

        if (licenseId is null)
        {
            return Check(ArchiveCheckResult.Failed, "bag-info.txt has no External-Identifier naming the license version");
        }

        var (expected, reason) = await registered(licenseId, caseNumber, cancellationToken);
        if (expected is null)
        {
            return Check(ArchiveCheckResult.Failed, $"the package cannot be matched with the registry: {reason}");
        }

        await using var tagManifest = await bag.OpenAsync("tagmanifest-sha256.txt", cancellationToken);
        if (tagManifest is null)
        {
            return Check(ArchiveCheckResult.Failed, "tagmanifest-sha256.txt, whose SHA-256 is the package digest, is missing");
        }

        var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(tagManifest, cancellationToken));
        return actual == expected
            ? Check(ArchiveCheckResult.Passed, $"the package digest {actual} equals the one registered when it was archived")
            : Check(ArchiveCheckResult.Failed, $"the package digest {actual} differs from the registered {expected}");
    }

    /// <summary>The elements of <c>bag-info.txt</c>, first of each label; empty when it is missing, too large or malformed
    /// (which the BagIt checks report).</summary>
    private static async Task<Dictionary<string, string>> BagInfoAsync(IBagSource bag, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await using var stream = await bag.OpenAsync(BagTagFiles.BagInfo, cancellationToken);
        if (stream is null || stream.Length > 1024 * 1024)
        {
            return fields;
        }

        string text;
        try
        {
            using var reader = new StreamReader(stream, BagTagFiles.Utf8);
            text = await reader.ReadToEndAsync(cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            return fields;
        }

        foreach (var (label, value) in BagTagFiles.ParseElements(text, out _) ?? [])
        {
            fields.TryAdd(label, value);
        }

        return fields;
    }

    private static ArchiveCheck Check(ArchiveCheckResult result, string reason) =>
        new(ArchiveCheckIds.PackageDigest, ArchiveProperty.Authenticity, result, reason);
}
