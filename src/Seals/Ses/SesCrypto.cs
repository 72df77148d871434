using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Seals.Ses;

/// <summary>Certificate loading and signature checks shared by seals and signatures.</summary>
internal static class SesCrypto
{
    private const int Sm2RawSignatureLength = 64;

    private const int MaxRememberedCertificates = 1_000;

    // The same signer and seal-maker certificates come in every seal and signature, and loading one costs about 150 µs;
    // duplicating a loaded one costs under a microsecond. Keyed by the exact DER, so any changed byte is loaded afresh.
    private static readonly ConcurrentDictionary<byte[], X509Certificate2> Loaded = new(DerComparer.Instance);

    /// <summary>Loads a DER certificate; the caller owns the instance it gets (a duplicate of one remembered by its bytes).</summary>
    public static bool TryLoadCertificate(ReadOnlyMemory<byte> der, out X509Certificate2? certificate)
    {
        if (Loaded.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(der.Span, out var known))
        {
            certificate = new X509Certificate2(known);
            return true;
        }

        X509Certificate2 loaded;
        try
        {
            loaded = X509CertificateLoader.LoadCertificate(der.Span);
        }
        catch (CryptographicException)
        {
            certificate = null;
            return false;
        }

        if (Loaded.Count >= MaxRememberedCertificates)
        {
            // Files from outside may each bring new certificates: start afresh rather than grow or stop remembering.
            Loaded.Clear();
        }

        if (Loaded.TryAdd(der.ToArray(), loaded))
        {
            certificate = new X509Certificate2(loaded);
            return true;
        }

        certificate = loaded;
        return true;
    }

    /// <summary>Verifies a signature value as found in a seal or signature BIT STRING.</summary>
    /// <remarks>
    /// GB/T 38540 stores the SM2 signature as DER <c>SEQUENCE{r, s}</c> (GM/T 0009); some makers write the bare 64-byte
    /// r‖s instead, which is accepted by converting it: the signed bytes, not the wrapping, are what is being checked.
    /// </remarks>
    public static bool Verify(X509Certificate2 certificate, string algorithmOid, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (VerifyQuietly(certificate, algorithmOid, data, signature))
        {
            return true;
        }

        return algorithmOid == Oids.Sm2WithSm3 && signature.Length == Sm2RawSignatureLength
            && VerifyQuietly(certificate, algorithmOid, data, RawToDer(signature));
    }

    /// <summary>The certificate came from untrusted bytes: a damaged public key must read as "not valid", not throw.</summary>
    private static bool VerifyQuietly(X509Certificate2 certificate, string algorithmOid, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        try
        {
            return SignatureVerifier.Verify(certificate, algorithmOid, data, signature);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or ArithmeticException
                                      or IOException or InvalidCastException or CryptographicException
                                      or Org.BouncyCastle.Crypto.CryptoException or Org.BouncyCastle.Security.SecurityUtilityException
                                      or NullReferenceException or IndexOutOfRangeException)
        {
            // Found by the fuzzing tests: BouncyCastle 1.8's X509Certificate.GetPublicKey throws FormatException
            // ("Invalid point encoding") for a corrupted EC point and NullReferenceException for an unknown curve OID.
            return false;
        }
    }

    private static byte[] RawToDer(ReadOnlySpan<byte> raw)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteIntegerUnsigned(raw[..32]);
        writer.WriteIntegerUnsigned(raw[32..]);
        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>True when every character is in IA5 (7-bit ASCII), as IA5String requires.</summary>
    public static bool IsIa5(string value)
    {
        foreach (var c in value)
        {
            if (c > 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Compares certificates by their bytes; lookups by span need no copy.</summary>
    private sealed class DerComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly DerComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
