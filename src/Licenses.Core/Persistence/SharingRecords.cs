namespace ElectronicLicense.Licenses.Persistence;

/// <summary>A holder's grant (授权) to one department; type codes and fields are JSON arrays.</summary>
internal sealed class GrantRecord
{
    public required string Id { get; set; }
    public required string HolderCode { get; set; }
    public string? AgentCode { get; set; }
    public required string GranteeCode { get; set; }
    public required string TypeCodesJson { get; set; }
    public required string FieldsJson { get; set; }
    public required string ItemCode { get; set; }
    public required string SerialNumber { get; set; }
    public DateTime NotBeforeUtc { get; set; }
    public DateTime NotAfterUtc { get; set; }
    public int MaxUses { get; set; }

    /// <summary>Uses so far; only ever raised by a conditional UPDATE so that concurrent reads cannot pass <see cref="MaxUses"/>.</summary>
    public int Uses { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }
}

/// <summary>A single-use 亮证 code; only the SHA-256 of the code is stored.</summary>
internal sealed class PresentationRecord
{
    public required string CodeHash { get; set; }
    public required string LicenseId { get; set; }
    public required string HolderCode { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime ExpiresAtUtc { get; set; }
    public DateTime? RedeemedAtUtc { get; set; }
    public string? RedeemedBy { get; set; }
}
