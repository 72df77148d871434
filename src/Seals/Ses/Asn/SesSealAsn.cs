using System.Formats.Asn1;

namespace ElectronicLicense.Seals.Ses.Asn;

// The e-seal structures of GB/T 38540-2020 (version 4) and GM/T 0031-2014 (version 1), read and written in DER.
// Every decoder throws AsnContentException with a message naming the offending field; SesSeal.TryDecode turns
// that into its error string. Decoded byte fields are slices of the caller's buffer (no copies).

/// <summary>
/// <code>
/// SES_Header ::= SEQUENCE {
///     ID       IA5String,   -- "ES"
///     version  INTEGER,     -- 4 (GB/T 38540), 1 (GM/T 0031)
///     Vid      IA5String }  -- vendor id
/// </code>
/// </summary>
internal sealed class SesHeaderAsn
{
    public required string Id { get; init; }

    public required int Version { get; init; }

    public required string Vid { get; init; }

    public void Encode(AsnWriter writer)
    {
        writer.PushSequence();
        writer.WriteCharacterString(UniversalTagNumber.IA5String, Id);
        writer.WriteInteger(Version);
        writer.WriteCharacterString(UniversalTagNumber.IA5String, Vid);
        writer.PopSequence();
    }

    public static SesHeaderAsn Decode(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var id = AsnRead.Ia5(seq, "SES_Header.ID", SesLimits.MaxShortString);
        var version = AsnRead.Int32(seq, "SES_Header.version");
        var vid = AsnRead.Ia5(seq, "SES_Header.Vid", SesLimits.MaxShortString);
        AsnRead.End(seq, "SES_Header");
        return new SesHeaderAsn { Id = id, Version = version, Vid = vid };
    }
}

/// <summary>
/// <code>
/// CertDigestObj ::= SEQUENCE {
///     type   PrintableString,  -- digest algorithm, self-defined (e.g. "SM3")
///     value  OCTET STRING }
/// </code>
/// </summary>
internal sealed class CertDigestAsn
{
    public required string Type { get; init; }

    public required ReadOnlyMemory<byte> Value { get; init; }

    public void Encode(AsnWriter writer)
    {
        writer.PushSequence();
        writer.WriteCharacterString(UniversalTagNumber.PrintableString, Type);
        writer.WriteOctetString(Value.Span);
        writer.PopSequence();
    }

    public static CertDigestAsn Decode(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var type = seq.ReadCharacterString(UniversalTagNumber.PrintableString);
        if (type.Length > SesLimits.MaxShortString)
        {
            throw new AsnContentException("CertDigestObj.type is too long.");
        }

        var value = AsnRead.OctetString(seq, "CertDigestObj.value");
        AsnRead.End(seq, "CertDigestObj");
        return new CertDigestAsn { Type = type, Value = value };
    }
}

/// <summary>
/// Version 4 (GB/T 38540):
/// <code>
/// SES_ESPropertyInfo ::= SEQUENCE {
///     type          INTEGER,          -- seal type
///     name          UTF8String,       -- seal name
///     certListType  INTEGER,          -- 1: certificates, 2: certificate digests
///     certList      SES_CertList,
///     createDate    GeneralizedTime,
///     validStart    GeneralizedTime,
///     validEnd      GeneralizedTime }
/// SES_CertList   ::= CHOICE { certs CertInfoList, certDigestList CertDigestList }
/// CertInfoList   ::= SEQUENCE OF OCTET STRING   -- DER certificates of the signers
/// CertDigestList ::= SEQUENCE OF CertDigestObj
/// </code>
/// Version 1 (GM/T 0031) has no certListType, a SEQUENCE OF OCTET STRING certificate list and UTCTime dates.
/// Both time types are accepted on reading (and kept for re-encoding): a date's type does not change its meaning.
/// </summary>
internal sealed class SesPropertyAsn
{
    public required int Type { get; init; }

