namespace ElectronicLicense.Cli.Import;

/// <summary>What happened to one line of an import, as reported by the registry.</summary>
/// <param name="Line">1-based line number in the file.</param>
/// <param name="Outcome"><c>created</c>, <c>new-version</c>, <c>unchanged</c> or <c>rejected</c>.</param>
/// <param name="Rejection">Why the line was rejected; null otherwise.</param>
internal sealed record ImportedLine(int Line, string Outcome, Rejection? Rejection);

/// <summary>Why a line was rejected: the registry's stable error code, its message and the failing fields.</summary>
/// <remarks>Only the registry's own messages are kept, never the line's content: it carries holder data.</remarks>
internal sealed record Rejection(int Line, string Code, string Detail, IReadOnlyList<RejectedField> Errors);

/// <summary>One failing field of a rejected line.</summary>
internal sealed record RejectedField(string Pointer, string Detail);

/// <summary>The outcome names used on the wire by the registry's batch endpoint.</summary>
internal static class Outcomes
{
    public const string Created = "created";
    public const string NewVersion = "new-version";
    public const string Unchanged = "unchanged";
    public const string Rejected = "rejected";
}

/// <summary>Counts per outcome.</summary>
internal sealed record ImportCounts(int Lines, int Created, int NewVersion, int Unchanged, int Rejected);

/// <summary>Accumulates line results into counts and the list of rejections.</summary>
internal sealed class ImportTally
{
    private readonly List<Rejection> rejections = [];
    private int created;
    private int newVersion;
    private int unchanged;

    /// <summary>The highest line number reported so far.</summary>
    public int LastLine { get; private set; }

    public IReadOnlyList<Rejection> Rejections => rejections;

    public ImportCounts Counts => new(created + newVersion + unchanged + rejections.Count, created, newVersion, unchanged, rejections.Count);

    public void Add(ImportedLine line)
    {
        LastLine = Math.Max(LastLine, line.Line);
        switch (line.Outcome)
        {
            case Outcomes.Created:
                created++;
                break;
            case Outcomes.NewVersion:
                newVersion++;
                break;
            case Outcomes.Unchanged:
                unchanged++;
                break;
            default:
                rejections.Add(line.Rejection ?? new Rejection(line.Line, "unknown", $"outcome '{line.Outcome}'", []));
                break;
        }
    }
}

/// <summary>Sends an NDJSON stream of license bodies to a registry and reports each line's result as it is stored.</summary>
internal interface IImporter : IAsyncDisposable
{
    /// <summary>Where the licenses go, for the summary line.</summary>
    string Target { get; }

    /// <summary>Imports <paramref name="ndjson"/>; yields one result per non-empty line.</summary>
    /// <exception cref="CliException">The registry could not be reached, refused the request or stopped part way.</exception>
    IAsyncEnumerable<ImportedLine> ImportAsync(Stream ndjson, CancellationToken cancellationToken);
}
