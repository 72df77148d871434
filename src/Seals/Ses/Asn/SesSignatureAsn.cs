using System.Formats.Asn1;

namespace ElectronicLicense.Seals.Ses.Asn;

/// <summary>
/// Version 4 (GB/T 38540):
/// <code>
/// TBS_Sign ::= SEQUENCE {
///     version       INTEGER,            -- 4
///     eseal         SESeal,
///     timeInfo      GeneralizedTime,
///     dataHash      BIT STRING,         -- hash of the signed document (OFD: of Signature.xml)
///     propertyInfo  IA5String,          -- OFD: path of Signature.xml
///     extDatas      [0] EXPLICIT ExtensionDatas OPTIONAL }
/// </code>
/// Version 1 (GM/T 0031):
/// <code>
/// TBS_Sign ::= SEQUENCE {
///     version             INTEGER,
///     eseal               SESeal,
///     timeInfo            BIT STRING,   -- a time stamp or a time; its content is not fixed (see SesTimeInfo)
///     dataHash            BIT STRING,
///     propertyInfo        IA5String,
///     cert                OCTET STRING,
///     signatureAlgorithm  OBJECT IDENTIFIER }
/// </code>
/// The embedded seal is kept as its encoded bytes: a signature must carry the seal byte for byte.
/// </summary>
internal sealed class TbsSignAsn
{
    /// <summary>1 or 4, from the structure (7 elements = v1, 5 or 6 = v4).</summary>
    public required int StructureVersion { get; init; }

    public required int Version { get; init; }

    public required ReadOnlyMemory<byte> ESeal { get; init; }

    /// <summary>v4: the GeneralizedTime. v1: null (see <see cref="TimeInfoBits"/>).</summary>
    public AsnTime? TimeInfo { get; init; }

    /// <summary>v1: the content of the timeInfo BIT STRING.</summary>
    public ReadOnlyMemory<byte> TimeInfoBits { get; init; }

    public required ReadOnlyMemory<byte> DataHash { get; init; }

    public required string PropertyInfo { get; init; }

    /// <summary>v4: the encoded [0] EXPLICIT extDatas, if present.</summary>
    public ReadOnlyMemory<byte>? ExtDatas { get; init; }

    /// <summary>v1 only: the signer's certificate.</summary>
    public ReadOnlyMemory<byte> Cert { get; init; }

    /// <summary>v1 only: the signature algorithm.</summary>
    public string? SignatureAlgorithm { get; init; }

    private static readonly Asn1Tag ExtDatasTag = new(TagClass.ContextSpecific, 0, isConstructed: true);

    public void Encode(AsnWriter writer)
    {
        writer.PushSequence();
        writer.WriteInteger(Version);
        writer.WriteEncodedValue(ESeal.Span);
        if (StructureVersion == 1)
        {
            writer.WriteBitString(TimeInfoBits.Span);
        }
        else
        {
            TimeInfo!.Value.Write(writer);
        }

        writer.WriteBitString(DataHash.Span);
        writer.WriteCharacterString(UniversalTagNumber.IA5String, PropertyInfo);
        if (StructureVersion == 1)
        {
            writer.WriteOctetString(Cert.Span);
            writer.WriteObjectIdentifier(SignatureAlgorithm!);
        }
        else if (ExtDatas is { } ext)
        {
            writer.WriteEncodedValue(ext.Span);
        }

        writer.PopSequence();
    }

    public static TbsSignAsn Decode(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var count = AsnRead.CountElements(seq, 7);
        if (count is not (5 or 6 or 7))
        {
            throw new AsnContentException($"TBS_Sign must have 5 or 6 elements (GB/T 38540 v4) or 7 (GM/T 0031 v1), got {(count > 7 ? "more than 7" : count)}.");
        }

        var structure = count == 7 ? 1 : 4;
        var version = AsnRead.Int32(seq, "TBS_Sign.version");
        var eseal = seq.ReadEncodedValue();
        AsnTime? time = null;
        ReadOnlyMemory<byte> timeBits = default;
        if (structure == 1)
        {
            timeBits = BitsOrOctets(seq, "TBS_Sign.timeInfo");
        }
        else
        {
            time = AsnTime.Read(seq, "TBS_Sign.timeInfo");
        }

        var hash = structure == 1
            ? BitsOrOctets(seq, "TBS_Sign.dataHash")
            : AsnRead.ByteBitString(seq, "TBS_Sign.dataHash");
        var property = AsnRead.Ia5(seq, "TBS_Sign.propertyInfo", SesLimits.MaxShortString);
        ReadOnlyMemory<byte>? ext = null;
        ReadOnlyMemory<byte> cert = default;
        string? alg = null;
        if (structure == 1)
        {
            cert = AsnRead.OctetString(seq, "TBS_Sign.cert");
            alg = seq.ReadObjectIdentifier();
        }
        else if (seq.HasData)
        {
            if (!seq.PeekTag().HasSameClassAndValue(ExtDatasTag))
            {
                throw new AsnContentException("TBS_Sign.extDatas must be tagged [0].");
            }

            ext = seq.ReadEncodedValue();
        }

        AsnRead.End(seq, "TBS_Sign");
        return new TbsSignAsn
        {
            StructureVersion = structure,
            Version = version,
            ESeal = eseal,
            TimeInfo = time,
            TimeInfoBits = timeBits,
            DataHash = hash,
            PropertyInfo = property,
            ExtDatas = ext,
            Cert = cert,
            SignatureAlgorithm = alg,
        };
    }

