using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Lifecycle;

/// <summary>The 持证主体 of a license: its code, its name and the code's type.</summary>
/// <param name="Code">持证主体代码 (公民身份号码 or 统一社会信用代码), upper-case; a license keeps it for life.</param>
/// <param name="Name">持证主体名称; a 变更 may correct it.</param>
/// <param name="CodeType">持证主体代码类型.</param>
internal sealed record LicenseHolder(string Code, string Name, string CodeType);

/// <summary>What one push says about a license, already parsed and checked field by field.</summary>
internal sealed record LicenseContent
{
    /// <summary>SHA-256 of the canonical content (without its 变更 block): equal digests mean the same content.</summary>
    public required string ContentSha256 { get; init; }

    public required LicenseHolder Holder { get; init; }

    public required DateOnly IssueDate { get; init; }

    public required DateOnly ValidFrom { get; init; }

    /// <summary>有效期截止日期, null when 长期.</summary>
    public DateOnly? ValidUntil { get; init; }

    /// <summary>The 变更 reason; null for a plain push, which may only create a license or repeat its current content.</summary>
    public string? ChangeReason { get; init; }
}

/// <summary>One version of a license, as far as the lifecycle rules need it.</summary>
/// <remarks>The version's data, documents and source file stay with the service that stores them; the rules never read them.</remarks>
internal sealed class LicenseVersion
{
    public LicenseVersion(
        LicenseId id, string contentSha256, DateOnly issueDate, DateOnly validFrom, DateOnly? validUntil, string? changeReason, DateTime storedAtUtc, DateTime? supersededAtUtc)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(contentSha256);
        Id = id;
        ContentSha256 = contentSha256;
        IssueDate = issueDate;
        ValidFrom = validFrom;
        ValidUntil = validUntil;
        ChangeReason = changeReason;
        StoredAtUtc = storedAtUtc;
        SupersededAtUtc = supersededAtUtc;
    }

    /// <summary>The version number, 1 for the first; the same as the version part of <see cref="Id"/>.</summary>
    public int Number => Id.Version;

    /// <summary>This version's 证照标识.</summary>
    public LicenseId Id { get; }

    public string ContentSha256 { get; }

    public DateOnly IssueDate { get; }

    public DateOnly ValidFrom { get; }

    public DateOnly? ValidUntil { get; }

    public string? ChangeReason { get; }

    public DateTime StoredAtUtc { get; }

    /// <summary>When a later version replaced this one; null for the current version.</summary>
    public DateTime? SupersededAtUtc { get; private set; }

    internal static LicenseVersion From(LicenseId id, LicenseContent content, DateTime storedAtUtc) =>
        new(id, content.ContentSha256, content.IssueDate, content.ValidFrom, content.ValidUntil, content.ChangeReason, storedAtUtc, null);

    internal void Supersede(DateTime atUtc) => SupersededAtUtc = atUtc;
}
