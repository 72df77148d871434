using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace ElectronicLicense.Seals.Pki;

/// <summary>One entry of a revocation list: which certificate, since when, and why.</summary>
public sealed class RevokedCertificate
{
    /// <summary>Creates an entry.</summary>
    /// <param name="serialNumber">The certificate's serial number in big-endian hexadecimal, as <see cref="X509Certificate2.SerialNumber"/> gives it.</param>
    /// <param name="revocationTime">When the certificate stopped being trustworthy.</param>
    /// <param name="reason">The RFC 5280 §5.3.1 reason code.</param>
    /// <exception cref="ArgumentException">The serial number is not a positive hexadecimal integer.</exception>
    public RevokedCertificate(string serialNumber, DateTimeOffset revocationTime, X509RevocationReason reason)
    {
        SerialValue = ParseSerial(serialNumber);
        // The DER INTEGER's bytes, as X509Certificate2.SerialNumber shows them, so the two compare as strings.
        SerialNumber = Convert.ToHexString(SerialValue.ToByteArray());
        // Certificates and CRLs carry whole seconds.
        RevocationTime = new DateTimeOffset(revocationTime.UtcTicks - (revocationTime.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        Reason = reason;
    }

    /// <summary>The serial number in upper-case hexadecimal of whole DER bytes, the form of <see cref="X509Certificate2.SerialNumber"/>.</summary>
    public string SerialNumber { get; }

    /// <summary>When the certificate was revoked, in UTC, to the second.</summary>
    public DateTimeOffset RevocationTime { get; }

    /// <summary>Why it was revoked.</summary>
    public X509RevocationReason Reason { get; }

    internal BcBigInteger SerialValue { get; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{SerialNumber} revoked {RevocationTime:yyyy-MM-ddTHH:mm:ssZ} ({Reason})");

    internal static BcBigInteger ParseSerial(string serialNumber)
    {
        ArgumentNullException.ThrowIfNull(serialNumber);
        var hex = serialNumber.Replace(" ", string.Empty, StringComparison.Ordinal).Replace(":", string.Empty, StringComparison.Ordinal);
        if (hex.Length is 0 or > 42 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("A serial number must be 1-42 hexadecimal digits.", nameof(serialNumber));
        }

        var value = new BcBigInteger(hex, 16);
        return value.SignValue > 0 ? value : throw new ArgumentException("A serial number must be positive.", nameof(serialNumber));
    }
}

/// <summary>A decoded X.509 v2 certificate revocation list (RFC 5280 §5).</summary>
public sealed class CertificateRevocationList
{
    private readonly X509Crl crl;
    private readonly byte[] rawData;

    private CertificateRevocationList(X509Crl crl, byte[] rawData)
    {
        this.crl = crl;
        this.rawData = rawData;
        Issuer = new X500DistinguishedName(crl.IssuerDN.GetDerEncoded());
        ThisUpdate = new DateTimeOffset(DateTime.SpecifyKind(crl.ThisUpdate, DateTimeKind.Utc));
        NextUpdate = crl.NextUpdate is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;
        var number = crl.GetExtensionValue(X509Extensions.CrlNumber);
        CrlNumber = number is null ? null : DerInteger.GetInstance(Asn1Object.FromByteArray(number.GetOctets())).Value.LongValue;
        Entries = crl.GetRevokedCertificates()?.Cast<X509CrlEntry>().Select(ToEntry).ToList() ?? [];
    }

    /// <summary>The CRL issuer's name.</summary>
    public X500DistinguishedName Issuer { get; }

    /// <summary>When this CRL was issued.</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>When the next CRL is due, if stated.</summary>
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>The CRL number extension, if present.</summary>
    public long? CrlNumber { get; }

    /// <summary>The revoked certificates.</summary>
    public IReadOnlyList<RevokedCertificate> Entries { get; }

    internal X509Crl BcCrl => crl;

    /// <summary>The DER encoding.</summary>
    public byte[] Export() => (byte[])rawData.Clone();

    /// <summary>The PEM encoding (<c>-----BEGIN X509 CRL-----</c>).</summary>
    public string ExportPem() => new string(System.Security.Cryptography.PemEncoding.Write("X509 CRL", rawData));

    /// <summary>Decodes a DER CRL; anything that is not one gives false.</summary>
    /// <param name="der">The bytes, starting with the CRL.</param>
    /// <param name="crl">The CRL when decoding succeeded.</param>
    /// <param name="bytesConsumed">The length of the CRL's encoding.</param>
    public static bool TryDecode(ReadOnlySpan<byte> der, [NotNullWhen(true)] out CertificateRevocationList? crl, out int bytesConsumed)
    {
        crl = null;
        bytesConsumed = 0;
        try
        {
            AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.DER, out _, out _, out var length);
            var bytes = der[..length].ToArray();
            var parsed = new X509CrlParser().ReadCrl(bytes);
            if (parsed is null)
            {
                return false;
            }

            crl = new CertificateRevocationList(parsed, bytes);
            bytesConsumed = length;
            return true;
        }
        catch (Exception e) when (e is AsnContentException or ArgumentException or InvalidCastException or IOException or FormatException
                                      or Org.BouncyCastle.Security.Certificates.CrlException or Asn1Exception or InvalidOperationException)
        {
            crl = null;
            return false;
        }
    }

    /// <summary>The entry for <paramref name="serial"/>, if it is listed.</summary>
    internal RevokedCertificate? Find(BcBigInteger serial) => Entries.FirstOrDefault(e => e.SerialValue.Equals(serial));

    /// <summary>Whether this CRL was issued by <paramref name="issuer"/>: same name and a signature that verifies with its key.</summary>
    internal bool IsIssuedBy(BcCertificate issuer) =>
        crl.IssuerDN.Equivalent(issuer.SubjectDN, true)
        && CertificateSignatures.Verify(issuer, crl.SigAlgOid, crl.GetTbsCertList(), crl.GetSignature());

    private static RevokedCertificate ToEntry(X509CrlEntry entry)
    {
        var reason = X509RevocationReason.Unspecified;
        var value = entry.GetExtensionValue(X509Extensions.ReasonCode);
        if (value is not null)
        {
            reason = (X509RevocationReason)DerEnumerated.GetInstance(Asn1Object.FromByteArray(value.GetOctets())).Value.IntValue;
        }

        return new RevokedCertificate(entry.SerialNumber.ToString(16), new DateTimeOffset(DateTime.SpecifyKind(entry.RevocationDate, DateTimeKind.Utc)), reason);
    }
}
