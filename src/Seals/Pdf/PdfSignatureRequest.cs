using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Seals.Pdf;

/// <summary>What to sign a PDF with and how the signature is described and shown.</summary>
public sealed class PdfSignatureRequest
{
    /// <summary>The default space reserved for the CMS in /Contents: enough for an RSA-2048 signer with a two-level chain.</summary>
    public const int DefaultContentsSize = 16 * 1024;

    /// <summary>The signer's key and certificate (RSA-2048, ECDSA P-256 or SM2).</summary>
    /// <remarks>SM2 signatures follow GM/T 0010 shapes inside ETSI.CAdES.detached; common PDF readers (pdfsig, Acrobat) cannot verify them.</remarks>
    public required SigningKey Key { get; init; }

    /// <summary>The signature field's name (/T); must not exist in the document yet.</summary>
    public required string FieldName { get; init; }

    /// <summary>The claimed signing time, written as /M (PAdES puts it there, not in a signed attribute).</summary>
    public required DateTimeOffset SigningTime { get; init; }

    /// <summary>Why it is signed (/Reason), e.g. 颁发 or 联合签章.</summary>
    public string? Reason { get; init; }

    /// <summary>Where it is signed (/Location).</summary>
    public string? Location { get; init; }

    /// <summary>The signer's name (/Name), e.g. the department.</summary>
    public string? SignerName { get; init; }

    /// <summary>A visible seal; null for an invisible signature.</summary>
    public PdfSealAppearance? Appearance { get; init; }

    /// <summary>Makes this a certification signature (DocMDP, P=2: only form filling and signing allowed afterwards); only for the first signature.</summary>
    public bool Certify { get; init; }

    /// <summary>Bytes reserved for the CMS in /Contents (written as twice as many hex digits).</summary>
    public int ContentsSize { get; init; } = DefaultContentsSize;
}

/// <summary>Where and how a signature is shown on a page.</summary>
public sealed class PdfSealAppearance
{
    /// <summary>The page, from 0.</summary>
    public required int PageIndex { get; init; }

    /// <summary>Left edge in points from the page's lower-left corner (PDF user space).</summary>
    public required double X { get; init; }

    /// <summary>Bottom edge in points.</summary>
    public required double Y { get; init; }

    /// <summary>Width in points.</summary>
    public required double Width { get; init; }

    /// <summary>Height in points.</summary>
    public required double Height { get; init; }

    /// <summary>The seal picture (PNG, transparency kept); null draws a plain red frame.</summary>
    public ReadOnlyMemory<byte>? Png { get; init; }
}
