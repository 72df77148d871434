using System.Globalization;
using System.Text;

namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>Which manifests and elements a bag must have beyond what RFC 8493 itself requires.</summary>
public sealed class BagValidationOptions
{
    /// <summary>The registry's archive profile: SHA-256 and SM3 payload and tag manifests, and a Payload-Oxum.</summary>
    public static BagValidationOptions ArchiveProfile { get; } = new();

    /// <summary>Plain RFC 8493: at least one payload manifest of any supported algorithm; tag manifests and Payload-Oxum optional.</summary>
    public static BagValidationOptions Rfc8493 { get; } = new() { RequiredManifestAlgorithms = [], RequiredTagManifestAlgorithms = [], RequirePayloadOxum = false };

    /// <summary>Payload manifests that must be present (algorithm names as in <c>manifest-{name}.txt</c>).</summary>
    public IReadOnlyList<string> RequiredManifestAlgorithms { get; init; } = [BagAlgorithms.Sha256, BagAlgorithms.Sm3];

    /// <summary>Tag manifests that must be present.</summary>
    public IReadOnlyList<string> RequiredTagManifestAlgorithms { get; init; } = [BagAlgorithms.Sha256, BagAlgorithms.Sm3];

    /// <summary>Whether <c>bag-info.txt</c> must declare <c>Payload-Oxum</c>; when not required and absent the check is reported not run.</summary>
    public bool RequirePayloadOxum { get; init; } = true;
}

/// <summary>Validates a bag against RFC 8493 (BagIt 1.0), reporting every problem as an <see cref="ArchiveCheck"/> with the agreed ids.</summary>
/// <remarks>
/// Never throws for a bad bag (only for cancellation or a null argument): a problem is a Failed check naming the file.
/// Each check id that found nothing is reported once as Passed, so a report names every check it ran. Payload files are
/// streamed and hashed once for all the algorithms whose manifests list them. Supported algorithms: md5, sha1, sha256,
/// sha384, sha512, sm3; a manifest in any other is reported, never silently passed.
/// </remarks>
public static class BagValidator
{
    private const long MaxTagFileBytes = 256L * 1024 * 1024;

    /// <summary>The ids this validator reports, in report order.</summary>
    public static IReadOnlyList<string> CheckIds { get; } =
    [
        ArchiveCheckIds.BagDeclaration, ArchiveCheckIds.ManifestWellFormed, ArchiveCheckIds.FilesPresent, ArchiveCheckIds.NoUnlistedFiles,
        ArchiveCheckIds.PayloadOxum, ArchiveCheckIds.Fixity, ArchiveCheckIds.TagFixity, ArchiveCheckIds.Paths,
    ];

    /// <summary>Validates <paramref name="source"/> against the registry's archive profile (<see cref="BagValidationOptions.ArchiveProfile"/>).</summary>
    public static Task<IReadOnlyList<ArchiveCheck>> ValidateAsync(IBagSource source, CancellationToken cancellationToken = default)
        => ValidateAsync(source, BagValidationOptions.ArchiveProfile, cancellationToken);

    /// <summary>Validates <paramref name="source"/> with <paramref name="options"/>.</summary>
    public static async Task<IReadOnlyList<ArchiveCheck>> ValidateAsync(IBagSource source, BagValidationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var run = new Run(source, options, cancellationToken);
        await run.ExecuteAsync().ConfigureAwait(false);
        return run.Report();
    }

    internal static ArchiveProperty PropertyOf(string id) => id[..id.IndexOf('.', StringComparison.Ordinal)] switch
    {
        "authenticity" => ArchiveProperty.Authenticity,
        "integrity" => ArchiveProperty.Integrity,
        "usability" => ArchiveProperty.Usability,
        _ => ArchiveProperty.Security,
    };

    private sealed class Manifest(string name, string algorithm, bool isTag)
    {
        public string Name { get; } = name;

        public string Algorithm { get; } = algorithm;

        public bool IsTag { get; } = isTag;

