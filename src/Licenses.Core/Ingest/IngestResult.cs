using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>What happened to one pushed license.</summary>
public enum IngestOutcome
{
    /// <summary>A new license was stored as version 1.</summary>
    Created,

    /// <summary>An explicit 变更 stored a new version; the previous one is superseded and kept.</summary>
    NewVersion,

    /// <summary>The same content was already stored: nothing changed (idempotent re-push).</summary>
    Unchanged,

    /// <summary>Nothing was stored; <see cref="IngestResult.Error"/> says why.</summary>
    Rejected,
}

/// <summary>The result of pushing one license.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="LicenseId">The 证照标识 of the stored (current) version; null when rejected.</param>
/// <param name="ContentSha256">SHA-256 of the stored version's canonical content.</param>
/// <param name="StoredAtUtc">When that version was stored.</param>
/// <param name="Error">Why the license was rejected.</param>
public sealed record IngestResult(
    IngestOutcome Outcome,
    LicenseId? LicenseId,
    string? ContentSha256,
    DateTime? StoredAtUtc,
    RegistryException? Error)
{
    /// <summary>The stored version number.</summary>
    public int? Version => LicenseId?.Version;

    /// <summary>Where the version's documents stand: verifiable by id from the commit on, by file once they are attached.</summary>
    public DocumentsState Documents { get; init; }

    internal static IngestResult Rejected(RegistryException error) => new(IngestOutcome.Rejected, null, null, null, error);
}

/// <summary>Where a stored version's documents (its sealed OFD and PDF, or the file pushed with it) stand.</summary>
public enum DocumentsState
{
    /// <summary>The version has no documents and none are coming (a data-only registry), or it was rejected.</summary>
    None,

    /// <summary>The documents are stored and attached: the version can be verified by file.</summary>
    Attached,

    /// <summary>The registry renders and seals them in the background; until then the version is verifiable by id only.</summary>
    Pending,
}

/// <summary>The result for one line of a batch.</summary>
/// <param name="Line">1-based line number in the NDJSON stream.</param>
/// <param name="Result">What happened to it.</param>
public sealed record BatchLineResult(int Line, IngestResult Result);
