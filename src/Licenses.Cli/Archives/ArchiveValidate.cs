using System.Runtime.CompilerServices;
using ElectronicLicense.Cli.Certificates;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Licenses.Storage;

namespace ElectronicLicense.Cli.Archives;

/// <summary><c>elic archive validate</c>: 四性检测 of one bag or of every bag directly inside a folder or prefix.</summary>
/// <remarks>Exit 0 when every bag is valid, 1 when any is invalid, 2 for a usage error: the usual BagIt-validator contract.</remarks>
internal static class ArchiveValidate
{
    private const string Declaration = "bagit.txt";

    /// <summary>Where to compare package digests: the registry that archived the packages (optional).</summary>
    public sealed record Registry(string DataDirectory, string? Postgres, string? ConfigFile);

    public static async Task<int> RunAsync(
        CliContext context, string path, string? s3Endpoint, string? trustFolder, Registry? registry, bool json, CancellationToken cancellationToken)
    {
        var anchors = trustFolder is null ? null : CertificateFiles.LoadFolder(trustFolder);
        IBlobStore? store = null;
        ArchiveRegistry? archived = null;
        try
        {
            // With the registry, authenticity.package-digest compares each package with the digest registered at archiving;
            // without it that check is reported NOT RUN.
            Func<IBagSource, CancellationToken, Task<ArchiveReport>> inspect = (bag, token) => ArchiveService.InspectOfflineAsync(bag, anchors, context.Clock, token);
            if (registry is not null)
            {
                archived = await ArchiveRegistry.OpenToCompareAsync(registry.DataDirectory, registry.Postgres, registry.ConfigFile, cancellationToken);
                var archives = archived.Archives;
                inspect = (bag, token) => archives.InspectAsync(bag, anchors, compareWithRegistry: true, token);
            }

            IAsyncEnumerable<IBagSource> bags;
            bool single;
            if (ArchiveLocation.IsS3(path))
            {
                store = ArchiveLocation.OpenS3(context, path, s3Endpoint);
                (single, bags) = await FindBagsAsync(store, cancellationToken);
            }
            else
            {
                if (s3Endpoint is not null)
                {
                    throw new CliException("--s3-endpoint goes with an s3://bucket/prefix location.");
                }

                (single, bags) = FindBags(path);
            }

            return await ValidateAsync(context, bags, single, inspect, json, cancellationToken);
        }
        finally
        {
            (store as IDisposable)?.Dispose();
            if (archived is not null)
            {
                await archived.DisposeAsync();
            }
        }
    }

    private static async Task<int> ValidateAsync(
        CliContext context, IAsyncEnumerable<IBagSource> bags, bool single, Func<IBagSource, CancellationToken, Task<ArchiveReport>> inspect, bool json, CancellationToken cancellationToken)
    {
        int valid = 0, invalid = 0;
        void Write(ArchiveReport report)
        {
            var first = valid + invalid == 0;
            if (report.Valid)
            {
                valid++;
            }
            else
            {
                invalid++;
            }

            if (json)
            {
                context.Output.WriteLine((first ? single ? "" : "[" : ",") + report.ToJson());
            }
            else
            {
                if (!first)
                {
                    context.Output.WriteLine();
                }

                context.Output.Write(report.ToText());
            }
        }

        // One bag per core at a time, reported in order: at most that many reports are held, so memory stays flat.
        var window = new Queue<Task<ArchiveReport>>();
        var parallel = Math.Max(1, Environment.ProcessorCount);
        await foreach (var bag in bags.WithCancellation(cancellationToken))
        {
            window.Enqueue(Task.Run(() => inspect(bag, cancellationToken), cancellationToken));
            if (window.Count >= parallel)
            {
                Write(await window.Dequeue());
            }
        }

        while (window.Count > 0)
        {
            Write(await window.Dequeue());
        }

        if (valid + invalid == 0)
        {
            throw new CliException("no bag found: the location holds no bagit.txt, and no folder directly inside it does.");
        }

        if (json && !single)
        {
            context.Output.WriteLine("]");
        }
        else if (!json && !single)
        {
            context.Output.WriteLine();
            context.Output.WriteLine($"{valid + invalid} bags: {valid} valid, {invalid} invalid");
        }

        return invalid == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>The folder itself when it holds <c>bagit.txt</c>; otherwise each folder directly inside it that does, in name order.</summary>
    private static (bool Single, IAsyncEnumerable<IBagSource> Bags) FindBags(string path)
    {
        var folder = Path.GetFullPath(path);
        if (!Directory.Exists(folder))
        {
            throw new CliException($"no such folder: {path}");
        }

        if (File.Exists(Path.Combine(folder, Declaration)))
        {
            return (true, One(new DirectoryBagSource(folder)));
        }

        var children = Directory.EnumerateDirectories(folder)
            .Where(d => File.Exists(Path.Combine(d, Declaration)))
            .Order(StringComparer.Ordinal)
            .Select(d => (IBagSource)new DirectoryBagSource(d));
        return (false, children.ToAsyncEnumerable());
    }

    /// <summary>The prefix itself when it holds <c>bagit.txt</c>; otherwise each prefix directly under it that does, in key order.</summary>
    private static async Task<(bool Single, IAsyncEnumerable<IBagSource> Bags)> FindBagsAsync(IBlobStore store, CancellationToken cancellationToken)
    {
        await using (var declaration = await store.OpenReadAsync(Declaration, cancellationToken))
        {
            if (declaration is not null)
            {
                return (true, One(new BlobBagSource(store, "")));
            }
        }

        return (false, ChildBagsAsync(store, cancellationToken));
    }

    private static async IAsyncEnumerable<IBagSource> ChildBagsAsync(IBlobStore store, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string marker = "/" + Declaration;
        await foreach (var blob in store.ListAsync("", cancellationToken))
        {
            if (blob.Key.EndsWith(marker, StringComparison.Ordinal) && blob.Key.IndexOf('/', StringComparison.Ordinal) == blob.Key.Length - marker.Length)
            {
                yield return new BlobBagSource(store, blob.Key[..^marker.Length]);
            }
        }
    }

    private static async IAsyncEnumerable<IBagSource> One(IBagSource bag)
    {
        yield return bag;
        await Task.CompletedTask;
    }
}
