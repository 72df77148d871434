using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses.Asn;

namespace ElectronicLicense.Seals.Ses;

/// <summary>A decoded electronic signature made with a seal (电子签章数据, SES_Signature) of either version.</summary>
/// <remarks>
/// In an OFD document this is Sign_N/SignedValue.dat of a Type="Seal" signature; <see cref="DataHash"/> is the SM3
/// of Signature.xml and <see cref="PropertyInfo"/> its path. Checking that hash against the document is the OFD
/// verifier's job; this class checks the signature itself.
/// </remarks>
public sealed class SesSignature
{
    private readonly SesSignatureAsn asn;

    private SesSignature(SesSignatureAsn asn, ReadOnlyMemory<byte> encoded, SesSeal seal, X509Certificate2 signer, DateTimeOffset? time)
    {
        this.asn = asn;
        Encoded = encoded;
        Seal = seal;
        SignerCertificate = signer;
        TimeInfo = time;
    }

    /// <summary>The format version, from the structure (SES_Signature of 2 elements = v1, 4 or 5 = v4).</summary>
    public SesVersion Version => asn.Version == 1 ? SesVersion.V1 : SesVersion.V4;

    /// <summary>TBS_Sign.version as written.</summary>
    public int TbsVersion => asn.ToSign.Version;

    /// <summary>The seal the signature was made with, decoded from the embedded bytes.</summary>
    public SesSeal Seal { get; }

    /// <summary>When the signer says it signed; null for a v1 timeInfo in a form that is not recognised.</summary>
    /// <remarks>
    /// v4: the GeneralizedTime. v1 (a BIT STRING of unfixed content): a DER UTCTime or GeneralizedTime, or the text
    /// "yyyy-MM-dd HH:mm:ss" which ofdrw writes in China time (UTC+8).
    /// </remarks>
    public DateTimeOffset? TimeInfo { get; }

    /// <summary>TBS_Sign.dataHash: the hash of the signed data.</summary>
    public ReadOnlyMemory<byte> DataHash => asn.ToSign.DataHash;

    /// <summary>TBS_Sign.propertyInfo: for OFD, the path of the Signature.xml that was hashed.</summary>
    public string PropertyInfo => asn.ToSign.PropertyInfo;

    /// <summary>The signer's certificate (v4 SES_Signature.cert, v1 TBS_Sign.cert).</summary>
    public X509Certificate2 SignerCertificate { get; }

    /// <summary>The OID of the signature algorithm.</summary>
    public string SignatureAlgorithmOid => asn.SignatureAlgorithm;

    /// <summary>The signature value over DER(TBS_Sign) (DER <c>SEQUENCE{r, s}</c> for SM2).</summary>
    public ReadOnlyMemory<byte> SignatureValue => asn.Signature;

    /// <summary>v4 timeStamp: the content of the optional BIT STRING over the signature value, or null.</summary>
    public ReadOnlyMemory<byte>? TimeStamp => asn.TimeStamp;

    /// <summary>The signature exactly as decoded or created.</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    /// <summary>The DER of TBS_Sign exactly as found: the signed bytes.</summary>
    internal ReadOnlyMemory<byte> ToSignBytes => asn.ToSignEncoded;

    internal SesSignatureAsn Asn => asn;

    /// <summary>Decodes a signature from untrusted DER; never throws on malformed input.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> der, [NotNullWhen(true)] out SesSignature? signature, [NotNullWhen(false)] out string? error)
    {
        signature = null;
        if (der.Length > SesLimits.MaxSignatureBytes)
        {
            error = $"An e-seal signature must be at most {SesLimits.MaxSignatureBytes} bytes, got {der.Length}.";
            return false;
        }

        ReadOnlyMemory<byte> owned = der.ToArray();
        SesSignatureAsn asn;
        try
        {
            var reader = new AsnReader(owned, AsnEncodingRules.DER);
            asn = SesSignatureAsn.Decode(reader);
            if (reader.HasData)
            {
                error = "The signature has trailing bytes after SES_Signature.";
                return false;
            }
        }
        catch (AsnContentException e)
        {
            error = $"Not a well-formed e-seal signature (SES_Signature): {e.Message}";
            return false;
        }

        if (!SesSeal.TryDecodeOwned(asn.ToSign.ESeal, out var seal, out var sealError))
        {
            error = $"The seal inside the signature (TBS_Sign.eseal) is not valid: {sealError}";
            return false;
        }

        // A v4 signature embeds a v4 seal and a v1 signature a v1 seal (GB/T 38540 TBS_Sign.eseal is a v4 SESeal).
        if ((int)seal.Version != asn.Version)
        {
            error = $"A version {asn.Version} signature must embed a version {asn.Version} seal, got version {(int)seal.Version}.";
            return false;
        }

        if (!SesCrypto.TryLoadCertificate(asn.Cert, out var signer))
        {
            error = "The signer certificate (cert) is not a DER X.509 certificate.";
            return false;
        }

        var time = asn.ToSign.TimeInfo?.Value ?? ParseV1Time(asn.ToSign.TimeInfoBits.Span);
        signature = new SesSignature(asn, owned, seal, signer!, time);
        error = null;
        return true;
    }