    public required string Name { get; init; }

    /// <summary>1 (certificates) or 2 (digests); version 1 seals always list certificates and report 1.</summary>
    public required int CertListType { get; init; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Certs { get; init; } = [];

    public IReadOnlyList<CertDigestAsn> CertDigests { get; init; } = [];

    public required AsnTime CreateDate { get; init; }

    public required AsnTime ValidStart { get; init; }

    public required AsnTime ValidEnd { get; init; }

    public void Encode(AsnWriter writer, int sealVersion)
    {
        writer.PushSequence();
        writer.WriteInteger(Type);
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, Name);
        if (sealVersion != 1)
        {
            writer.WriteInteger(CertListType);
        }

        writer.PushSequence();
        if (CertListType == SesCertListType.Digests)
        {
            foreach (var digest in CertDigests)
            {
                digest.Encode(writer);
            }
        }
        else
        {
            foreach (var cert in Certs)
            {
                writer.WriteOctetString(cert.Span);
            }
        }

        writer.PopSequence();
        CreateDate.Write(writer);
        ValidStart.Write(writer);
        ValidEnd.Write(writer);
        writer.PopSequence();
    }

    public static SesPropertyAsn Decode(AsnReader reader, int sealVersion)
    {
        var seq = reader.ReadSequence();
        var type = AsnRead.Int32(seq, "SES_ESPropertyInfo.type");
        var name = AsnRead.Utf8(seq, "SES_ESPropertyInfo.name", SesLimits.MaxShortString);
        var certListType = sealVersion == 1 ? SesCertListType.Certificates : AsnRead.Int32(seq, "SES_ESPropertyInfo.certListType");

        // GB/T 38540 SES_ESPropertyInfo: certListType 1 = certificate list (certs), 2 = certificate digest list.
        if (certListType is not (SesCertListType.Certificates or SesCertListType.Digests))
        {
            throw new AsnContentException($"SES_ESPropertyInfo.certListType must be 1 (certificates) or 2 (digests), got {certListType}.");
        }

        var list = seq.ReadSequence();
        var certs = new List<ReadOnlyMemory<byte>>();
        var digests = new List<CertDigestAsn>();
        while (list.HasData)
        {
            if (certs.Count + digests.Count >= SesLimits.MaxCertListEntries)
            {
                throw new AsnContentException($"SES_ESPropertyInfo.certList must have at most {SesLimits.MaxCertListEntries} entries.");
            }

            if (certListType == SesCertListType.Certificates)
            {
                certs.Add(AsnRead.OctetString(list, "SES_ESPropertyInfo.certList entry"));
            }
            else
            {
                digests.Add(CertDigestAsn.Decode(list));
            }
        }

        var createDate = AsnTime.Read(seq, "SES_ESPropertyInfo.createDate");
        var validStart = AsnTime.Read(seq, "SES_ESPropertyInfo.validStart");
        var validEnd = AsnTime.Read(seq, "SES_ESPropertyInfo.validEnd");
        AsnRead.End(seq, "SES_ESPropertyInfo");
        return new SesPropertyAsn
        {
            Type = type,
            Name = name,
            CertListType = certListType,
            Certs = certs,
            CertDigests = digests,
            CreateDate = createDate,
            ValidStart = validStart,
            ValidEnd = validEnd,
        };
    }
}

/// <summary>
/// <code>
/// SES_ESPictrueInfo ::= SEQUENCE {   -- sic: the standard spells it "Pictrue"
///     type    IA5String,     -- "PNG", "GIF", "JPG", "OFD", …
///     data    OCTET STRING,
///     width   INTEGER,       -- millimetres
///     height  INTEGER }      -- millimetres
/// </code>
/// </summary>
internal sealed class SesPictureAsn
{
    public required string Type { get; init; }

