using System.Globalization;

namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>One payload file as written: its path and the digests computed while it was copied.</summary>
/// <param name="RelativePath">Bag-relative path, starting with <c>data/</c>.</param>
/// <param name="Length">Length in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256.</param>
/// <param name="Sm3">Lower-case hex SM3.</param>
public sealed record BagPayloadFile(string RelativePath, long Length, string Sha256, string Sm3);

/// <summary>What <see cref="BagWriter.CompleteAsync"/> wrote.</summary>
/// <param name="Location">The target's location.</param>
/// <param name="PayloadCount">Number of payload files.</param>
/// <param name="PayloadBytes">Total payload bytes.</param>
/// <param name="PackageDigest">Lower-case hex SHA-256 of <c>tagmanifest-sha256.txt</c>: the digest registered for the package.</param>
/// <param name="Files">The payload files in ordinal path order.</param>
public sealed record BagWriteResult(string Location, int PayloadCount, long PayloadBytes, string PackageDigest, IReadOnlyList<BagPayloadFile> Files)
{
    /// <summary>The <c>Payload-Oxum</c> written to <c>bag-info.txt</c>: <c>bytes.count</c>.</summary>
    public string PayloadOxum => BagTagFiles.FormatOxum(PayloadBytes, PayloadCount);
}

/// <summary>Builds a BagIt 1.0 bag (RFC 8493) on an <see cref="IBagTarget"/>, streaming: payload files are copied once and hashed with SHA-256 and SM3 as they go.</summary>
/// <remarks>
/// Add every payload file with <see cref="AddPayloadAsync"/>, then call <see cref="CompleteAsync"/> once: it writes
/// <c>bagit.txt</c>, <c>bag-info.txt</c>, <c>manifest-sha256.txt</c>, <c>manifest-sm3.txt</c>, <c>tagmanifest-sm3.txt</c> and, last,
/// <c>tagmanifest-sha256.txt</c>, so a bag without it was never completed. Output is byte-for-byte the same for the same files,
/// labels and bagging date (manifest lines are sorted ordinally by path). Not thread-safe: add files one at a time.
/// </remarks>
public sealed class BagWriter
{
    private static readonly string[] Algorithms = [BagAlgorithms.Sha256, BagAlgorithms.Sm3];
    private static readonly string[] ComputedLabels = [BagTagFiles.BaggingDateLabel, BagTagFiles.BagSizeLabel, BagTagFiles.PayloadOxumLabel];

    private readonly IBagTarget target;
    private readonly Dictionary<string, BagPayloadFile> payload = new(StringComparer.Ordinal);
    private bool completed;

    /// <summary>Starts a bag on <paramref name="target"/>.</summary>
    public BagWriter(IBagTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        this.target = target;
    }

    /// <summary>The target's location.</summary>
    public string Location => target.Location;

    /// <summary>Copies <paramref name="content"/> (from its position to its end) to <paramref name="relativePath"/>, hashing it on the way.</summary>
    /// <param name="relativePath">Slash-separated, under <c>data/</c>, no <c>.</c>, <c>..</c> or empty segments, no backslash, not added before.</param>
    /// <param name="content">The bytes; read once, never seeked.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <exception cref="ArgumentException">The path is not a payload path or was already added.</exception>
    public async Task<BagPayloadFile> AddPayloadAsync(string relativePath, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(content);
        if (completed)
        {
            throw new InvalidOperationException("The bag is already complete; start a new BagWriter.");
        }

        if (BagPaths.Unsafe(relativePath) is { } problem)
        {
            throw new ArgumentException($"Payload path is not allowed: {problem}.", nameof(relativePath));
        }

        if (!BagPaths.IsPayload(relativePath) || relativePath.Length == BagPaths.PayloadDirectory.Length)
        {
            throw new ArgumentException("Payload paths start with 'data/' and name a file under it.", nameof(relativePath));
        }

        if (payload.ContainsKey(relativePath))
        {
            throw new ArgumentException("That payload path was already added.", nameof(relativePath));
        }

        var (length, digests) = await WriteHashedAsync(relativePath, content, cancellationToken).ConfigureAwait(false);
        var file = new BagPayloadFile(relativePath, length, digests[BagAlgorithms.Sha256], digests[BagAlgorithms.Sm3]);
        payload.Add(relativePath, file);
        return file;
    }