    /// <summary>Checks the signer's signature over the original DER of TBS_Sign.</summary>
    /// <remarks>
    /// Only the cryptography of this signature: the seal's own signature (<see cref="SesSeal.VerifyMakerSignature"/>),
    /// <see cref="SesSeal.ListsSigner"/>, validity and trust are separate checks for the caller.
    /// </remarks>
    public bool VerifySignature() =>
        SesCrypto.Verify(SignerCertificate, asn.SignatureAlgorithm, asn.ToSignEncoded.Span, asn.Signature.Span);

    /// <summary>Makes a GB/T 38540 (v4) signature with <paramref name="seal"/> over data whose hash is <paramref name="dataHash"/>.</summary>
    /// <param name="seal">A v4 seal whose certificate list names the signer.</param>
    /// <param name="time">TBS_Sign.timeInfo; written in whole seconds, UTC.</param>
    /// <param name="dataHash">The hash of the signed data (for OFD: SM3 of Signature.xml).</param>
    /// <param name="propertyInfo">ASCII description of the signed data (for OFD: the path of Signature.xml).</param>
    /// <param name="signer">The signer's SM2 key and certificate.</param>
    /// <exception cref="ArgumentException">Not SM2, a v1 seal, a signer the seal does not list, or bad arguments.</exception>
    public static SesSignature Create(SesSeal seal, DateTimeOffset time, byte[] dataHash, string propertyInfo, SigningKey signer)
    {
        ArgumentNullException.ThrowIfNull(seal);
        ArgumentNullException.ThrowIfNull(dataHash);
        ArgumentNullException.ThrowIfNull(propertyInfo);
        ArgumentNullException.ThrowIfNull(signer);

        // GB/T 38540 SES_Signature.signatureAlgID: SM2-with-SM3.
        if (signer.Algorithm != Pki.SignatureAlgorithm.Sm2WithSm3)
        {
            throw new ArgumentException($"The signer's key must be SM2 (GB/T 38540 signatures use SM2-with-SM3), got {signer.Algorithm}.", nameof(signer));
        }

        if (seal.Version != SesVersion.V4)
        {
            throw new ArgumentException("A GB/T 38540 signature must embed a version 4 seal; this seal is GM/T 0031 version 1.", nameof(seal));
        }

        // GB/T 38540: the signer's certificate must be in the seal's certificate list.
        if (!seal.ListsSigner(signer.Certificate))
        {
            throw new ArgumentException("The seal's certificate list does not name the signer's certificate.", nameof(signer));
        }

        if (dataHash.Length == 0 || dataHash.Length > 64)
        {
            throw new ArgumentException($"The data hash must be 1–64 bytes, got {dataHash.Length}.", nameof(dataHash));
        }

        if (propertyInfo.Length is 0 or > SesLimits.MaxShortString || !SesCrypto.IsIa5(propertyInfo))
        {
            throw new ArgumentException($"The property info must be 1–{SesLimits.MaxShortString} ASCII characters (IA5String).", nameof(propertyInfo));
        }

        var tbs = new TbsSignAsn
        {
            StructureVersion = 4,
            Version = 4,
            ESeal = seal.Encoded,
            TimeInfo = new AsnTime(SesSealDescription.WholeSeconds(time), IsUtcTime: false),
            DataHash = dataHash.ToArray(),
            PropertyInfo = propertyInfo,
        };
        var writer = new AsnWriter(AsnEncodingRules.DER);
        tbs.Encode(writer);
        var tbsDer = writer.Encode();

        // GB/T 38540 SES_Signature.signature: the signer's signature over DER(toSign).
        var value = signer.Sign(tbsDer);
        var asn = new SesSignatureAsn
        {
            Version = 4,
            ToSign = tbs,
            ToSignEncoded = tbsDer,
            Cert = signer.Certificate.RawData,
            SignatureAlgorithm = Oids.Sm2WithSm3,
            Signature = value,
        };
        writer.Reset();
        asn.Encode(writer);
        if (!TryDecode(writer.Encode(), out var signature, out var error))
        {
            throw new InvalidOperationException($"A signature just made does not decode: {error}");
        }

        return signature;
    }

    /// <summary>Interprets a v1 timeInfo BIT STRING (GM/T 0031 leaves its content open: "时间戳或 UTCTime").</summary>
    internal static DateTimeOffset? ParseV1Time(ReadOnlySpan<byte> bits)
    {
        if (bits.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new AsnReader(bits.ToArray(), AsnEncodingRules.DER);
            var tag = reader.PeekTag();
            if (tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime))
            {
                var time = AsnTime.Read(reader, "timeInfo").Value;
                return reader.HasData ? null : time;
            }
        }
        catch (AsnContentException)
        {
            // Not DER: try the text forms below.
        }

        if (bits.Length > 64)
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(bits);
        if (DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var china))
        {
            return new DateTimeOffset(china, TimeSpan.FromHours(8));
        }

        string[] utcForms = ["yyyyMMddHHmmss'Z'", "yyMMddHHmmss'Z'"];
        return DateTimeOffset.TryParseExact(text, utcForms, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var utc)
            ? utc
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"SesSignature(v{(int)Version}, {PropertyInfo})";
}