    public required ReadOnlyMemory<byte> Data { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    public void Encode(AsnWriter writer)
    {
        writer.PushSequence();
        writer.WriteCharacterString(UniversalTagNumber.IA5String, Type);
        writer.WriteOctetString(Data.Span);
        writer.WriteInteger(Width);
        writer.WriteInteger(Height);
        writer.PopSequence();
    }

    public static SesPictureAsn Decode(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var type = AsnRead.Ia5(seq, "SES_ESPictrueInfo.type", SesLimits.MaxShortString);
        var data = AsnRead.OctetString(seq, "SES_ESPictrueInfo.data");
        var width = AsnRead.Int32(seq, "SES_ESPictrueInfo.width");
        var height = AsnRead.Int32(seq, "SES_ESPictrueInfo.height");
        AsnRead.End(seq, "SES_ESPictrueInfo");
        return new SesPictureAsn { Type = type, Data = data, Width = width, Height = height };
    }
}

/// <summary>
/// <code>
/// SES_SealInfo ::= SEQUENCE {
///     header    SES_Header,
///     esID      IA5String,              -- seal code
///     property  SES_ESPropertyInfo,
///     picture   SES_ESPictrueInfo,
///     extDatas  ExtensionDatas OPTIONAL }
/// ExtensionDatas ::= SEQUENCE OF ExtData
/// ExtData ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
/// </code>
/// extDatas is kept as its encoded bytes: we never write extensions and only report that they are present.
/// </summary>
internal sealed class SesSealInfoAsn
{
    public required SesHeaderAsn Header { get; init; }

    public required string EsId { get; init; }

    public required SesPropertyAsn Property { get; init; }

    public required SesPictureAsn Picture { get; init; }

    public ReadOnlyMemory<byte>? ExtDatas { get; init; }

    public void Encode(AsnWriter writer, int sealVersion)
    {
        writer.PushSequence();
        Header.Encode(writer);
        writer.WriteCharacterString(UniversalTagNumber.IA5String, EsId);
        Property.Encode(writer, sealVersion);
        Picture.Encode(writer);
        if (ExtDatas is { } ext)
        {
            writer.WriteEncodedValue(ext.Span);
        }

        writer.PopSequence();
    }

    public static SesSealInfoAsn Decode(AsnReader reader, int sealVersion)
    {
        var seq = reader.ReadSequence();
        var header = SesHeaderAsn.Decode(seq);

        // GB/T 38540 / GM/T 0031 SES_Header: "ID 电子印章数据标识，固定值为 ES".
        if (header.Id != "ES")
        {
            throw new AsnContentException($"SES_Header.ID must be \"ES\", got \"{header.Id}\".");
        }

        var esId = AsnRead.Ia5(seq, "SES_SealInfo.esID", SesLimits.MaxShortString);
        var property = SesPropertyAsn.Decode(seq, sealVersion);
        var picture = SesPictureAsn.Decode(seq);
        ReadOnlyMemory<byte>? ext = null;
        if (seq.HasData)
        {
            var encoded = seq.ReadEncodedValue();
            var check = new AsnReader(encoded, AsnEncodingRules.DER);
            var list = check.ReadSequence();
            while (list.HasData)
            {
                // ExtData ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
                var item = list.ReadSequence();
                item.ReadObjectIdentifier();
                if (item.HasData && item.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                {
                    item.ReadBoolean();
                }

                item.ReadOctetString();
                AsnRead.End(item, "ExtData");
            }

            ext = encoded;
        }

        AsnRead.End(seq, "SES_SealInfo");
        return new SesSealInfoAsn { Header = header, EsId = esId, Property = property, Picture = picture, ExtDatas = ext };
    }
}

/// <summary>
/// Version 4 (GB/T 38540):
/// <code>
/// SESeal ::= SEQUENCE {
///     eSealInfo    SES_SealInfo,
///     cert         OCTET STRING,        -- the seal maker's certificate
///     signAlgID    OBJECT IDENTIFIER,
///     signedValue  BIT STRING }         -- signature over DER(eSealInfo)
/// </code>
/// Version 1 (GM/T 0031):
/// <code>
/// SESeal ::= SEQUENCE { esealInfo SES_SealInfo, signInfo SES_SignInfo }
/// SES_SignInfo ::= SEQUENCE {
///     cert                OCTET STRING,
///     signatureAlgorithm  OBJECT IDENTIFIER,
///     signData            BIT STRING }  -- signature over DER(SEQUENCE{esealInfo, cert, signatureAlgorithm})
/// </code>
/// The version is told by the number of SESeal elements, not by SES_Header.version, which some makers get wrong.
/// </summary>
internal sealed class SesSealAsn
{
    /// <summary>1 or 4, from the structure.</summary>
    public required int Version { get; init; }

