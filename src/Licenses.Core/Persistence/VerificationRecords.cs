namespace ElectronicLicense.Licenses.Persistence;

/// <summary>A 核验 receipt with the canonical report it covers, kept so the verifying department can fetch both later.</summary>
internal sealed class VerificationReceiptRecord
{
    public Guid Id { get; set; }
    public DateTime IssuedAtUtc { get; set; }

    /// <summary>The verifying department's 统一社会信用代码.</summary>
    public required string Department { get; set; }
    public required string Role { get; set; }

    /// <summary>license-id, qr-payload or file.</summary>
    public required string Subject { get; set; }
    public string? LicenseId { get; set; }
    public required string Indication { get; set; }
    public string? SubIndication { get; set; }
    public required string Conclusion { get; set; }
    public required string ReportSha256 { get; set; }

    /// <summary>The canonical report JSON, byte for byte as first returned.</summary>
    public required byte[] Report { get; set; }
    public required string KeyId { get; set; }

    /// <summary>DER ECDSA signature over the receipt's signed text.</summary>
    public required byte[] Signature { get; set; }
}