    /// <summary>Version 1 writers disagree on BIT STRING vs OCTET STRING for timeInfo and dataHash (ofdrw accepts both).</summary>
    private static ReadOnlyMemory<byte> BitsOrOctets(AsnReader reader, string field) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.PrimitiveOctetString)
            ? AsnRead.OctetString(reader, field)
            : AsnRead.ByteBitString(reader, field);
}

/// <summary>
/// Version 4 (GB/T 38540):
/// <code>
/// SES_Signature ::= SEQUENCE {
///     toSign          TBS_Sign,
///     cert            OCTET STRING,       -- the signer's certificate
///     signatureAlgID  OBJECT IDENTIFIER,
///     signature       BIT STRING,         -- signature over DER(toSign)
///     timeStamp       [0] EXPLICIT BIT STRING OPTIONAL }
/// </code>
/// Version 1 (GM/T 0031):
/// <code>
/// SES_Signature ::= SEQUENCE { toSign TBS_Sign, signature BIT STRING }
/// </code>
/// </summary>
internal sealed class SesSignatureAsn
{
    private static readonly Asn1Tag TimeStampTag = new(TagClass.ContextSpecific, 0, isConstructed: true);

    public required int Version { get; init; }

    public required TbsSignAsn ToSign { get; init; }

    /// <summary>The encoded TBS_Sign exactly as read.</summary>
    public required ReadOnlyMemory<byte> ToSignEncoded { get; init; }

    public required ReadOnlyMemory<byte> Cert { get; init; }

    public required string SignatureAlgorithm { get; init; }

    public required ReadOnlyMemory<byte> Signature { get; init; }

    public ReadOnlyMemory<byte>? TimeStamp { get; init; }

    public void Encode(AsnWriter writer)
    {
        writer.PushSequence();
        writer.WriteEncodedValue(ToSignEncoded.Span);
        if (Version != 1)
        {
            writer.WriteOctetString(Cert.Span);
            writer.WriteObjectIdentifier(SignatureAlgorithm);
        }

        writer.WriteBitString(Signature.Span);
        if (Version != 1 && TimeStamp is { } stamp)
        {
            writer.PushSequence(TimeStampTag);
            writer.WriteBitString(stamp.Span);
            writer.PopSequence(TimeStampTag);
        }

        writer.PopSequence();
    }

    public static SesSignatureAsn Decode(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var count = AsnRead.CountElements(seq, 5);
        if (count is not (2 or 4 or 5))
        {
            throw new AsnContentException($"SES_Signature must have 2 elements (GM/T 0031 v1) or 4 or 5 (GB/T 38540 v4), got {(count > 5 ? "more than 5" : count)}.");
        }

        var version = count == 2 ? 1 : 4;
        var tbsEncoded = seq.ReadEncodedValue();
        var tbsReader = new AsnReader(tbsEncoded, AsnEncodingRules.DER);
        var tbs = TbsSignAsn.Decode(tbsReader);
        if (tbs.StructureVersion != version)
        {
            throw new AsnContentException($"SES_Signature has the layout of version {version} but its TBS_Sign that of version {tbs.StructureVersion}.");
        }

        ReadOnlyMemory<byte> cert;
        string alg;
        if (version == 1)
        {
            cert = tbs.Cert;
            alg = tbs.SignatureAlgorithm!;
        }
        else
        {
            cert = AsnRead.OctetString(seq, "SES_Signature.cert");
            alg = seq.ReadObjectIdentifier();
        }

        var signature = AsnRead.ByteBitString(seq, "SES_Signature.signature");
        ReadOnlyMemory<byte>? stamp = null;
        if (version != 1 && seq.HasData)
        {
            var tagged = seq.ReadSequence(TimeStampTag);
            stamp = AsnRead.ByteBitString(tagged, "SES_Signature.timeStamp");
            AsnRead.End(tagged, "SES_Signature.timeStamp");
        }

        AsnRead.End(seq, "SES_Signature");
        return new SesSignatureAsn
        {
            Version = version,
            ToSign = tbs,
            ToSignEncoded = tbsEncoded,
            Cert = cert,
            SignatureAlgorithm = alg,
            Signature = signature,
            TimeStamp = stamp,
        };
    }
}