        public Dictionary<string, string> Entries { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Run(IBagSource source, BagValidationOptions options, CancellationToken cancellationToken)
    {
        private readonly List<ArchiveCheck> problems = [];
        private readonly Dictionary<string, string> passed = new(StringComparer.Ordinal);
        private readonly HashSet<string> notRun = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, long> files = new(StringComparer.Ordinal);
        private readonly List<Manifest> manifests = [];

        public async Task ExecuteAsync()
        {
            if (!await ListAsync().ConfigureAwait(false))
            {
                return;
            }

            await CheckDeclarationAsync().ConfigureAwait(false);
            var oxum = await ReadBagInfoAsync().ConfigureAwait(false);
            await ReadManifestsAsync().ConfigureAwait(false);
            CheckPresence();
            CheckOxum(oxum);
            await CheckFixityAsync(tag: false).ConfigureAwait(false);
            await CheckFixityAsync(tag: true).ConfigureAwait(false);
        }

        public IReadOnlyList<ArchiveCheck> Report()
        {
            var report = new List<ArchiveCheck>();
            foreach (var id in CheckIds)
            {
                var found = problems.Where(p => p.Id == id).ToList();
                if (found.Count > 0)
                {
                    report.AddRange(found);
                }
                else if (notRun.Contains(id) || !passed.TryGetValue(id, out _))
                {
                    report.Add(new ArchiveCheck(id, PropertyOf(id), ArchiveCheckResult.NotRun, passed.GetValueOrDefault(id) ?? "not checked: the bag could not be listed"));
                }
                else
                {
                    report.Add(new ArchiveCheck(id, PropertyOf(id), ArchiveCheckResult.Passed, passed[id]));
                }
            }

            return report;
        }

        private void Fail(string id, string reason, string? path = null) => problems.Add(new ArchiveCheck(id, PropertyOf(id), ArchiveCheckResult.Failed, reason, path));

        private void Pass(string id, string reason) => passed[id] = reason;

        private void Skip(string id, string reason)
        {
            passed[id] = reason;
            notRun.Add(id);
        }

        private async Task<bool> ListAsync()
        {
            var links = 0;
            try
            {
                await foreach (var file in source.ListFilesAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (file.Kind != BagFileKind.File)
                    {
                        links++;
                        Fail(ArchiveCheckIds.Paths, file.Kind == BagFileKind.Link ? "is a link; a bag holds only regular files" : "is not a regular file", file.RelativePath);
                    }
                    else if (BagPaths.Unsafe(file.RelativePath) is { } problem)
                    {
                        Fail(ArchiveCheckIds.Paths, $"file name is not portable: {problem}", file.RelativePath);
                    }
                    else
                    {
                        files[file.RelativePath] = file.Length;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(ArchiveCheckIds.BagDeclaration, $"the bag at {source.Location} could not be listed: {e.Message}");
                return false;
            }

            Pass(ArchiveCheckIds.Paths, $"{files.Count} files, every manifest path stays inside the bag and no entry is a link");
            return true;
        }

        // RFC 8493 §2.1.1: bagit.txt is exactly "BagIt-Version: M.N" and "Tag-File-Character-Encoding: ENCODING", no BOM.
        private async Task CheckDeclarationAsync()
        {
            var bytes = await ReadTagAsync(BagTagFiles.Declaration).ConfigureAwait(false);
            if (bytes is null)
            {
                Fail(ArchiveCheckIds.BagDeclaration, "bagit.txt is missing", BagTagFiles.Declaration);
                return;
            }

            if (bytes.AsSpan().StartsWith("\uFEFF"u8))
            {
                Fail(ArchiveCheckIds.BagDeclaration, "bagit.txt starts with a byte-order mark, which RFC 8493 §2.1.1 forbids", BagTagFiles.Declaration);
                return;
            }

            var elements = Decode(bytes, out var text) ? BagTagFiles.ParseElements(text, out var error) : null;
            if (elements is null)
            {
                Fail(ArchiveCheckIds.BagDeclaration, "bagit.txt is not two 'label: value' lines in UTF-8", BagTagFiles.Declaration);
                return;
            }

            if (elements.Count != 2 || elements[0].Key != "BagIt-Version" || elements[1].Key != "Tag-File-Character-Encoding")
            {
                Fail(ArchiveCheckIds.BagDeclaration, "bagit.txt must hold exactly BagIt-Version then Tag-File-Character-Encoding", BagTagFiles.Declaration);
            }
            else if (elements[0].Value != "1.0")
            {
                Fail(ArchiveCheckIds.BagDeclaration, $"bagit.txt declares BagIt-Version {elements[0].Value}, expected 1.0", BagTagFiles.Declaration);
            }
            else if (!string.Equals(elements[1].Value, "UTF-8", StringComparison.OrdinalIgnoreCase))
            {
                Fail(ArchiveCheckIds.BagDeclaration, $"bagit.txt declares Tag-File-Character-Encoding {elements[1].Value}, expected UTF-8", BagTagFiles.Declaration);
            }
            else
            {
                Pass(ArchiveCheckIds.BagDeclaration, "bagit.txt declares BagIt 1.0 in UTF-8");
            }
        }

        private async Task<string?> ReadBagInfoAsync()
        {
            var bytes = await ReadTagAsync(BagTagFiles.BagInfo).ConfigureAwait(false);
            if (bytes is null)
            {
                return null;
            }

            if (!Decode(bytes, out var text))
            {
                Fail(ArchiveCheckIds.BagDeclaration, "bag-info.txt is not valid UTF-8", BagTagFiles.BagInfo);
                return null;
            }

            var elements = BagTagFiles.ParseElements(text, out var error);
            if (elements is null)
            {
                Fail(ArchiveCheckIds.BagDeclaration, $"bag-info.txt is malformed: {error}", BagTagFiles.BagInfo);
                return null;
            }

            var oxums = elements.Where(e => e.Key == BagTagFiles.PayloadOxumLabel).ToList();
            if (oxums.Count > 1)
            {
                Fail(ArchiveCheckIds.BagDeclaration, "bag-info.txt declares Payload-Oxum more than once", BagTagFiles.BagInfo);
                return null;
            }

            return oxums.Count == 1 ? oxums[0].Value : null;
        }

        private async Task ReadManifestsAsync()
        {
            foreach (var name in files.Keys.Where(p => !p.Contains('/', StringComparison.Ordinal)).ToList())
            {
                var isTag = name.StartsWith("tagmanifest-", StringComparison.Ordinal);
                if (!(isTag || name.StartsWith("manifest-", StringComparison.Ordinal)) || !name.EndsWith(".txt", StringComparison.Ordinal))
                {
                    continue;
                }

                var algorithm = name[(isTag ? "tagmanifest-".Length : "manifest-".Length)..^".txt".Length];
                if (!BagAlgorithms.IsSupported(algorithm))
                {
                    Fail(ArchiveCheckIds.ManifestWellFormed, $"{name} uses an algorithm this validator cannot compute ({algorithm}); its digests were not checked", name);
                    continue;
                }

                var manifest = new Manifest(name, algorithm, isTag);
                manifests.Add(manifest);
                await ParseManifestAsync(manifest).ConfigureAwait(false);
            }

            foreach (var algorithm in options.RequiredManifestAlgorithms)
            {
                if (!manifests.Any(m => !m.IsTag && m.Algorithm == algorithm))
                {
                    Fail(ArchiveCheckIds.ManifestWellFormed, $"{BagTagFiles.ManifestName(algorithm)} is missing", BagTagFiles.ManifestName(algorithm));
                }
            }

            foreach (var algorithm in options.RequiredTagManifestAlgorithms)
            {
                if (!manifests.Any(m => m.IsTag && m.Algorithm == algorithm))
                {
                    Fail(ArchiveCheckIds.ManifestWellFormed, $"{BagTagFiles.TagManifestName(algorithm)} is missing", BagTagFiles.TagManifestName(algorithm));
                }
            }

            // RFC 8493 §3: a complete bag has at least one payload manifest.
            if (!manifests.Any(m => !m.IsTag))
            {
                Fail(ArchiveCheckIds.ManifestWellFormed, "the bag has no payload manifest");
            }

            Pass(ArchiveCheckIds.ManifestWellFormed, $"{string.Join(", ", manifests.Select(m => m.Name))}: one well-formed line per file, no duplicates");
        }

        // RFC 8493 §2.1.3: each line is "checksum filepath", separated by one or more linear whitespace characters;
        // §2.1.3 also: each file listed once, and no filepath reaching outside the base directory.
        private async Task ParseManifestAsync(Manifest manifest)
        {
            var bytes = await ReadTagAsync(manifest.Name).ConfigureAwait(false);
            if (bytes is null || !Decode(bytes, out var text))
            {
                Fail(ArchiveCheckIds.ManifestWellFormed, $"{manifest.Name} could not be read as UTF-8", manifest.Name);
                return;
            }

            var expectedLength = BagAlgorithms.HexLength(manifest.Algorithm);
            var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
            var lines = BagTagFiles.Lines(text);
            for (var n = 0; n < lines.Count; n++)
            {
                var line = lines[n];
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var separator = line.AsSpan().IndexOfAny(' ', '\t');
                var start = separator;
                while (start >= 0 && start < line.Length && line[start] is ' ' or '\t')
                {
                    start++;
                }

                if (separator <= 0 || start >= line.Length)
                {
                    Fail(ArchiveCheckIds.ManifestWellFormed, $"{manifest.Name} line {n + 1} is not 'checksum filepath'", manifest.Name);
                    continue;
                }

                var digest = line[..separator];
                if (digest.Length != expectedLength || !digest.All(char.IsAsciiHexDigit))
                {
                    Fail(ArchiveCheckIds.ManifestWellFormed, $"{manifest.Name} line {n + 1}: the checksum is not {expectedLength} hex digits", manifest.Name);
                    continue;
                }

                var path = BagPaths.Decode(line[start..]);
                if (BagPaths.Unsafe(path) is { } problem)
                {
                    Fail(ArchiveCheckIds.Paths, $"{manifest.Name} line {n + 1} is refused and its file not opened: {problem}", path);
                    continue;
                }

                if (!manifest.IsTag && !BagPaths.IsPayload(path))
                {
                    Fail(ArchiveCheckIds.Paths, $"{manifest.Name} line {n + 1} lists a path outside data/", path);
                    continue;
                }

                if (manifest.IsTag && (BagPaths.IsPayload(path) || path.StartsWith("tagmanifest-", StringComparison.Ordinal)))
                {
                    Fail(ArchiveCheckIds.ManifestWellFormed, $"{manifest.Name} line {n + 1} lists a payload file or a tag manifest, which a tag manifest must not", path);
                    continue;
                }

                if (firstLine.TryGetValue(path, out var earlier))
                {
                    Fail(ArchiveCheckIds.ManifestWellFormed, $"{manifest.Name} lists the path twice (lines {earlier} and {n + 1})", path);
                    continue;
                }

                firstLine[path] = n + 1;
                manifest.Entries[path] = digest.ToLowerInvariant();
            }
        }

        private void CheckPresence()
        {
            var listed = manifests.SelectMany(m => m.Entries.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            var checkedFiles = 0;
            foreach (var path in listed)
            {
                checkedFiles++;
                if (!files.ContainsKey(path))
                {
                    var by = manifests.Where(m => m.Entries.ContainsKey(path)).Select(m => m.Name);
                    Fail(ArchiveCheckIds.FilesPresent, $"listed in {string.Join(", ", by)} but not in the bag", path);
                }
            }

            Pass(ArchiveCheckIds.FilesPresent, $"all {checkedFiles} files the manifests list are present");

            var payloadManifests = manifests.Where(m => !m.IsTag).ToList();
            var payloadFiles = 0;
            foreach (var path in files.Keys.Where(BagPaths.IsPayload))
            {
                payloadFiles++;
                var missing = payloadManifests.Where(m => !m.Entries.ContainsKey(path)).Select(m => m.Name).ToList();
                if (payloadManifests.Count == 0)
                {
                    Fail(ArchiveCheckIds.NoUnlistedFiles, "payload file not listed in any payload manifest", path);
                }
                else if (missing.Count > 0)
                {
                    Fail(ArchiveCheckIds.NoUnlistedFiles, $"payload file not listed in {string.Join(", ", missing)}", path);
                }
            }

            Pass(ArchiveCheckIds.NoUnlistedFiles, $"each of the {payloadFiles} payload files is listed in every payload manifest");
        }

        // RFC 8493 §2.2.2: Payload-Oxum is "OctetCount.StreamCount" of the payload.
        private void CheckOxum(string? declared)
        {
            var count = files.Count(f => BagPaths.IsPayload(f.Key));
            var bytes = files.Where(f => BagPaths.IsPayload(f.Key)).Sum(f => f.Value);
            var actual = BagTagFiles.FormatOxum(bytes, count);
            if (declared is null)
            {
                if (options.RequirePayloadOxum)
                {
                    Fail(ArchiveCheckIds.PayloadOxum, "bag-info.txt declares no Payload-Oxum", BagTagFiles.BagInfo);
                }
                else
                {
                    Skip(ArchiveCheckIds.PayloadOxum, $"not checked: bag-info.txt declares no Payload-Oxum (the payload is {actual})");
                }

                return;
            }

            if (!BagTagFiles.TryParseOxum(declared, out var declaredBytes, out var declaredCount))
            {
                Fail(ArchiveCheckIds.PayloadOxum, $"Payload-Oxum '{declared}' is not 'bytes.count'", BagTagFiles.BagInfo);
            }
            else if (declaredBytes != bytes || declaredCount != count)
            {
                Fail(ArchiveCheckIds.PayloadOxum, string.Create(CultureInfo.InvariantCulture, $"Payload-Oxum declares {declaredCount} files, {declaredBytes} bytes; the payload has {count} files, {bytes} bytes"), BagTagFiles.BagInfo);
            }
            else
            {
                Pass(ArchiveCheckIds.PayloadOxum, $"Payload-Oxum {declared} equals the payload's {count} files and {bytes} bytes");
            }
        }

        private async Task CheckFixityAsync(bool tag)
        {
            var id = tag ? ArchiveCheckIds.TagFixity : ArchiveCheckIds.Fixity;
            var relevant = manifests.Where(m => m.IsTag == tag).ToList();
            if (relevant.Count == 0)
            {
                Skip(id, tag ? "not checked: the bag has no tag manifest" : "not checked: the bag has no payload manifest");
                return;
            }

            var verified = 0;
            var paths = relevant.SelectMany(m => m.Entries.Keys).Distinct(StringComparer.Ordinal).Where(files.ContainsKey).Order(StringComparer.Ordinal);
            foreach (var path in paths)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var listing = relevant.Where(m => m.Entries.ContainsKey(path)).ToList();
                Dictionary<string, string> actual;
                try
                {
                    var stream = await source.OpenAsync(path, cancellationToken).ConfigureAwait(false);
                    if (stream is null)
                    {
                        Fail(ArchiveCheckIds.FilesPresent, "listed and found, but could not be opened", path);
                        continue;
                    }

                    using var hasher = new MultiHasher(listing.Select(m => m.Algorithm));
                    await using (stream.ConfigureAwait(false))
                    {
                        await hasher.HashAsync(stream, cancellationToken).ConfigureAwait(false);
                    }

                    actual = hasher.Finish();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Fail(id, $"could not be read to check its digest: {e.Message}", path);
                    continue;
                }

                foreach (var manifest in listing)
                {
                    if (actual[manifest.Algorithm] != manifest.Entries[path])
                    {
                        Fail(id, $"{BagAlgorithms.DisplayName(manifest.Algorithm)} differs from {manifest.Name}", path);
                    }
                }

                verified++;
            }

            Pass(id, $"{verified} {(tag ? "tag" : "payload")} files match {string.Join(" and ", relevant.Select(m => m.Name))}");
        }

        private async Task<byte[]?> ReadTagAsync(string name)
        {
            if (!files.TryGetValue(name, out var length) || length > MaxTagFileBytes)
            {
                return null;
            }

            try
            {
                var stream = await source.OpenAsync(name, cancellationToken).ConfigureAwait(false);
                if (stream is null)
                {
                    return null;
                }

                await using (stream.ConfigureAwait(false))
                {
                    using var buffer = new MemoryStream();
                    await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                    return buffer.ToArray();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static bool Decode(byte[] bytes, out string text)
        {
            try
            {
                text = BagTagFiles.Utf8.GetString(bytes);
                return true;
            }
            catch (DecoderFallbackException)
            {
                text = "";
                return false;
            }
        }
    }
}
