using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses.Asn;

namespace ElectronicLicense.Seals.Ses;

/// <summary>The two e-seal formats: GM/T 0031-2014 and its successor GB/T 38540-2020.</summary>
public enum SesVersion
{
    /// <summary>GM/T 0031-2014 (SESeal of 2 elements, UTCTime dates).</summary>
    V1 = 1,

    /// <summary>GB/T 38540-2020 (SESeal of 4 elements, GeneralizedTime dates).</summary>
    V4 = 4,
}

/// <summary>One entry of a digest-type certificate list (GB/T 38540 CertDigestObj).</summary>
public sealed class SesCertDigest
{
    internal SesCertDigest(string type, ReadOnlyMemory<byte> value)
    {
        Type = type;
        Value = value;
    }

    /// <summary>The digest algorithm as the maker named it (self-defined by the standard, e.g. "SM3").</summary>
    public string Type { get; }

    /// <summary>The digest of the signer's DER certificate.</summary>
    public ReadOnlyMemory<byte> Value { get; }
}

/// <summary>A decoded electronic seal (印章数据) of either version, keeping its original DER.</summary>
/// <remarks>
/// A seal is embedded byte for byte in every signature made with it (GB/T 38540 TBS_Sign.eseal), so
/// <see cref="Encoded"/> is the exact input and is never re-encoded. The version is told by the structure
/// (SESeal of 2 elements = v1, 4 = v4), not by the header version field.
/// </remarks>
public sealed class SesSeal
{
    private readonly SesSealAsn asn;

    private SesSeal(SesSealAsn asn, ReadOnlyMemory<byte> encoded, X509Certificate2 makerCertificate)
    {
        this.asn = asn;
        Encoded = encoded;
        MakerCertificate = makerCertificate;
        CertDigests = asn.SealInfo.Property.CertDigests.Select(d => new SesCertDigest(d.Type, d.Value)).ToList();
    }

    /// <summary>The format version, from the structure.</summary>
    public SesVersion Version => asn.Version == 1 ? SesVersion.V1 : SesVersion.V4;

    /// <summary>SES_Header.ID, always "ES".</summary>
    public string HeaderId => asn.SealInfo.Header.Id;

    /// <summary>SES_Header.version as written by the maker (normally 4 or 1, but see <see cref="Version"/>).</summary>
    public int HeaderVersion => asn.SealInfo.Header.Version;

    /// <summary>SES_Header.Vid: the seal maker's vendor identifier.</summary>
    public string VendorId => asn.SealInfo.Header.Vid;

    /// <summary>esID: the seal's code (电子印章编码).</summary>
    public string EsId => asn.SealInfo.EsId;

    /// <summary>property.type: the seal type (see <see cref="SesSealType"/>).</summary>
    public int SealType => asn.SealInfo.Property.Type;

    /// <summary>property.name: the seal's name.</summary>
    public string Name => asn.SealInfo.Property.Name;

    /// <summary>property.certListType: <see cref="SesCertListType.Certificates"/> or <see cref="SesCertListType.Digests"/>; v1 seals always list certificates.</summary>
    public int CertListType => asn.SealInfo.Property.CertListType;

    /// <summary>The DER certificates of the signers allowed to use the seal (empty when <see cref="CertListType"/> is digests).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> CertList => asn.SealInfo.Property.Certs;

    /// <summary>The digests of the signers' certificates (empty when <see cref="CertListType"/> is certificates).</summary>
    public IReadOnlyList<SesCertDigest> CertDigests { get; }

    /// <summary>property.createDate.</summary>
    public DateTimeOffset CreateDate => asn.SealInfo.Property.CreateDate.Value;

    /// <summary>property.validStart: the seal may be used from this instant.</summary>
    public DateTimeOffset ValidStart => asn.SealInfo.Property.ValidStart.Value;

    /// <summary>property.validEnd: the seal may be used up to this instant.</summary>
    public DateTimeOffset ValidEnd => asn.SealInfo.Property.ValidEnd.Value;

    /// <summary>picture.type, as written (e.g. "png", "PNG", "ofd").</summary>
    public string PictureType => asn.SealInfo.Picture.Type;

    /// <summary>picture.data: the seal image.</summary>
    public ReadOnlyMemory<byte> PictureData => asn.SealInfo.Picture.Data;

    /// <summary>picture.width in millimetres.</summary>
    public int PictureWidthMm => asn.SealInfo.Picture.Width;

    /// <summary>picture.height in millimetres.</summary>
    public int PictureHeightMm => asn.SealInfo.Picture.Height;

    /// <summary>Whether SES_SealInfo carries vendor extensions (extDatas); they are kept but not interpreted.</summary>
    public bool HasExtDatas => asn.SealInfo.ExtDatas is not null;

    /// <summary>The seal maker's (制章人) certificate.</summary>
    public X509Certificate2 MakerCertificate { get; }

    /// <summary>The OID of the maker's signature algorithm (SM2-with-SM3 is <see cref="Pki.Oids.Sm2WithSm3"/>).</summary>
    public string SignatureAlgorithmOid => asn.SignatureAlgorithm;

    /// <summary>The maker's signature value (DER <c>SEQUENCE{r, s}</c> for SM2).</summary>
    public ReadOnlyMemory<byte> SignedValue => asn.SignedValue;

    /// <summary>The seal exactly as decoded or created; embed these bytes, never a re-encoding.</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    internal ReadOnlyMemory<byte> SealInfoEncoded => asn.SealInfoEncoded;

    internal SesSealAsn Asn => asn;

