using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Ses.Asn;

namespace ElectronicLicense.Seals.Ses;

/// <summary>What a new GB/T 38540 seal says; passed to <see cref="SesSeal.Create"/>.</summary>
/// <remarks>
/// Dates are stored as GeneralizedTime in whole seconds (UTC); sub-second parts are dropped.
/// The picture must be a PNG (picture.type "png"); <see cref="SealPicture.RenderOfficialSeal"/> draws one.
/// </remarks>
public sealed class SesSealDescription
{
    /// <summary>Longest accepted <see cref="EsId"/> and <see cref="VendorId"/>.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Longest accepted <see cref="Name"/>.</summary>
    public const int MaxNameLength = 256;

    /// <summary>Largest accepted picture.</summary>
    public const int MaxPictureBytes = 4 * 1024 * 1024;

    /// <summary>Largest accepted picture side in millimetres.</summary>
    public const int MaxPictureSideMm = 1000;

    /// <summary>esID: the seal code, printable ASCII.</summary>
    public required string EsId { get; init; }

    /// <summary>property.type (see <see cref="SesSealType"/>); defaults to an official seal.</summary>
    public int SealType { get; init; } = SesSealType.Official;

    /// <summary>property.name: the seal's name, e.g. "某市市场监督管理局电子证照专用章".</summary>
    public required string Name { get; init; }

    /// <summary>The certificates of the department signers allowed to use the seal (certListType 1).</summary>
    public required IReadOnlyList<X509Certificate2> SignerCertificates { get; init; }

    /// <summary>property.createDate.</summary>
    public required DateTimeOffset CreateDate { get; init; }

    /// <summary>property.validStart.</summary>
    public required DateTimeOffset ValidStart { get; init; }

    /// <summary>property.validEnd.</summary>
    public required DateTimeOffset ValidEnd { get; init; }

    /// <summary>picture.data: a PNG image.</summary>
    public required ReadOnlyMemory<byte> PicturePng { get; init; }

    /// <summary>picture.width in millimetres.</summary>
    public required int PictureWidthMm { get; init; }

    /// <summary>picture.height in millimetres.</summary>
    public required int PictureHeightMm { get; init; }

    /// <summary>SES_Header.Vid: the maker's vendor id.</summary>
    public string VendorId { get; init; } = "ELIC";

    internal SesSealInfoAsn ToAsn()
    {
        CheckId(EsId, nameof(EsId));
        CheckId(VendorId, nameof(VendorId));
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > MaxNameLength)
        {
            throw new ArgumentException($"The seal name must be 1–{MaxNameLength} characters, got {Name?.Length ?? 0}.", nameof(Name));
        }

        if (SealType < 0)
        {
            throw new ArgumentException($"The seal type must not be negative, got {SealType}.", nameof(SealType));
        }

        // GB/T 38540: certList names the signers allowed to use the seal; a seal nobody may use is a mistake.
        if (SignerCertificates is null || SignerCertificates.Count == 0 || SignerCertificates.Any(c => c is null))
        {
            throw new ArgumentException("At least one signer certificate is required, and none may be null.", nameof(SignerCertificates));
        }

        if (SignerCertificates.Count > SesLimits.MaxCertListEntries)
        {
            throw new ArgumentException($"At most {SesLimits.MaxCertListEntries} signer certificates are allowed, got {SignerCertificates.Count}.", nameof(SignerCertificates));
        }

        var createDate = WholeSeconds(CreateDate);
        var validStart = WholeSeconds(ValidStart);
        var validEnd = WholeSeconds(ValidEnd);
        if (validEnd <= validStart)
        {
            throw new ArgumentException($"ValidEnd ({validEnd:O}) must be after ValidStart ({validStart:O}).", nameof(ValidEnd));
        }

        if (PicturePng.Length > MaxPictureBytes)
        {
            throw new ArgumentException($"The seal picture must be at most {MaxPictureBytes} bytes, got {PicturePng.Length}.", nameof(PicturePng));
        }

        if (!Png.TryRead(PicturePng.Span, out _, out _, out var pngError))
        {
            throw new ArgumentException($"The seal picture must be a PNG: {pngError}", nameof(PicturePng));
        }

        if (PictureWidthMm is < 1 or > MaxPictureSideMm || PictureHeightMm is < 1 or > MaxPictureSideMm)
        {
            throw new ArgumentException($"The picture size must be 1–{MaxPictureSideMm} mm each way, got {PictureWidthMm}×{PictureHeightMm}.", nameof(PictureWidthMm));
        }

        return new SesSealInfoAsn
        {
            // GB/T 38540 SES_Header: ID "ES", version 4.
            Header = new SesHeaderAsn { Id = "ES", Version = 4, Vid = VendorId },
            EsId = EsId,
            Property = new SesPropertyAsn
            {
                Type = SealType,
                Name = Name,
                CertListType = SesCertListType.Certificates,
                Certs = SignerCertificates.Select(c => (ReadOnlyMemory<byte>)c.RawData).ToList(),
                CreateDate = new AsnTime(createDate, IsUtcTime: false),
                ValidStart = new AsnTime(validStart, IsUtcTime: false),
                ValidEnd = new AsnTime(validEnd, IsUtcTime: false),
            },
            Picture = new SesPictureAsn { Type = "png", Data = PicturePng.ToArray(), Width = PictureWidthMm, Height = PictureHeightMm },
        };
    }

    internal static DateTimeOffset WholeSeconds(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private static void CheckId(string value, string name)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxIdLength || value.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException($"{name} must be 1–{MaxIdLength} printable ASCII characters without spaces, got \"{value}\".", name);
        }
    }
}