    public required SesSealInfoAsn SealInfo { get; init; }

    /// <summary>The encoded SES_SealInfo exactly as read (or as written by <see cref="Encode"/>).</summary>
    public required ReadOnlyMemory<byte> SealInfoEncoded { get; init; }

    public required ReadOnlyMemory<byte> Cert { get; init; }

    public required string SignatureAlgorithm { get; init; }

    public required ReadOnlyMemory<byte> SignedValue { get; init; }

    public void Encode(AsnWriter writer)
    {
        writer.PushSequence();
        writer.WriteEncodedValue(SealInfoEncoded.Span);
        if (Version == 1)
        {
            writer.PushSequence();
        }

        writer.WriteOctetString(Cert.Span);
        writer.WriteObjectIdentifier(SignatureAlgorithm);
        writer.WriteBitString(SignedValue.Span);
        if (Version == 1)
        {
            writer.PopSequence();
        }

        writer.PopSequence();
    }

    /// <summary>The bytes the maker signed: DER(SES_SealInfo) for v4, DER(SEQUENCE{SES_SealInfo, cert, alg}) for v1.</summary>
    public byte[] MakerSignedBytes()
    {
        if (Version != 1)
        {
            return SealInfoEncoded.ToArray();
        }

        // GM/T 0031-2014 SES_SignInfo.signData: "对 esealInfo、cert、signatureAlgorithm 的签名" — the three are
        // signed as one SEQUENCE (checked against ofdrw's UserV1.esl: SES_SealInfo alone does not verify).
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteEncodedValue(SealInfoEncoded.Span);
        writer.WriteOctetString(Cert.Span);
        writer.WriteObjectIdentifier(SignatureAlgorithm);
        writer.PopSequence();
        return writer.Encode();
    }

    public static SesSealAsn Decode(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var count = AsnRead.CountElements(seq, 4);
        if (count is not (2 or 4))
        {
            throw new AsnContentException($"SESeal must have 2 elements (GM/T 0031 v1) or 4 (GB/T 38540 v4), got {(count > 4 ? "more than 4" : count)}.");
        }

        var version = count == 2 ? 1 : 4;
        var infoEncoded = seq.ReadEncodedValue();
        var infoReader = new AsnReader(infoEncoded, AsnEncodingRules.DER);
        var info = SesSealInfoAsn.Decode(infoReader, version);
        AsnRead.End(infoReader, "SES_SealInfo");

        var sign = seq;
        if (version == 1)
        {
            sign = seq.ReadSequence();
        }

        var cert = AsnRead.OctetString(sign, "SESeal.cert");
        var alg = sign.ReadObjectIdentifier();
        var signed = AsnRead.ByteBitString(sign, "SESeal.signedValue");
        AsnRead.End(sign, version == 1 ? "SES_SignInfo" : "SESeal");
        if (version == 1)
        {
            AsnRead.End(seq, "SESeal");
        }

        return new SesSealAsn
        {
            Version = version,
            SealInfo = info,
            SealInfoEncoded = infoEncoded,
            Cert = cert,
            SignatureAlgorithm = alg,
            SignedValue = signed,
        };
    }
}
