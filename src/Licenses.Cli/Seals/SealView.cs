using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Ses;

namespace ElectronicLicense.Cli.Seals;

/// <summary>The JSON form of <c>elic seal show</c>; names are part of the CLI's contract (README).</summary>
/// <param name="Version">4 (GB/T 38540) or 1 (GM/T 0031), from the structure.</param>
/// <param name="HeaderVersion">SES_Header.version as the maker wrote it.</param>
/// <param name="VendorId">SES_Header.Vid.</param>
/// <param name="EsId">印章编码.</param>
/// <param name="Name">印章名称.</param>
/// <param name="Type">property.type: 1 单位印章, 2 个人印章, others as defined by the maker.</param>
/// <param name="TypeName">What <paramref name="Type"/> means, when known.</param>
/// <param name="CreateDate">property.createDate.</param>
/// <param name="ValidStart">property.validStart.</param>
/// <param name="ValidEnd">property.validEnd.</param>
/// <param name="CertListType">1: signer certificates; 2: digests of them.</param>
/// <param name="Certificates">The listed signer certificates (certListType 1).</param>
/// <param name="CertDigests">The listed digests (certListType 2).</param>
/// <param name="Picture">The seal picture.</param>
/// <param name="Maker">The seal maker's (制章) certificate.</param>
/// <param name="SignatureAlgorithm">The OID of the maker's signature algorithm, with its name when known.</param>
/// <param name="MakerSignatureValid">Whether the maker's signature over the seal verifies (cryptography only, not trust).</param>
internal sealed record SealView(
    int Version,
    int HeaderVersion,
    string VendorId,
    string EsId,
    string Name,
    int Type,
    string? TypeName,
    DateTimeOffset CreateDate,
    DateTimeOffset ValidStart,
    DateTimeOffset ValidEnd,
    int CertListType,
    IReadOnlyList<CertificateView> Certificates,
    IReadOnlyList<CertDigestView> CertDigests,
    PictureView Picture,
    CertificateView Maker,
    string SignatureAlgorithm,
    bool MakerSignatureValid)
{
    public static SealView From(SesSeal seal) => new(
        (int)seal.Version,
        seal.HeaderVersion,
        seal.VendorId,
        seal.EsId,
        seal.Name,
        seal.SealType,
        seal.SealType switch { SesSealType.Official => "单位印章", SesSealType.Personal => "个人印章", _ => null },
        seal.CreateDate,
        seal.ValidStart,
        seal.ValidEnd,
        seal.CertListType,
        seal.CertList.Select(CertificateView.FromDer).ToList(),
        seal.CertDigests.Select(d => new CertDigestView(d.Type, Convert.ToHexStringLower(d.Value.Span))).ToList(),
        new PictureView(seal.PictureType, seal.PictureWidthMm, seal.PictureHeightMm, seal.PictureData.Length),
        CertificateView.From(seal.MakerCertificate),
        AlgorithmName(seal.SignatureAlgorithmOid),
        seal.VerifyMakerSignature());

    private static string AlgorithmName(string oid) => oid switch
    {
        "1.2.156.10197.1.501" => "SM2-with-SM3 (1.2.156.10197.1.501)",
        "1.2.840.10045.4.3.2" => "ECDSA-with-SHA256 (1.2.840.10045.4.3.2)",
        "1.2.840.113549.1.1.11" => "SHA256-with-RSA (1.2.840.113549.1.1.11)",
        _ => oid,
    };
}

/// <summary>A certificate as shown: names, serial number and validity; never its key.</summary>
/// <param name="Subject">Subject DN, or a note when the bytes are not a readable certificate.</param>
/// <param name="Issuer">Issuer DN.</param>
/// <param name="SerialNumber">Hex serial number.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
internal sealed record CertificateView(string Subject, string? Issuer, string? SerialNumber, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter)
{
    public static CertificateView From(X509Certificate2 certificate) => new(
        certificate.Subject,
        certificate.Issuer,
        certificate.SerialNumber,
        new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
        new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));

    public static CertificateView FromDer(ReadOnlyMemory<byte> der)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der.Span);
            return From(certificate);
        }
        catch (CryptographicException)
        {
            return new CertificateView($"(not a readable certificate, {der.Length} bytes)", null, null, null, null);
        }
    }

    public string Describe() => NotBefore is null
        ? Subject
        : string.Create(CultureInfo.InvariantCulture, $"{Subject} (issuer {Issuer}, serial {SerialNumber}, valid {NotBefore:yyyy-MM-dd} to {NotAfter:yyyy-MM-dd})");
}

/// <summary>One digest of a signer certificate (certListType 2).</summary>
/// <param name="Type">The digest algorithm as the maker named it.</param>
/// <param name="Value">Lower-case hex.</param>
internal sealed record CertDigestView(string Type, string Value);

/// <summary>The seal picture's properties.</summary>
/// <param name="Type">picture.type, e.g. "png".</param>
/// <param name="WidthMm">Width in millimetres.</param>
/// <param name="HeightMm">Height in millimetres.</param>
/// <param name="Bytes">Size of the picture data.</param>
internal sealed record PictureView(string Type, int WidthMm, int HeightMm, int Bytes);
