using ElectronicLicense.Licenses.Lifecycle;
using System.Text.Json;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Registry;

namespace ElectronicLicense.Api.Licenses;

/// <summary>Response of a single push.</summary>
// Documents: "attached" (verifiable by file now), "pending" (being sealed; verifiable by id meanwhile) or "none".
internal sealed record IngestResponse(string Outcome, string LicenseId, int Version, string ContentSha256, DateTime StoredAt, string Documents)
{
    public static IngestResponse From(IngestResult result) => new(
        Names.Of(result.Outcome), result.LicenseId!.Value, result.Version!.Value, result.ContentSha256!, result.StoredAtUtc!.Value, Names.Of(result.Documents));
}

/// <summary>Body of revoke / suspend / resume.</summary>
internal sealed class StatusChangeRequest
{
    /// <summary>One of the reason codes the action allows.</summary>
    public string? ReasonCode { get; set; }

    /// <summary>Free text, at most 500 characters.</summary>
    public string? Note { get; set; }
}

/// <summary>Body of a search by holder.</summary>
internal sealed class LicenseSearchRequest
{
    /// <summary>持证主体代码.</summary>
    public string? HolderCode { get; set; }

    /// <summary>Optional 证照类型代码.</summary>
    public string? TypeCode { get; set; }
}

internal sealed record LicenseResponse(
    string LicenseId,
    string RequestedId,
    int CurrentVersion,
    int RequestedVersion,
    string TypeCode,
    string TypeName,
    string Number,
    string IssuerCode,
    string Status,
    string StatusName,
    IReadOnlyList<VersionResponse> Versions,
    IReadOnlyList<StatusChangeResponse> StatusHistory)
{
    public static LicenseResponse From(LicenseView view) => new(
        view.CurrentId.Value,
        view.RequestedId.Value,
        view.CurrentId.Version,
        view.RequestedId.Version,
        view.TypeCode.Value,
        view.TypeName,
        view.Number,
        view.IssuerCode,
        Names.Of(view.Status),
        Names.ChineseOf(view.Status),
        view.Versions.Select(v => new VersionResponse(
            v.Version, v.LicenseId.Value, v.ContentSha256, v.StoredAtUtc, v.SupersededAtUtc, v.ChangeReason,
            v.SourceDocument is { } d ? new SourceDocumentResponse(d.Format, d.Sha256, d.Length) : null, v.Data,
            v.Documents.Select(doc => new DocumentResponse(doc.Format, doc.Origin, doc.Sha256, doc.Sm3, doc.Length, doc.Signers,
                $"/api/v1/licenses/{Uri.EscapeDataString(v.LicenseId.Value)}/document?format={doc.Format}")).ToArray())).ToArray(),
        view.StatusHistory.Select(s => new StatusChangeResponse(
            s.From is { } from ? Names.Of(from) : null, Names.Of(s.To), s.ReasonCode, s.ReasonName, s.Note, s.ByDepartment, s.AtUtc)).ToArray());
}

internal sealed record VersionResponse(
    int Version, string LicenseId, string ContentSha256, DateTime StoredAt, DateTime? SupersededAt, string? ChangeReason,
    SourceDocumentResponse? SourceDocument, JsonElement Data, DocumentResponse[] Documents);

/// <summary>A document of a version: the sealed OFD or PDF the registry issued, or a pushed historical file; <c>Href</c> downloads it.</summary>
internal sealed record DocumentResponse(string Format, string Origin, string Sha256, string Sm3, long Length, IReadOnlyList<string> Signers, string Href);

internal sealed record SourceDocumentResponse(string Format, string Sha256, long Length);

internal sealed record StatusChangeResponse(string? From, string To, string ReasonCode, string ReasonName, string? Note, string ByDepartment, DateTime At);

internal sealed record LicenseSummaryResponse(string LicenseId, string TypeName, string Number, string HolderName, string Status, string? ValidUntil);

/// <summary>Wire names of enums: kebab-case English, plus the Chinese status names shown to people.</summary>
internal static class Names
{
    public static string Of(IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.Created => "created",
        IngestOutcome.NewVersion => "new-version",
        IngestOutcome.Unchanged => "unchanged",
        _ => "rejected",
    };

    public static string Of(DocumentsState documents) => documents switch
    {
        DocumentsState.Attached => "attached",
        DocumentsState.Pending => "pending",
        _ => "none",
    };

    public static string Of(LicenseStatus status) => status switch
    {
        LicenseStatus.Valid => "valid",
        LicenseStatus.Suspended => "suspended",
        LicenseStatus.Revoked => "revoked",
        LicenseStatus.Expired => "expired",
        _ => "not-yet-valid",
    };

    public static string ChineseOf(LicenseStatus status) => status switch
    {
        LicenseStatus.Valid => "有效",
        LicenseStatus.Suspended => "暂停",
        LicenseStatus.Revoked => "注销",
        LicenseStatus.Expired => "过期",
        _ => "未生效",
    };
}