    /// <summary>Writes the tag files and returns what the bag holds.</summary>
    /// <param name="bagInfo">The <c>bag-info.txt</c> elements in the order to write them (e.g. Source-Organization, External-Identifier); labels repeat as RFC 8493 allows.</param>
    /// <param name="baggingDate">The <c>Bagging-Date</c>.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <exception cref="ArgumentException">A label is empty, has a colon, line break or surrounding whitespace, a value has a line break, or a computed label (Bagging-Date, Bag-Size, Payload-Oxum) is supplied.</exception>
    public async Task<BagWriteResult> CompleteAsync(IEnumerable<KeyValuePair<string, string>> bagInfo, DateOnly baggingDate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bagInfo);
        if (completed)
        {
            throw new InvalidOperationException("The bag is already complete.");
        }

        var elements = bagInfo.ToList();
        foreach (var (label, value) in elements)
        {
            CheckElement(label, value);
        }

        var files = payload.Values.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
        var bytes = files.Sum(f => f.Length);
        elements.Add(new(BagTagFiles.BaggingDateLabel, baggingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        elements.Add(new(BagTagFiles.BagSizeLabel, BagTagFiles.FormatSize(bytes)));
        elements.Add(new(BagTagFiles.PayloadOxumLabel, BagTagFiles.FormatOxum(bytes, files.Count)));

        var tagDigests = new List<(string Path, Dictionary<string, string> Digests)>
        {
            (BagTagFiles.Declaration, await WriteTagAsync(BagTagFiles.Declaration, BagTagFiles.FormatDeclaration(), cancellationToken).ConfigureAwait(false)),
            (BagTagFiles.BagInfo, await WriteTagAsync(BagTagFiles.BagInfo, BagTagFiles.FormatBagInfo(elements), cancellationToken).ConfigureAwait(false)),
        };
        foreach (var algorithm in Algorithms)
        {
            var manifest = BagTagFiles.FormatManifest(files.Select(f => (f.RelativePath, algorithm == BagAlgorithms.Sha256 ? f.Sha256 : f.Sm3)));
            var name = BagTagFiles.ManifestName(algorithm);
            tagDigests.Add((name, await WriteTagAsync(name, manifest, cancellationToken).ConfigureAwait(false)));
        }

        // tagmanifest-sha256.txt last: its presence marks a completed bag, and its SHA-256 is the package digest.
        string packageDigest = "";
        foreach (var algorithm in Algorithms.Reverse())
        {
            var manifest = BagTagFiles.FormatManifest(tagDigests.Select(t => (t.Path, t.Digests[algorithm])));
            var written = await WriteTagAsync(BagTagFiles.TagManifestName(algorithm), manifest, cancellationToken).ConfigureAwait(false);
            if (algorithm == BagAlgorithms.Sha256)
            {
                packageDigest = written[BagAlgorithms.Sha256];
            }
        }

        completed = true;
        return new BagWriteResult(target.Location, files.Count, bytes, packageDigest, files);
    }

    private static void CheckElement(string label, string value)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(value);
        if (label.Length == 0 || label.AsSpan().IndexOfAny(":\r\n") >= 0 || label.Trim().Length != label.Length)
        {
            throw new ArgumentException($"bag-info.txt label '{label}' must be non-empty, without colon, line break or surrounding whitespace.", nameof(label));
        }

        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"bag-info.txt value of '{label}' must not contain a line break.", nameof(value));
        }

        if (ComputedLabels.Contains(label, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"bag-info.txt label '{label}' is computed by the writer.", nameof(label));
        }
    }

    private async Task<Dictionary<string, string>> WriteTagAsync(string name, string text, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(BagTagFiles.Utf8.GetBytes(text), writable: false);
        return (await WriteHashedAsync(name, content, cancellationToken).ConfigureAwait(false)).Digests;
    }

    private async Task<(long Length, Dictionary<string, string> Digests)> WriteHashedAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        using var hasher = new MultiHasher(Algorithms);
        var hashing = new HashingReadStream(content, hasher);
        await target.WriteAsync(path, hashing, cancellationToken).ConfigureAwait(false);
        if (!hashing.ReachedEnd && await hashing.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0)
        {
            throw new InvalidOperationException($"The bag target at {target.Location} stopped reading '{path}' before its end.");
        }

        return (hasher.BytesHashed, hasher.Finish());
    }
}
