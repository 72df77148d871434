using System.Text.Json;
using ElectronicLicense.Api.Licenses;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Sharing;

namespace ElectronicLicense.Api.Sharing;

internal sealed record GrantResponse(
    string Id, string Grantee, IReadOnlyList<string> LicenseTypes, IReadOnlyList<string> Fields, PurposeResponse Purpose,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, int MaxUses, int Uses, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string State)
{
    public static GrantResponse From(Grant g) => new(
        g.Id, g.Grantee, g.LicenseTypes, g.Fields, new PurposeResponse(g.ItemCode, g.SerialNumber), g.NotBefore, g.NotAfter, g.MaxUses, g.Uses,
        g.CreatedAt, g.RevokedAt, g.State.ToString().ToLowerInvariant());
}

internal sealed record PurposeResponse(string ItemCode, string SerialNumber);

internal sealed record SharedLicenseResponse(
    string LicenseId, string TypeCode, string TypeName, string Status, string Basis, string? GrantId,
    IReadOnlyDictionary<string, JsonElement> Fields, IReadOnlyDictionary<string, string> Masked)
{
    public static SharedLicenseResponse From(SharedLicense s) => new(
        s.LicenseId, s.TypeCode, s.TypeName, Names.Of(s.Status), s.Basis.ToString().ToLowerInvariant(), s.GrantId, s.Fields, s.Masked);
}

internal sealed record HolderLicenseResponse(
    string LicenseId, string TypeCode, string TypeName, string Number, string IssuerCode, string Status, string SharingLevel, JsonElement Data)
{
    public static HolderLicenseResponse From(HolderLicense l) => new(
        l.LicenseId, l.TypeCode, l.TypeName, l.Number, l.IssuerCode, Names.Of(l.Status), l.SharingLevel switch
        {
            ElectronicLicense.Licenses.Catalog.SharingLevel.Unconditional => "无条件共享",
            ElectronicLicense.Licenses.Catalog.SharingLevel.Conditional => "有条件共享",
            _ => "不予共享",
        }, l.Data);
}

/// <summary>One line of the holder's access log; the leaf index and hash let the holder ask the audit API for an inclusion proof.</summary>
internal sealed record AccessLogEntryResponse(
    long LeafIndex, string LeafHash, DateTimeOffset At, string Action, string Outcome, string ActorKind,
    string? Department, string? DepartmentName, string? Role, string? LicenseId, string? TypeCode, string? GrantId,
    string? Purpose, string? CaseNumber, string? LegalBasis, string? OfficerId, string? AgentCode, IReadOnlyList<string>? Fields, string? Detail)
{
    public static AccessLogEntryResponse From(AuditedEvent e, IReadOnlyDictionary<string, string> departmentNames) => new(
        e.Index, e.LeafHash, e.AtUtc, e.Entry.Action, e.Entry.Outcome.ToString().ToLowerInvariant(), e.Entry.ActorKind.ToString().ToLowerInvariant(),
        e.Entry.Department, e.Entry.Department is { } d && departmentNames.TryGetValue(d, out var name) ? name : null, e.Entry.Role,
        e.Entry.LicenseId, e.Entry.TypeCode, e.Entry.GrantId, e.Entry.Purpose, e.Entry.CaseNumber, e.Entry.LegalBasis, e.Entry.OfficerId,
        e.Entry.AgentCode, e.Entry.Fields, e.Entry.Detail);
}

internal sealed class PresentationRequest
{
    public string? LicenseId { get; set; }
}

internal sealed class RedeemRequest
{
    public string? Code { get; set; }
}

internal sealed record PresentationResponse(string Code, string LicenseId, DateTimeOffset ExpiresAt, string QrPayload, string QrSvg);

internal sealed class HolderTokenRequest
{
    public string? HolderCode { get; set; }

    public string? AgentCode { get; set; }
}

internal sealed record HolderTokenResponse(string Token, string TokenType, DateTimeOffset ExpiresAt);