    /// <summary>Decodes a seal from untrusted DER; never throws on malformed input.</summary>
    /// <param name="der">The SESeal; copied, so the caller may reuse the buffer.</param>
    /// <param name="seal">The seal, or null.</param>
    /// <param name="error">Why decoding failed, or null.</param>
    public static bool TryDecode(ReadOnlyMemory<byte> der, [NotNullWhen(true)] out SesSeal? seal, [NotNullWhen(false)] out string? error)
    {
        seal = null;
        if (der.Length > SesLimits.MaxSealBytes)
        {
            error = $"An e-seal must be at most {SesLimits.MaxSealBytes} bytes, got {der.Length}.";
            return false;
        }

        return TryDecodeOwned(der.ToArray(), out seal, out error);
    }

    /// <summary>Decodes from a buffer this class now owns (and slices without copying).</summary>
    internal static bool TryDecodeOwned(ReadOnlyMemory<byte> owned, [NotNullWhen(true)] out SesSeal? seal, [NotNullWhen(false)] out string? error)
    {
        seal = null;
        SesSealAsn asn;
        try
        {
            var reader = new AsnReader(owned, AsnEncodingRules.DER);
            asn = SesSealAsn.Decode(reader);
            if (reader.HasData)
            {
                error = "The e-seal has trailing bytes after SESeal.";
                return false;
            }
        }
        catch (AsnContentException e)
        {
            error = $"Not a well-formed e-seal (SESeal): {e.Message}";
            return false;
        }

        if (!SesCrypto.TryLoadCertificate(asn.Cert, out var maker))
        {
            error = "The e-seal's maker certificate (SESeal.cert) is not a DER X.509 certificate.";
            return false;
        }

        seal = new SesSeal(asn, owned, maker!);
        error = null;
        return true;
    }

    /// <summary>Checks the maker's signature: v4 over DER(SES_SealInfo), v1 over DER(SEQUENCE{SES_SealInfo, cert, signatureAlgorithm}).</summary>
    /// <remarks>Only the cryptography: whether the maker certificate is trusted and was valid is the caller's question.</remarks>
    public bool VerifyMakerSignature() =>
        SesCrypto.Verify(MakerCertificate, asn.SignatureAlgorithm, asn.MakerSignedBytes(), asn.SignedValue.Span);

    /// <summary>Whether <paramref name="instant"/> lies within [<see cref="ValidStart"/>, <see cref="ValidEnd"/>].</summary>
    public bool IsValidAt(DateTimeOffset instant) => instant >= ValidStart && instant <= ValidEnd;

    /// <summary>Whether the seal's certificate list names <paramref name="signer"/>, by certificate or by digest.</summary>
    /// <remarks>
    /// GB/T 38540: only a signer whose certificate is in certList may sign with the seal. Digest entries are matched
    /// when their type names SM3 or SHA-256 (by name or OID); entries of other types never match.
    /// </remarks>
    public bool ListsSigner(X509Certificate2 signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var der = signer.RawDataMemory.Span;
        if (CertListType == SesCertListType.Certificates)
        {
            foreach (var cert in CertList)
            {
                if (cert.Span.SequenceEqual(der))
                {
                    return true;
                }
            }

            return false;
        }

        byte[]? sm3 = null;
        byte[]? sha256 = null;
        foreach (var digest in CertDigests)
        {
            var expected = NormaliseDigestType(digest.Type) switch
            {
                "SM3" => sm3 ??= Sm3.Hash(der),
                "SHA256" => sha256 ??= SHA256.HashData(der),
                _ => null,
            };
            if (expected is not null && digest.Value.Span.SequenceEqual(expected))
            {
                return true;
            }
        }

        return false;
    }

    private static string NormaliseDigestType(string type)
    {
        var t = type.Trim().Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();
        return t switch
        {
            "SM3" or Oids.Sm3 => "SM3",
            "SHA256" or Oids.Sha256 => "SHA256",
            _ => t,
        };
    }

    /// <summary>Makes and signs a GB/T 38540 (v4) seal.</summary>
    /// <param name="description">What the seal says: code, name, signers, validity, picture.</param>
    /// <param name="maker">The seal maker's SM2 key and certificate.</param>
    /// <exception cref="ArgumentException">The maker key is not SM2, or the description is invalid.</exception>
    public static SesSeal Create(SesSealDescription description, SigningKey maker)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(maker);

        // GB/T 38540 SESeal.signAlgID: the maker signs with SM2 (SM2-with-SM3 OID 1.2.156.10197.1.501).
        if (maker.Algorithm != Pki.SignatureAlgorithm.Sm2WithSm3)
        {
            throw new ArgumentException($"The seal maker's key must be SM2 (GB/T 38540 seals are signed with SM2-with-SM3), got {maker.Algorithm}.", nameof(maker));
        }

        var info = description.ToAsn();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        info.Encode(writer, sealVersion: 4);
        var infoDer = writer.Encode();

        // GB/T 38540 SESeal.signedValue: the maker's signature over DER(eSealInfo).
        var signature = maker.Sign(infoDer);
        var asn = new SesSealAsn
        {
            Version = 4,
            SealInfo = info,
            SealInfoEncoded = infoDer,
            Cert = maker.Certificate.RawData,
            SignatureAlgorithm = Oids.Sm2WithSm3,
            SignedValue = signature,
        };
        writer.Reset();
        asn.Encode(writer);
        if (!TryDecodeOwned(writer.Encode(), out var seal, out var error))
        {
            throw new InvalidOperationException($"A seal just made does not decode: {error}");
        }

        return seal;
    }

    /// <inheritdoc />
    public override string ToString() => $"SesSeal(v{(int)Version}, {EsId})";
}
