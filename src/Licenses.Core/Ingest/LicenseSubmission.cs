using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Lifecycle;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>A pushed license after validation: every field checked, ready to store.</summary>
internal sealed class LicenseSubmission
{
    public required LicenseType Type { get; init; }
    public required string Number { get; init; }
    public required string HolderName { get; init; }
    public required string HolderCode { get; init; }
    public required string HolderCodeType { get; init; }
    public required DateOnly IssueDate { get; init; }
    public required DateOnly ValidFrom { get; init; }
    public DateOnly? ValidUntil { get; init; }
    public required JObject Face { get; init; }
    public string? ChangeReason { get; init; }
    public SourceDocument? Document { get; init; }

    /// <summary>Set by the ingest service once the issuer is known.</summary>
    public UnifiedSocialCreditCode? IssuerCode { get; set; }
}

/// <summary>An existing document file sent with a historical license.</summary>
internal sealed record SourceDocument(DocumentFormat Format, byte[] Content);
